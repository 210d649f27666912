"""The dashboard's panels (one function per tab), each drawing from the ``Classroom``.

Charts are memoised on the model, its step count and the language, so a panel is drawn once
per step, and only the open tab is drawn at all. Charts are SVG text (``svg``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import solara

from . import cases, export, figures, markers, story
from .classroom import Classroom
from .i18n import name, period_word, tr
from .ui import md, svg

TABS = ("tab_market", "tab_trap", "tab_loyalty", "tab_compare", "tab_customer", "tab_info",
        "tab_export")


def names(model: Classroom, lang: str) -> dict[str, str]:
    """Firm id -> display name in ``lang``."""
    return {f.fid: name(f.name, lang) for f in model.a.market.firms}


def context(model: Classroom, lang: str) -> dict[str, Any]:
    """What most charts need: frame, names, x label, x range and the story markers."""
    df = model.a.frame()
    return {"df": df, "names": names(model, lang), "lang": lang,
            "xlabel": period_word(model.period, lang),
            "xlim": (0, model.a.market.spec.horizon - 1), "marks": markers.find(df)}


T = TypeVar("T")


def _memo(model: Classroom, lang: str, key: str, build: Callable[[], T]) -> T:
    return solara.use_memo(build, [id(model), model.steps, lang, key])


def market_tab(model: Classroom, lang: str) -> None:
    """The four main charts: share, churn, cumulative profit, trust and satisfaction."""
    def build() -> list[tuple[str, str]]:
        c = context(model, lang)
        kw = {"names": c["names"], "marks": c["marks"], "xlim": c["xlim"], "lang": lang}
        return [("share", figures.lines(c["df"], "market_share", tr("share", lang),
                                        tr("share_y", lang), c["xlabel"], 4, scale=100, **kw)),
                ("retention", figures.lines(c["df"], "churn_rate", tr("churn", lang),
                                            tr("churn_y", lang), c["xlabel"], 8, scale=100,
                                            **kw)),
                ("profit", figures.lines(c["df"], "cumulative_profit", tr("cumprofit", lang),
                                         model.a.market.spec.market.currency, c["xlabel"],
                                         **kw)),
                ("satisfaction", figures.trust_satisfaction(c["df"], c["xlabel"], **kw))]
    with solara.Div(classes=["dash-grid"]):
        for key, chart in _memo(model, lang, "market", build):
            svg(chart, key)


def trap_tab(model: Classroom, lang: str) -> None:
    """Service level, margin and service budget of each firm: the mechanism of the trap."""
    def build() -> list[str]:
        c = context(model, lang)
        return figures.trap(c["df"], c["xlabel"], c["names"], c["marks"], c["xlim"], lang)
    with solara.Div(classes=["dash-grid"]):
        for chart in _memo(model, lang, "trap", build):
            svg(chart, "trap")


def loyalty_tab(model: Classroom, lang: str) -> None:
    """Retention, satisfaction and share of wallet side by side; Dick & Basu; losses by reason.

    The three measures of loyalty the teaching material names, per firm.
    """
    def build() -> list[str]:
        c = context(model, lang)
        kw = {"names": c["names"], "marks": c["marks"], "xlim": c["xlim"], "lang": lang}
        measures = [
            figures.lines(c["df"], "retention_rate", tr("ret", lang), tr("churn_y", lang),
                          c["xlabel"], 8, scale=100, **kw),
            figures.lines(c["df"], "satisfaction_mean", tr("sat", lang), tr("sat_y", lang),
                          c["xlabel"], scale=100, **kw),
            figures.lines(c["df"], "share_of_wallet", tr("sow", lang), tr("sow_y", lang),
                          c["xlabel"], scale=100, **kw)]
        out = figures.loyalty(c["df"], c["xlabel"], c["names"], lang) \
            if "loyal_true" in c["df"].columns else []
        return measures + out + [figures.lost_by_reason(c["df"], c["names"], lang)]
    with solara.Div(classes=["dash-grid"]):
        for chart in _memo(model, lang, "loyalty", build):
            svg(chart, "loyalty")


def compare_tab(model: Classroom, lang: str) -> None:
    """Setting A (solid) against setting B (dashed), same seed."""
    if model.b is None:
        md(tr("b_none", lang))
        return
    md(tr("b_desc", lang, what=model.describe_b(), seed=model.seed_value))

    def build() -> list[str]:
        frames = {tag: s.frame() for tag, s in model.settings}
        xl = period_word(model.period, lang)
        return [figures.compare(frames, xl, names(model, lang), k, lang) for k in range(4)]
    with solara.Div(classes=["dash-grid"]):
        for k, chart in enumerate(_memo(model, lang, "compare", build)):
            svg(chart, f"compare{k}")


def customer_tab(model: Classroom, lang: str) -> None:
    """The story of the latest followed customer lost or won back."""
    market, nm = model.a.market, names(model, lang)
    recent = story.recent_switchers(market, nm)
    who = recent[0][0] if recent else model.follow_id
    records = story.history(market, who) if who is not None else []
    if not records:
        md(tr("follow_none", lang))
        return
    events = story.events(records, nm)
    label = f"#{who} ({records[0]['segment']})"
    charts = story.timeline(records, events, nm, period_word(model.period, lang), label)
    with solara.Div(classes=["dash-grid"]):
        for chart in charts:
            svg(chart, "story")
    md("\n".join(f"- {model.period} {e.period}: {e.text}" for e in events[-6:]))


def info_tab(model: Classroom, lang: str) -> None:
    """The case's story, what to try and what the model assumes."""
    spec = model.a.market.spec
    text = cases.info(model.path, spec.description, lang)
    lines = [f"### {name(model.title, lang)}", "", text["story"], ""]
    for head, key in (("try_h", "try"), ("assume_h", "assume")):
        if text[key]:
            lines += [f"**{tr(head, lang)}**", ""] + [f"- {x}" for x in text[key]] + [""]
    md("\n".join(lines))


def export_tab(model: Classroom, lang: str) -> None:
    """Downloads: zip of charts, CSV and reproduction; the command line."""
    md(tr("export_intro", lang))
    stem = model.path.rsplit("/", 1)[-1].removesuffix(".yaml")
    with solara.Row():
        solara.FileDownload(lambda: export.bundle(model), f"{stem}_run.zip",
                            label=tr("dl_zip", lang), mime_type="application/zip")
        solara.FileDownload(lambda: export.csv(model.a), f"{stem}_trajectories.csv",
                            label=tr("dl_csv", lang), mime_type="text/csv")
        solara.FileDownload(lambda: export.scenario_yaml(model.a), f"{stem}_scenario.yaml",
                            label=tr("dl_yaml", lang), mime_type="text/yaml")
    md(f"**{tr('reproduce', lang)}**\n\n    {export.command(model.path, model.a)}\n\n"
       f"    python run.py run {stem}_scenario.yaml")


PANELS = (market_tab, trap_tab, loyalty_tab, compare_tab, customer_tab, info_tab, export_tab)


def captions(model: Classroom, lang: str) -> None:
    """The story markers found so far, numbered as on the charts."""
    marks = markers.find(model.a.frame())
    nm = names(model, lang)
    items = "".join(f"<li><span class='badge'>{k + 1}</span>{model.period} {m.period}: "
                    f"{m.caption(nm, lang)}</li>" for k, m in enumerate(marks))
    html = f"<ul class='dash-caps'>{items}</ul>" if marks else tr("no_story", lang)
    solara.HTML(tag="div", unsafe_innerHTML=f"<h3>{tr('story', lang)}</h3>{html}",
                classes=["dash-story"])


def board(model: Classroom, lang: str) -> None:
    """One line: the period, then each firm's customers, share and cumulative profit."""
    m = model.a.market
    df = model.a.frame()
    last = df[df["period"] == m.t - 1] if not df.empty else df
    parts = [tr("of", lang, period=period_word(model.period, lang), t=m.t,
                horizon=m.spec.horizon)]
    for f in m.firms:
        row = last[last["firm"] == f.fid]
        if not row.empty:
            r = row.iloc[0]
            parts.append(f"<b>{name(f.name, lang)}</b> {r.customers_active:,.0f} "
                         f"{tr('active', lang)} · {r.market_share:.0%} · "
                         f"{r.cumulative_profit:,.0f} {m.spec.market.currency}")
    solara.HTML(tag="div", unsafe_innerHTML=" ".join(parts), classes=["dash-board"])
