"""Small, fast SVG charts for the dashboard: lines, stacked areas, grouped bars, event strips.

Matplotlib takes 0.2-0.4 s per figure here, too slow to redraw five panels on every step of a
live market; these charts are plain SVG text built in about a millisecond, drawn by the
browser, with nothing loaded from anywhere. Every chart has a title, axis labels and a legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

W, H = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 62, 62, 34, 62
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


@dataclass
class Series:
    """One line (or set of markers) to draw.

    Attributes:
        x: X values.
        y: Y values (NaN leaves a gap).
        label: Legend text.
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
        height: Pixel height.
        vlines: [(x, colour, text)] drawn as thin vertical lines.
        xlim: Fixed (first, last) x values, else the data's range.
    """

    title: str
    xlabel: str
    ylabel: str
    ylabel2: str = ""
    yticks: list = field(default_factory=list)
    height: int = H
    vlines: list = field(default_factory=list)
    xlim: tuple | None = None


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering [lo, hi]."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0, 1.0]
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5 * (abs(lo) or 1), hi + 0.5 * (abs(hi) or 1)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    return [start + k * step for k in range(int(math.ceil((hi - start) / step)) + 1)]


def fmt(v: float) -> str:
    """Tick label: 1.2M, 35k, 0.25, 12."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1e4:
        return f"{v / 1e3:.3g}k"
    return f"{v:.4g}"


def _finite(values) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _range(values, zero: bool) -> tuple[float, float]:
    vals = _finite(values) + ([0.0] if zero else [])
    return (min(vals), max(vals)) if vals else (0.0, 1.0)


def render(chart: Chart, series: list[Series], zero: bool = True, hint: str = "") -> str:
    """The SVG text of a line/marker chart (``hint`` is shown when there is nothing to plot)."""
    h = chart.height
    pw, ph = W - LEFT - RIGHT, h - TOP - BOTTOM
    xs = list(chart.xlim or ()) or _finite(v for s in series for v in s.x) or [0.0, 1.0]
    x0, x1 = min(xs), max(max(xs), min(xs) + 1)
    axes = {}
    for right in (False, True):
        ys = [v for s in series if s.right == right for v in s.y]
        if chart.yticks and not right:
            ticks = list(range(len(chart.yticks)))
            lo, hi = -0.6, len(chart.yticks) - 0.4
        else:
            ticks = nice_ticks(*_range(ys, zero))
            lo, hi = ticks[0], ticks[-1]
        axes[right] = (lo, hi, ticks)

    def px(x):
        return LEFT + (x - x0) / (x1 - x0) * pw

    def py(y, right=False):
        lo, hi, _ = axes[right]
        return TOP + ph - (y - lo) / (hi - lo or 1) * ph

    out = [_open(h), _text(W / 2, 18, chart.title, 13, "middle", bold=True)]
    out += _grid(axes, px, py, x0, x1, chart, pw, ph, h, any(s.right for s in series))
    for x, colour, text in chart.vlines:
        out.append(f"<line x1='{px(x):.1f}' x2='{px(x):.1f}' y1='{TOP}' y2='{TOP + ph}' "
                   f"stroke='{colour}' stroke-width='1' stroke-dasharray='2,3'/>")
        out.append(_text(px(x) + 2, TOP + 10, text, 9, "start", colour))
    for s in series:
        out.append(_draw(s, px, lambda y, r=s.right: py(y, r)))
    if not xs or not any(_finite(s.y) for s in series):
        out.append(_text(LEFT + pw / 2, TOP + ph / 2, hint, 12, "middle", "#888"))
    out += _legend([(s.label, s.color, s.dash, s.marker) for s in series], h)
    return "".join(out) + "</svg>"


def _open(h: int) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {W} {h}' width='100%' "
            f"style='max-width:{W * 1.4:.0f}px;background:white' {FONT}>")


def _text(x, y, s, size=10, anchor="middle", colour="#222", bold=False, rotate=0) -> str:
    weight = " font-weight='bold'" if bold else ""
    rot = f" transform='rotate({rotate} {x:.1f} {y:.1f})'" if rotate else ""
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' "
            f"fill='{colour}'{weight}{rot}>{escape(str(s))}</text>")


def _grid(axes, px, py, x0, x1, chart, pw, ph, h, twin) -> list[str]:
    """Frame, grid lines, tick labels and axis labels."""
    out = [f"<rect x='{LEFT}' y='{TOP}' width='{pw}' height='{ph}' fill='none' stroke='#999'/>"]
    lo, hi, ticks = axes[False]
    for k, t in enumerate(ticks):
        y = py(t)
        out.append(f"<line x1='{LEFT}' x2='{LEFT + pw}' y1='{y:.1f}' y2='{y:.1f}' "
                   "stroke='#e4e4e4'/>")
        label = chart.yticks[k] if chart.yticks else fmt(t)
        out.append(_text(LEFT - 4, y + 3, label, 9, "end"))
    if twin:
        for t in axes[True][2]:
            out.append(_text(LEFT + pw + 4, py(t, True) + 3, fmt(t), 9, "start"))
        out.append(_text(W - 10, TOP + ph / 2, chart.ylabel2, 10, "middle", rotate=90))
    for t in nice_ticks(x0, x1, 6):
        if x0 <= t <= x1:
            out.append(_text(px(t), TOP + ph + 13, fmt(t), 9))
    out.append(_text(LEFT + pw / 2, TOP + ph + 27, chart.xlabel, 10))
    out.append(_text(14, TOP + ph / 2, chart.ylabel, 10, "middle", rotate=-90))
    return out


def _draw(s: Series, px, py) -> str:
    """A polyline (split at gaps) or one glyph per point."""
    pts = [(px(x), py(y)) for x, y in zip(s.x, s.y)
           if y is not None and math.isfinite(float(y))]
    if s.marker:
        return "".join(_text(x, y + 4, s.marker, 12, "middle", s.color) for x, y in pts)
    if not pts:
        return ""
    dash = " stroke-dasharray='6,4'" if s.dash else ""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    return (f"<polyline points='{path}' fill='none' stroke='{s.color}' stroke-width='1.8'"
            f"{dash}/>")


def _legend(items, h: int) -> list[str]:
    """Legend entries in rows under the x-axis label."""
    out, x, y = [], LEFT, h - BOTTOM + 44
    for label, colour, dash, marker in items:
        width = 26 + 6.2 * len(label)
        if x + width > W - 10:
            x, y = LEFT, y + 13
        if marker:
            out.append(_text(x + 8, y + 4, marker, 11, "middle", colour))
        else:
            d = " stroke-dasharray='5,3'" if dash else ""
            out.append(f"<line x1='{x}' x2='{x + 18}' y1='{y}' y2='{y}' stroke='{colour}' "
                       f"stroke-width='2'{d}/>")
        out.append(_text(x + 22, y + 3, label, 9, "start"))
        x += width
    return out


def stacked(chart: Chart, x: list, layers: list[tuple[str, str, list]], hint: str = "") -> str:
    """A stacked area chart; ``layers`` is [(label, colour, values)] from the bottom up."""
    h = chart.height
    pw, ph = W - LEFT - RIGHT, h - TOP - BOTTOM
    tops = [sum(v) for v in zip(*[vals for _, _, vals in layers])] if layers and x else [1.0]
    ticks = nice_ticks(0.0, max(tops) if tops else 1.0)
    x0, x1 = (min(x), max(max(x), min(x) + 1)) if x else (0, 1)

    def px(v):
        return LEFT + (v - x0) / (x1 - x0) * pw

    def py(v):
        return TOP + ph - v / (ticks[-1] or 1) * ph

    out = [_open(h), _text(W / 2, 18, chart.title, 13, "middle", bold=True)]
    out += _grid({False: (0, ticks[-1], ticks)}, px, py, x0, x1, chart, pw, ph, h, False)
    base = [0.0] * len(x)
    for _, colour, vals in layers:
        top = [b + float(v) for b, v in zip(base, vals)]
        pts = [f"{px(a):.1f},{py(b):.1f}" for a, b in zip(x, top)]
        pts += [f"{px(a):.1f},{py(b):.1f}" for a, b in reversed(list(zip(x, base)))]
        out.append(f"<polygon points='{' '.join(pts)}' fill='{colour}' fill-opacity='0.85'/>")
        base = top
    if not x:
        out.append(_text(LEFT + pw / 2, TOP + ph / 2, hint, 12, "middle", "#888"))
    out += _legend([(lab, col, False, "\u25a0") for lab, col, _ in layers], h)
    return "".join(out) + "</svg>"


def bars(chart: Chart, categories: list[str], groups: list[tuple[str, str, list]]) -> str:
    """Grouped bars: one group of bars per category, one bar per (label, colour, values)."""
    h = chart.height
    pw, ph = W - LEFT - RIGHT, h - TOP - BOTTOM
    ticks = nice_ticks(0.0, max([float(v) for _, _, vals in groups for v in vals] + [1.0]))
    out = [_open(h), _text(W / 2, 18, chart.title, 13, "middle", bold=True)]
    out.append(f"<rect x='{LEFT}' y='{TOP}' width='{pw}' height='{ph}' fill='none' "
               "stroke='#999'/>")
    for t in ticks:
        y = TOP + ph - t / ticks[-1] * ph
        out.append(f"<line x1='{LEFT}' x2='{LEFT + pw}' y1='{y:.1f}' y2='{y:.1f}' "
                   "stroke='#e4e4e4'/>")
        out.append(_text(LEFT - 4, y + 3, fmt(t), 9, "end"))
    slot = pw / max(len(categories), 1)
    width = slot * 0.8 / max(len(groups), 1)
    for i, cat in enumerate(categories):
        for k, (_, colour, vals) in enumerate(groups):
            v = float(vals[i])
            bh = v / ticks[-1] * ph
            x = LEFT + i * slot + slot * 0.1 + k * width
            out.append(f"<rect x='{x:.1f}' y='{TOP + ph - bh:.1f}' width='{width:.1f}' "
                       f"height='{bh:.1f}' fill='{colour}'><title>{v:.0f}</title></rect>")
        out.append(_text(LEFT + (i + 0.5) * slot, TOP + ph + 13, cat, 8))
    out.append(_text(14, TOP + ph / 2, chart.ylabel, 10, "middle", rotate=-90))
    out += _legend([(lab, col, False, "\u25a0") for lab, col, _ in groups], h)
    return "".join(out) + "</svg>"
