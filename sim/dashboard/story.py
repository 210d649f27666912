"""Follow a customer: one customer's story from ``Market.customer_log``, as events and a plot.

The market records its followed customers every period, all of them in the same order, so
the record of customer number ``j`` (in sorted order) in period ``t`` is
``log[t * K + j]`` with ``K`` followed customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..palette import color
from .svg import Chart, Series, render

if TYPE_CHECKING:
    from ..model import Market

INCIDENT_TEXT = {"core_failure": "core service failure", "encounter_failure":
                 "service encounter failure", "inconvenience": "inconvenience (turned away)",
                 "response_to_failure": "poor response to a failure"}


@dataclass(frozen=True)
class Event:
    """Something that happened to a customer.

    Attributes:
        period: When.
        firm: Firm id it concerns.
        kind: "acquired", "lost", "won_back", "offer" or "incident".
        text: One readable line.
    """

    period: int
    firm: str
    kind: str
    text: str


def history(market: Market, i: int) -> list[dict]:
    """Every recorded period of customer ``i`` (empty if ``i`` is not followed)."""
    ids = sorted(market.followed)
    if i not in ids:
        return []
    k, j = len(ids), ids.index(i)
    return market.customer_log[j::k]


def changes(prev: dict, rec: dict, names: dict) -> list[Event]:
    """Events between two consecutive records of one customer."""
    out, t = [], rec["period"]
    for fid, now in rec["firms"].items():
        was, name = prev["firms"][fid], names.get(fid, fid)
        if was["status"] != now["status"]:
            if now["status"] == "lost":
                out.append(Event(t, fid, "lost", f"lost by {name}"))
            elif was["status"] == "lost":
                out.append(Event(t, fid, "won_back",
                                 f"won back by {name} ({now['channel']})"))
            else:
                out.append(Event(t, fid, "acquired", f"became a customer of {name}"))
        if now["offer"] and now["offer"] != was["offer"]:
            what = "a price offer" if now["offer"] == "price" else "a personal contact"
            out.append(Event(t, fid, "offer", f"got {what} from {name}"))
        if now["last_incident"] != "none" and now["last_incident"] != was["last_incident"]:
            text = INCIDENT_TEXT.get(now["last_incident"], now["last_incident"])
            out.append(Event(t, fid, "incident", f"{text} at {name}"))
    return out


def events(records: list[dict], names: dict) -> list[Event]:
    """The whole story of one customer, in time order."""
    return [e for prev, rec in zip(records, records[1:]) for e in changes(prev, rec, names)]


def recent_switchers(market: Market, names: dict, limit: int = 8) -> list[tuple[int, Event]]:
    """Followed customers lost or won back most recently: [(customer id, event)], newest first.

    Scans backwards from the last period and stops once ``limit`` customers are found.
    """
    ids, log = sorted(market.followed), market.customer_log
    k = len(ids)
    found: dict[int, Event] = {}
    for t in range(len(log) // k - 1 if k else 0, 0, -1):
        for j, i in enumerate(ids):
            if i in found:
                continue
            moves = [e for e in changes(log[(t - 1) * k + j], log[t * k + j], names)
                     if e.kind in ("lost", "won_back")]
            if moves:
                found[i] = moves[0]
        if len(found) >= limit:
            break
    return list(found.items())[:limit]


def timeline(records: list[dict], story: list[Event], names: dict, period: str,
             who: str) -> list[str]:
    """Two charts: trust and satisfaction toward each firm, and a strip of visits and events."""
    firms = list(records[0]["firms"]) if records else []
    x = [r["period"] for r in records]
    lines = []
    for k, fid in enumerate(firms):
        name = names.get(fid, fid)
        lines.append(Series(x, [r["firms"][fid]["trust"] for r in records], f"trust in {name}",
                            color(k)))
        lines.append(Series(x, [r["firms"][fid]["satisfaction"] for r in records],
                            f"satisfaction with {name}", color(k), dash=True))
    marks = [(e.period, "#000" if e.kind == "lost" else "#009E73", MARKS[e.kind][0])
             for e in story if e.kind in ("lost", "won_back")]
    top = render(Chart(f"The story of {who}: trust and satisfaction", f"period ({period})",
                       "0 to 1", vlines=marks, xlim=(x[0], x[-1]) if x else None), lines)
    return [top, _strip(records, story, firms, names, period)]


MARKS = {"lost": ("\u25bc", "lost"), "won_back": ("\u2605", "won back"),
         "acquired": ("\u271a", "new customer"), "offer": ("\u25b2", "offer"),
         "incident": ("\u2716", "incident")}
MARK_COLORS = {"lost": "#000000", "won_back": "#009E73", "acquired": "#009E73",
               "offer": "#CC79A7", "incident": "#D55E00"}


def _strip(records: list[dict], story: list[Event], firms: list[str], names: dict,
           period: str) -> str:
    """One row per firm: a dot for each visit, a glyph for each event."""
    row = {fid: k for k, fid in enumerate(firms)}
    series = []
    for k, fid in enumerate(firms):
        visits = [r["period"] for r in records if r["choice"] == fid]
        series.append(Series(visits, [k] * len(visits), f"visit {names.get(fid, fid)}",
                             color(k), marker="\u2022"))
    for kind, (glyph, label) in MARKS.items():
        pts = [(e.period, row[e.firm]) for e in story if e.kind == kind and e.firm in row]
        if pts:
            xs, ys = zip(*pts)
            series.append(Series(list(xs), list(ys), label, MARK_COLORS[kind], marker=glyph))
    x = [r["period"] for r in records]
    chart = Chart("Visits and events", f"period ({period})", "",
                  yticks=[_short(names.get(f, f)) for f in firms], height=250,
                  xlim=(x[0], x[-1]) if x else None)
    return render(chart, series)


def _short(name: str) -> str:
    """A firm name short enough for the strip's row labels."""
    return name if len(name) <= 9 else name.split()[0][:9]
