"""Print and write a validation report: table (CSV, markdown), per-seed values, figures."""

from __future__ import annotations

from pathlib import Path

from .registry import KNOWN_GAPS
from .runner import PASS_SHARE, Report


def markdown_table(report: Report) -> str:
    """The summary table in GitHub markdown."""
    lines = ["| pattern | criterion | what is measured | threshold | share of seeds passing |",
             "|---|---|---|---|---|"]
    for row in report.table().itertuples():
        share = f"{row.share_passing:.0%}"
        if row.criterion == "ALL":
            share = f"**{share}**"
        lines.append(f"| {row.pattern} | {row.criterion} | {row.measured} | {row.threshold} "
                     f"| {share} |")
    return "\n".join(lines)


def text_table(report: Report) -> str:
    """The summary table as fixed-width text for the terminal."""
    df = report.table()
    df["share_passing"] = df["share_passing"].map(lambda x: f"{x:.0%}")
    return df.to_string(index=False, max_colwidth=60)


def verdict(report: Report) -> str:
    """One line: passed or which patterns failed."""
    failed = [f"{p.number}. {p.title} ({report.pattern_share(p.key):.0%})"
              for p in report.patterns
              if report.pattern_share(p.key) < PASS_SHARE and p.key not in KNOWN_GAPS]
    gaps = [f"known gap, not gating: {p.number}. {p.title} passes on "
            f"{report.pattern_share(p.key):.0%} of seeds ({KNOWN_GAPS[p.key]})"
            for p in report.patterns if p.key in KNOWN_GAPS]
    kind = "quick" if report.quick else "full"
    head = f"validation ({kind}, {len(report.seeds)} seeds): "
    if not failed:
        head += f"PASSED: every gating pattern holds on >= {PASS_SHARE:.0%} of seeds"
    else:
        head += "FAILED: " + "; ".join(failed)
    return "\n".join([head, *gaps])


def write(report: Report, out: Path) -> list[Path]:
    """Write validation.csv, validation.md, seeds.csv and the figures to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "validation.csv", out / "validation.md", out / "seeds.csv"]
    report.table().to_csv(files[0], index=False)
    figures = []
    for p in report.patterns:
        with_data = [o for o in report.outcomes[p.key] if o.data is not None] or \
            report.outcomes[p.key]
        figures += p.plot(with_data, out)
    md = [f"# Validation report ({'quick' if report.quick else 'full'})", "",
          f"Seeds: {report.seeds[0]}..{report.seeds[-1]} ({len(report.seeds)}). "
          f"A pattern passes if all its criteria hold on >= {PASS_SHARE:.0%} of seeds.", "",
          markdown_table(report), "", verdict(report), "",
          *[f"![{f.stem}]({f.name})" for f in figures]]
    files[1].write_text("\n".join(md) + "\n", encoding="utf-8")
    report.values().to_csv(files[2], index=False)
    return files + figures
