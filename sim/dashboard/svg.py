"""Small, fast SVG charts for the dashboard: lines, stacked areas, grouped bars, event strips.

Matplotlib takes 0.2-0.4 s per figure, too slow to redraw on every step of a live market;
these charts are plain SVG text built in about a millisecond, drawn by the browser, with
nothing loaded from anywhere. Every chart has a title, axis labels and a legend.

Sizes are for a projector: the frame is 480 x 290 units and the page draws it at about one
pixel per unit at 1366 x 768, so no text is smaller than ``SMALL`` (14) pixels there.
Story markers are numbered badges on the chart; their captions are listed under the charts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, TypeAlias

W, H = 480, 290
LEFT, RIGHT, TOP, BOTTOM = 58, 16, 46, 70
SMALL, NORMAL, BIG = 14, 15, 17
CHAR = 0.56  # average glyph width as a share of the font size (DejaVu Sans)
FONT = "font-family='DejaVu Sans, Noto Sans CJK SC, Arial, sans-serif'"


@dataclass
class Series:
    """One line (or set of markers) to draw.

    Attributes:
        x: X values.
        y: Y values (NaN leaves a gap).
        label: Legend text ("" keeps it out of the legend).
        color: CSS colour.
        dash: Dashed line.
        right: Use the right-hand axis.
        marker: Draw this glyph at each point instead of a line (e.g. "\u25bc").
    """

    x: list
    y: list
    label: str
    color: str
    dash: bool = False
    right: bool = False
    marker: str = ""


@dataclass
class Chart:
    """A chart's frame: size, labels and the value ranges of its axes.

    Attributes:
        title: Heading.
        xlabel: Label of the x axis.
        ylabel: Label of the left axis.
        ylabel2: Label of the right axis ("" for none).
        yticks: Fixed y tick labels at 0, 1, 2 ... (event strips), else numeric ticks.
        height: Height in chart units.
        vlines: [(x, colour, text)]: dashed vertical lines with a badge (text: "1", "2" ...).
        xlim: Fixed (first, last) x values, else the data's range.
        ylim: Fixed (low, high) of the left axis, else the data's range.
    """

    title: str
    xlabel: str
    ylabel: str
    ylabel2: str = ""
    yticks: list = field(default_factory=list)
    height: int = H
    vlines: list = field(default_factory=list)
    xlim: tuple | None = None
    ylim: tuple | None = None


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """About ``n`` round tick values covering [lo, hi]."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0, 1.0]
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5 * (abs(lo) or 1), hi + 0.5 * (abs(hi) or 1)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step + 1e-9) * step
    return [start + k * step for k in range(int(math.ceil((hi - start) / step - 1e-9)) + 1)]


def fmt(v: float) -> str:
    """Tick label: 1.2M, 35k, 0.25, 12."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1e4:
        return f"{v / 1e3:.3g}k"
    return f"{v:.4g}"


def text_width(s: str, size: float) -> float:
    """Approximate drawn width of ``s`` (wide glyphs such as Chinese count double)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(s)) * CHAR * size


# chart units of an x value; of a y value (on the right-hand axis if asked)
ToX: TypeAlias = Callable[[float], float]
ToY: TypeAlias = Callable[..., float]
# (low, high, ticks) of an axis, by right-hand (True) or left (False)
Axis: TypeAlias = tuple[float, float, Sequence[float]]


def _finite(values: Iterable[Any]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _range(values: Iterable[Any], zero: bool) -> tuple[float, float]:
    vals = _finite(values) + ([0.0] if zero else [])
    return (min(vals), max(vals)) if vals else (0.0, 1.0)


def _axis(chart: Chart, series: list[Series], right: bool, zero: bool) -> Axis:
    """(low, high, ticks) of the left or the right axis."""
    if chart.yticks and not right:
        return -0.6, len(chart.yticks) - 0.4, list(range(len(chart.yticks)))
    if chart.ylim and not right:
        ticks = nice_ticks(*chart.ylim)
        return ticks[0], ticks[-1], ticks
    ticks = nice_ticks(*_range([v for s in series if s.right == right for v in s.y], zero))
    return ticks[0], ticks[-1], ticks


def render(chart: Chart, series: list[Series], zero: bool = True, hint: str = "") -> str:
    """The SVG text of a line/marker chart (``hint`` is shown when there is nothing to plot)."""
    h = chart.height
    right_margin = RIGHT + (44 if any(s.right for s in series) else 0)
    pw, ph = W - LEFT - right_margin, h - TOP - BOTTOM
    xs = list(chart.xlim or ()) or _finite(v for s in series for v in s.x) or [0.0, 1.0]
    x0, x1 = min(xs), max(max(xs), min(xs) + 1)
    axes = {r: _axis(chart, series, r, zero) for r in (False, True)}

    def px(x: float) -> float:
        return LEFT + (x - x0) / (x1 - x0) * pw

    def py(y: float, right: bool = False) -> float:
        lo, hi, _ = axes[right]
        return TOP + ph - (y - lo) / (hi - lo or 1) * ph

    out = [_open(h), _text(W / 2, 20, chart.title, BIG, "middle", bold=True)]
    out += _grid(axes, px, py, x0, x1, chart, pw, ph, any(s.right for s in series))
    out += _vlines(chart.vlines, px, ph)
    for s in series:
        out.append(_draw(s, px, lambda y, r=s.right: py(y, r)))
    if not any(_finite(s.y) for s in series):
        out.append(_text(LEFT + pw / 2, TOP + ph / 2, hint, NORMAL, "middle", "#777"))
    out += _legend([(s.label, s.color, s.dash, s.marker) for s in series if s.label], h)
    return "".join(out) + "</svg>"


def _open(h: int) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {W} {h}' "
            f"preserveAspectRatio='xMidYMin meet' style='background:white' {FONT}>")


def _text(x: float, y: float, s: object, size: float = NORMAL, anchor: str = "middle",
          colour: str = "#222", bold: bool = False, rotate: float = 0) -> str:
    weight = " font-weight='bold'" if bold else ""
    rot = f" transform='rotate({rotate} {x:.1f} {y:.1f})'" if rotate else ""
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' "
            f"fill='{colour}'{weight}{rot}>{escape(str(s))}</text>")


def _grid(axes: dict[bool, Axis], px: ToX, py: ToY, x0: float, x1: float, chart: Chart,
          pw: float, ph: float, twin: bool) -> list[str]:
    """Frame, grid lines, tick labels and axis labels."""
    out = [f"<rect x='{LEFT}' y='{TOP}' width='{pw}' height='{ph}' fill='none' stroke='#999'/>"]
    for k, t in enumerate(axes[False][2]):
        y = py(t)
        out.append(f"<line x1='{LEFT}' x2='{LEFT + pw}' y1='{y:.1f}' y2='{y:.1f}' "
                   "stroke='#e4e4e4'/>")
        label = chart.yticks[k] if chart.yticks else fmt(t)
        out.append(_text(LEFT - 4, y + 5, label, SMALL, "end"))
    if twin:
        for t in axes[True][2]:
            out.append(_text(LEFT + pw + 4, py(t, True) + 5, fmt(t), SMALL, "start"))
    ticks = [t for t in nice_ticks(x0, x1, 5) if x0 <= t <= x1]
    for t in ticks:
        out.append(_text(px(t), TOP + ph + 17, fmt(t), SMALL))
    out.append(_text(LEFT + pw / 2, TOP + ph + 35, chart.xlabel, SMALL))
    if chart.ylabel:
        out.append(_text(4, TOP - 8, chart.ylabel, SMALL, "start", "#555"))
    return out


def _vlines(vlines: list, px: ToX, ph: float) -> list[str]:
    """Dashed story lines with a numbered badge; badges that would touch move down a row."""
    out: list[str] = []
    taken: list[tuple[float, int]] = []
    for x, colour, text in sorted(vlines, key=lambda v: v[0]):
        xp = px(x)
        row = 0
        while any(abs(xp - q) < 22 and r == row for q, r in taken):
            row += 1
        taken.append((xp, row))
        y = TOP + 12 + 22 * row
        out.append(f"<line x1='{xp:.1f}' x2='{xp:.1f}' y1='{TOP}' y2='{TOP + ph}' "
                   f"stroke='{colour}' stroke-width='1.5' stroke-dasharray='4,3'/>")
        out.append(f"<circle cx='{xp:.1f}' cy='{y}' r='10' fill='{colour}'/>")
        out.append(_text(xp, y + 5, text, SMALL, "middle", "white", bold=True))
    return out


def _draw(s: Series, px: ToX, py: ToY) -> str:
    """A polyline (split at gaps) or one glyph per point."""
    pts = [(px(x), py(y)) for x, y in zip(s.x, s.y)
           if y is not None and math.isfinite(float(y))]
    if s.marker:
        return "".join(_text(x, y + 5, s.marker, NORMAL, "middle", s.color) for x, y in pts)
    if not pts:
        return ""
    dash = " stroke-dasharray='7,4'" if s.dash else ""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    return (f"<polyline points='{path}' fill='none' stroke='{s.color}' stroke-width='2.2'"
            f"{dash}/>")


def _legend(items: list[tuple[str, str, bool, str]], h: int) -> list[str]:
    """Legend entries in rows under the x-axis label."""
    out: list[str] = []
    x: float = 12
    y = h - BOTTOM + 56
    for label, colour, dash, marker in items:
        width = 30 + text_width(label, SMALL) + 10
        if x + width > W - 4 and x > 12:
            x, y = 12, y + 19
        if marker:
            out.append(_text(x + 9, y + 5, marker, NORMAL, "middle", colour))
        else:
            d = " stroke-dasharray='6,3'" if dash else ""
            out.append(f"<line x1='{x}' x2='{x + 22}' y1='{y}' y2='{y}' stroke='{colour}' "
                       f"stroke-width='3'{d}/>")
        out.append(_text(x + 27, y + 5, label, SMALL, "start"))
        x += width
    return out


def legend_rows(labels: list[str]) -> int:
    """How many legend rows ``labels`` take (to size a chart)."""
    rows, x = 1, 12.0
    for label in labels:
        width = 30 + text_width(label, SMALL) + 10
        if x + width > W - 4 and x > 12:
            rows, x = rows + 1, 12
        x += width
    return rows


def stacked(chart: Chart, x: list, layers: list[tuple[str, str, list]], hint: str = "") -> str:
    """A stacked area chart; ``layers`` is [(label, colour, values)] from the bottom up."""
    h = chart.height
    pw, ph = W - LEFT - RIGHT, h - TOP - BOTTOM
    tops = [sum(v) for v in zip(*[vals for _, _, vals in layers])] if layers and x else [1.0]
    ticks = nice_ticks(0.0, max(tops) if tops else 1.0)
    x0, x1 = (min(x), max(max(x), min(x) + 1)) if x else (0, 1)

    def px(v: float) -> float:
        return LEFT + (v - x0) / (x1 - x0) * pw

    def py(v: float, right: bool = False) -> float:
        return TOP + ph - v / (ticks[-1] or 1) * ph

    out = [_open(h), _text(W / 2, 20, chart.title, BIG, "middle", bold=True)]
    out += _grid({False: (0, ticks[-1], ticks)}, px, py, x0, x1, chart, pw, ph, False)
    base = [0.0] * len(x)
    for _, colour, vals in layers:
        top = [b + float(v) for b, v in zip(base, vals)]
        pts = [f"{px(a):.1f},{py(b):.1f}" for a, b in zip(x, top)]
        pts += [f"{px(a):.1f},{py(b):.1f}" for a, b in reversed(list(zip(x, base)))]
        out.append(f"<polygon points='{' '.join(pts)}' fill='{colour}' fill-opacity='0.85'/>")
        base = top
    if not x:
        out.append(_text(LEFT + pw / 2, TOP + ph / 2, hint, NORMAL, "middle", "#777"))
    out += _legend([(lab, col, False, "\u25a0") for lab, col, _ in layers], h)
    return "".join(out) + "</svg>"


def bars(chart: Chart, categories: list[str], groups: list[tuple[str, str, list]]) -> str:
    """Grouped horizontal bars: one group per category, one bar per (label, colour, values)."""
    h = chart.height
    left = 12 + max([text_width(c, SMALL) for c in categories] + [40])
    pw, ph = W - left - RIGHT - 24, h - TOP - BOTTOM
    ticks = nice_ticks(0.0, max([float(v) for _, _, vals in groups for v in vals] + [1.0]))
    out = [_open(h), _text(W / 2, 20, chart.title, BIG, "middle", bold=True)]
    out.append(f"<rect x='{left}' y='{TOP}' width='{pw}' height='{ph}' fill='none' "
               "stroke='#999'/>")
    for t in ticks:
        x = left + t / ticks[-1] * pw
        out.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{TOP}' y2='{TOP + ph}' "
                   "stroke='#e4e4e4'/>")
        out.append(_text(x, TOP + ph + 17, fmt(t), SMALL))
    slot = ph / max(len(categories), 1)
    height = slot * 0.8 / max(len(groups), 1)
    for i, cat in enumerate(categories):
        for k, (_, colour, vals) in enumerate(groups):
            v = float(vals[i])
            y = TOP + i * slot + slot * 0.1 + k * height
            out.append(f"<rect x='{left}' y='{y:.1f}' width='{v / ticks[-1] * pw:.1f}' "
                       f"height='{height:.1f}' fill='{colour}'><title>{v:.0f}</title></rect>")
        out.append(_text(left - 4, TOP + (i + 0.5) * slot + 5, cat, SMALL, "end"))
    out.append(_text(left + pw / 2, TOP + ph + 35, chart.xlabel, SMALL))
    out += _legend([(lab, col, False, "\u25a0") for lab, col, _ in groups], h)
    return "".join(out) + "</svg>"
