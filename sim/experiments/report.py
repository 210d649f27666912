"""Summaries and plots of a sweep: bands, a variant comparison, sensitivity indices.

Written to ``SWEEP/report/``:

* ``bands.csv`` and ``bands_<metric>.png``: per variant, firm and period, the mean and the
  95% band (2.5 and 97.5 percentiles) across replications of retention, share and
  cumulative profit.
* ``runs_summary.csv``: one row per run and firm: mean retention over the horizon, mean
  share over its last quarter, final cumulative profit.
* ``comparison.csv``: per variant and firm, those three with a 95% confidence interval of
  the mean, and the difference from the first variant with its interval (paired by
  replication under common random numbers).
* ``sensitivity.csv`` and ``sensitivity.png`` (Sobol / Morris designs): indices of each
  summary per firm with 95% intervals.
* ``report.md``: the comparison (and the sensitivity) as text.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .plots import plot_bands, plot_sensitivity
from .rounding import round_frame
from .schema import Experiment
from .store import TMP_PREFIX, current_umask, load_results, read_manifest, write_text

BAND_METRICS = ("retention_rate", "market_share", "cumulative_profit")
SUMMARIES = {"retention": "mean retention_rate over the horizon",
             "share": "mean market_share over the last quarter of the horizon",
             "profit": "cumulative_profit at the horizon"}
MAX_PLOTTED_VARIANTS = 12


def make_report(out: str | Path, plots: bool = True) -> str:
    """Write the report of sweep folder ``out``; return its text (``report.md``).

    The report is built in a temporary folder that then replaces ``report/`` whole, so no
    file of an earlier report survives and no half-written report is left by a failure.

    Raises:
        InputError: No valid sweep in ``out``, run files missing or not readable.
    """
    out = Path(out)
    manifest = read_manifest(out)
    df = load_results(out, ["period", "firm", "replication", *BAND_METRICS])
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}report-", dir=out))
    try:
        text = _write_report(tmp, manifest, df, plots)
        _swap(tmp, out / "report")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return text


def _write_report(rep: Path, manifest: dict, df: pd.DataFrame, plots: bool) -> str:
    """Write every report file into ``rep``; return the text of ``report.md``."""
    counts = _counts(manifest)
    if df.empty:
        text = f"# {manifest['experiment']['name']}\n\nNo completed runs ({counts}).\n"
        write_text(rep / "report.md", text)
        return text
    order = [v["name"] for v in manifest["variants"]]
    bands = band_table(df, order)
    _csv(bands, rep / "bands.csv")
    summary = run_summaries(df)
    _csv(summary, rep / "runs_summary.csv")
    comp = comparison(summary, order, manifest["common_random_numbers"])
    _csv(comp, rep / "comparison.csv")
    sens = sensitivity(summary, manifest)
    if sens is not None:
        _csv(sens, rep / "sensitivity.csv")
    if plots:
        if len(order) <= MAX_PLOTTED_VARIANTS:
            for metric in BAND_METRICS:
                plot_bands(bands, metric, rep / f"bands_{metric}.png")
        if sens is not None:
            plot_sensitivity(sens, rep / "sensitivity.png")
    text = render(manifest, counts, comp, sens)
    write_text(rep / "report.md", text)
    return text


def _swap(new: Path, final: Path) -> None:
    """Replace folder ``final`` by ``new`` (the old one is moved aside, then deleted)."""
    old = final.with_name(f"{TMP_PREFIX}old-{final.name}")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    os.chmod(final, 0o777 & ~current_umask())
    shutil.rmtree(old, ignore_errors=True)


def _csv(df: pd.DataFrame, path: Path) -> None:
    """Write a CSV atomically, numbers rounded to ``CSV_DIGITS`` significant digits."""
    write_text(path, round_frame(df).to_csv(index=False))


def _counts(manifest: dict) -> str:
    """``N runs: ok, failed, pending``."""
    st = pd.Series([r["status"] for r in manifest["runs"]]).value_counts()
    return (f"{len(manifest['runs'])} runs: {st.get('ok', 0)} ok, {st.get('failed', 0)} failed, "
            f"{st.get('pending', 0)} pending")


def band_table(df: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Mean and 2.5 / 97.5 percentiles across replications, per variant, firm, period."""
    long = df.melt(id_vars=["variant", "firm", "period", "replication"],
                   value_vars=list(BAND_METRICS), var_name="metric")
    g = long.groupby(["metric", "variant", "firm", "period"], sort=False)["value"]
    out = pd.DataFrame({"mean": g.mean(), "lo": g.quantile(0.025), "hi": g.quantile(0.975),
                        "n": g.count()}).reset_index()
    out["variant"] = pd.Categorical(out["variant"], order)
    return out.sort_values(["metric", "variant", "firm", "period"]).reset_index(drop=True)


def run_summaries(df: pd.DataFrame) -> pd.DataFrame:
    """One row per run and firm: retention, share (last quarter), profit (at the horizon)."""
    last = df["period"].max()
    late = df["period"] > last - max(1, (last + 1) // 4)
    g = df.groupby(["run", "variant", "replication", "firm"], sort=False)
    out = pd.DataFrame({
        "retention": g["retention_rate"].mean(),
        "share": df[late].groupby(["run", "variant", "replication", "firm"],
                                  sort=False)["market_share"].mean(),
        "profit": g["cumulative_profit"].last(),
    })
    return out.reset_index()


def mean_ci(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean (NaN bounds for fewer than 2 values)."""
    from scipy import stats

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(x.mean())
    if x.size < 2:
        return m, float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return m, m - half, m + half


def comparison(summary: pd.DataFrame, order: list[str], paired: bool) -> pd.DataFrame:
    """Per variant, firm and summary: mean with CI, and difference from the first variant."""
    rows = []
    present = [v for v in order if v in set(summary["variant"])]
    for (firm, var), g in summary.groupby(["firm", "variant"], sort=False):
        base = summary[(summary["firm"] == firm) & (summary["variant"] == present[0])]
        for col in SUMMARIES:
            m, lo, hi = mean_ci(g[col].to_numpy())
            d, dlo, dhi = _difference(g, base, col, paired)
            rows.append({"variant": var, "firm": firm, "output": col, "n": int(g[col].count()),
                         "mean": m, "ci_lo": lo, "ci_hi": hi, "diff_vs_first": d,
                         "diff_ci_lo": dlo, "diff_ci_hi": dhi})
    out = pd.DataFrame(rows)
    out["variant"] = pd.Categorical(out["variant"], present)
    return out.sort_values(["output", "firm", "variant"]).reset_index(drop=True)


def _difference(g: pd.DataFrame, base: pd.DataFrame, col: str,
                paired: bool) -> tuple[float, float, float]:
    """Mean difference ``g - base`` of ``col`` with a 95% interval."""
    from scipy import stats

    if paired:
        joined = g.merge(base, on="replication", suffixes=("", "_b"))
        return mean_ci((joined[col] - joined[f"{col}_b"]).to_numpy())
    a, b = g[col].dropna().to_numpy(), base[col].dropna().to_numpy()
    if a.size < 2 or b.size < 2:
        return float(a.mean() - b.mean()) if a.size and b.size else float("nan"), np.nan, np.nan
    d = float(a.mean() - b.mean())
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    half = float(stats.t.ppf(0.975, min(a.size, b.size) - 1) * se)
    return d, d - half, d + half


def sensitivity(summary: pd.DataFrame, manifest: dict) -> pd.DataFrame | None:
    """Sobol or Morris indices of every summary per firm (None for other designs)."""
    from .designs import problem, sample_matrix
    from .sensitivity import morris_indices, sobol_indices

    exp = Experiment.model_validate(manifest["experiment"]["data"])
    d = exp.design
    if d.type not in ("sobol", "morris"):
        return None
    prob, n = problem(d.factors), len(manifest["variants"])
    frames = []
    for firm, g in summary.groupby("firm", sort=False):
        means = g.groupby("variant")[list(SUMMARIES)].mean()
        names = [v["name"] for v in manifest["variants"]]
        means = means.reindex(names)
        for col in SUMMARIES:
            y = means[col].to_numpy()
            if len(y) != n or not np.isfinite(y).all():
                continue
            if d.type == "sobol":
                res = sobol_indices(prob, y, d.second_order, seed=exp.seed)
            else:
                res = morris_indices(prob, sample_matrix(d, exp.seed), y, d.levels, exp.seed)
            frames.append(res.assign(firm=firm, output=col))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    return out[["output", "firm", *[c for c in out.columns if c not in ("output", "firm")]]]


def render(manifest: dict, counts: str, comp: pd.DataFrame, sens: pd.DataFrame | None) -> str:
    """The report as Markdown text."""
    lines = [f"# {manifest['experiment']['name']}", "",
             f"{counts}; {manifest['replications']} replications per variant; "
             f"root seed {manifest['seed']}; loyaltysim {manifest['version']}.", "",
             "## Variants (mean and 95% CI across replications)", ""]
    for out_name, desc in SUMMARIES.items():
        sub = comp[comp["output"] == out_name]
        lines += [f"### {out_name}: {desc}", "", _table(sub), ""]
    if sens is not None and not sens.empty:
        lines += ["## Sensitivity indices (95% CI half-widths in *_conf)", "", _table(sens), ""]
    elif sens is not None:
        lines += ["## Sensitivity", "", "Not computed: some design points have no results.", ""]
    return "\n".join(lines)


def _table(df: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table with compact numbers."""
    cols = [c for c in df.columns if c != "output"]
    head = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols)
    body = ["| " + " | ".join(_fmt(row[c]) for c in cols) + " |" for _, row in df.iterrows()]
    return "\n".join([head, *body])


def _fmt(x: object) -> str:
    """Numbers to 4 significant digits; everything else as text."""
    return f"{x:.4g}" if isinstance(x, (float, np.floating)) else str(x)
