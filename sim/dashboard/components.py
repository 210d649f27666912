"""The dashboard's panels: Mesa SolaraViz components, each a function of the ``Classroom``.

Mesa re-renders every component after each step; the charts are memoised on the model and
its step count so a panel is drawn once per step, and only the panels of the open tab are
drawn at all. Charts are SVG text (``svg``), which the browser draws.
"""

from __future__ import annotations

import solara

from . import figures, story
from .classroom import Classroom

AUTO = "auto: the latest customer lost or won back"
TABS = ("Tabs: **Page 0** overview &middot; **Page 1** loyalty and reasons for leaving &middot; "
        "**Page 2** setting A vs setting B &middot; **Page 3** follow a customer")


def _names(model: Classroom) -> dict:
    """Firm id -> display name."""
    return {f.fid: f.name for f in model.a.market.firms}


def _figure(model: Classroom, name: str, build) -> None:
    """Show the chart(s) ``build()`` returns (SVG text), rebuilt only when the model has stepped."""
    charts = solara.use_memo(build, [id(model), model.steps, name])
    for svg in [charts] if isinstance(charts, str) else charts:
        solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["dash-plot", f"plot-{name}"])


def _money(x: float) -> str:
    """1234567.8 -> '1,234,568'."""
    return f"{x:,.0f}"


def scoreboard(model: Classroom):
    """The numbers of the last period: customers, share, churn and cumulative profit per firm."""
    df, names = model.a.frame(), _names(model)
    t = model.a.market.t
    lines = [f"**{model.title}** &mdash; {model.period} {t} of {model.a.market.spec.horizon}"
             f" &mdash; seed {model.seed_value}", "",
             "| firm | active customers | market share | churn | cumulative profit |",
             "|---|---:|---:|---:|---:|"]
    last = df[df["period"] == t - 1] if not df.empty else df
    for f in model.a.market.firms:
        row = last[last["firm"] == f.fid]
        if row.empty:
            lines.append(f"| {names[f.fid]} | &ndash; | &ndash; | &ndash; | &ndash; |")
            continue
        r = row.iloc[0]
        lines.append(f"| {names[f.fid]} | {int(r.customers_active):,} | {r.market_share:.1%} "
                     f"| {r.churn_rate:.1%} | {_money(r.cumulative_profit)} |")
    lines += ["", f"Setting B: {model.describe_b()}", "", TABS]
    lines += [f"*Note: {n}*" for n in model.notes]
    with solara.Div(classes=["scoreboard"]):
        solara.Markdown("\n".join(lines))


def retention_plot(model: Classroom):
    """Churn and win-back rates (retention is 100% minus churn)."""
    series = [("churn_rate", "churn", False, 100), ("winback_rate", "win-back", True, 100)]
    _figure(model, "retention", lambda: figures.lines(
        model.a.frame(), series, "Retention and churn (retention = 100% - churn)",
        "% per period (8-period mean)", model.period, 8, _names(model)))


def share_plot(model: Classroom):
    """Market share of purchases."""
    series = [("market_share", "share", False, 100)]
    _figure(model, "share", lambda: figures.lines(
        model.a.frame(), series, "Market share", "% of purchases at the firms", model.period,
        4, _names(model)))


def profit_plot(model: Classroom):
    """Profit per period and cumulative profit."""
    _figure(model, "profit", lambda: figures.profit(model.a.frame(), model.period,
                                                    _names(model)))


def satisfaction_plot(model: Classroom):
    """Mean satisfaction and trust of active customers."""
    series = [("satisfaction_mean", "satisfaction", False, 1), ("trust_mean", "trust", True, 1)]
    _figure(model, "satisfaction", lambda: figures.lines(
        model.a.frame(), series, "Satisfaction and trust of active customers", "mean, 0 to 1",
        model.period, 1, _names(model)))


def loyalty_plot(model: Classroom):
    """Dick & Basu loyalty composition (when the model reports it)."""
    df = model.a.frame()
    if not any(c.startswith("loyal_") for c in df.columns):
        solara.Markdown("**Loyalty composition (Dick & Basu)**: this version of the model does "
                        "not report the loyal_true / loyal_spurious / loyal_latent / loyal_none "
                        "columns yet.")
        return
    _figure(model, "loyalty", lambda: figures.loyalty(df, model.period, _names(model)))


def reasons_plot(model: Classroom):
    """Lost customers by reason."""
    _figure(model, "reasons", lambda: figures.lost_by_reason(model.a.frame(), _names(model)))


def comparison(k: int):
    """The ``k``-th side-by-side chart of settings A and B (see ``figures.COMPARE``)."""
    def panel(model: Classroom):
        if model.b is None:
            if k == 0:
                solara.Markdown("**Side by side**: choose a lever under *Setting B changes* in "
                                "the sidebar, give it a value, and press Reset.")
            return
        if k == 0:
            solara.Markdown(f"**Setting B** changes {model.describe_b()}; everything else, "
                            f"including the seed ({model.seed_value}), is the same.")
        frames = {tag: s.frame() for tag, s in model.settings}
        _figure(model, f"compare{k}",
                lambda: figures.compare(frames, model.period, _names(model), k))
    return panel


def levers_in_force(model: Classroom):
    """The lever values setting A runs with (sliders apply on Reset)."""
    rows = [f"| {lv.label} | {model.values[lv.key]} | {lv.value} |" for lv in model.levers]
    solara.Markdown("**Levers in force (setting A)**; a moved slider applies on Reset\n\n"
                    "| lever | now | scenario |\n|---|---:|---:|\n" + "\n".join(rows))


chosen = solara.reactive(AUTO)


def follow_chart(k: int):
    """Part ``k`` of the followed customer's story (0: chooser and lines, 1: events)."""
    def panel(model: Classroom):
        return FollowCustomer(model=model, steps=model.steps, part=k)
    return panel


@solara.component
def FollowCustomer(model: Classroom, steps: int, part: int):
    """Pick a customer (or let the app pick one who was just lost or won back); tell the story."""
    market, names = model.a.market, _names(model)
    recent = solara.use_memo(lambda: story.recent_switchers(market, names), [id(model), steps])
    who = _pick(chosen.value, model, recent)
    records = story.history(market, who) if who is not None else []
    events = story.events(records, names)
    label = f"customer {who} ({records[0]['segment'] if records else 'not followed'})"
    charts = solara.use_memo(lambda: story.timeline(records, events, names, model.period, label),
                             [id(model), steps, who])
    if part == 0:
        options = [AUTO] + [f"customer {i}" for i in [model.follow_id] if i is not None] \
            + [f"customer {i}" for i, _ in recent]
        solara.Select("Customer to follow", value=chosen, values=list(dict.fromkeys(options)))
    if not records:
        if part == 0:
            solara.Markdown("Nobody followed has been lost or won back yet: step the market on, "
                            "or enter a customer id under *Customer to follow* and press Reset.")
        return
    solara.HTML(tag="div", unsafe_innerHTML=charts[part], classes=["dash-plot", "plot-story"])
    if part == 1:
        text = [f"- {model.period} {e.period}: {e.text}" for e in events[-12:]]
        solara.Markdown("**Latest events**\n\n" + ("\n".join(text) or "nothing yet"))


def _pick(choice: str, model: Classroom, recent) -> int | None:
    """The customer id chosen in the select, or the app's pick."""
    if choice != AUTO:
        return int(choice.split()[-1])
    if recent:
        return recent[0][0]
    return model.follow_id


PAGES = [
    (scoreboard, 0), (retention_plot, 0), (share_plot, 0), (profit_plot, 0),
    (satisfaction_plot, 0), (levers_in_force, 0),
    (loyalty_plot, 1), (reasons_plot, 1),
    *[(comparison(k), 2) for k in range(4)],
    (follow_chart(0), 3), (follow_chart(1), 3),
]
