"""Small Solara building blocks shared by the dashboard and the classroom game.

``md`` renders Markdown on the server (Python-Markdown) and shows it as HTML: Solara's own
Markdown component fetches KaTeX from a CDN path that the offline assets do not have
(hundreds of failed font requests per session).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import markdown as _markdown
import solara

CSS = """
.v-application--wrap { min-height: 0 !important; }
.dash { display: flex; flex-wrap: nowrap; width: 100%; font-size: 15px; }
.dash-side { width: 340px; min-width: 340px; height: 100vh; overflow-y: auto;
  padding: 6px 10px; box-sizing: border-box; border-right: 1px solid #ddd; }
.dash-main { flex: 1; min-width: 0; height: 100vh; overflow-y: auto; padding: 0 8px; }
.dash-side .v-input { margin-top: 0 !important; padding-top: 2px !important; }
.dash-side .v-label, .dash-side label, .dash-side .v-select__selection {
  font-size: 15px !important; }
.dash-side .v-messages { min-height: 0 !important; }
.dash-side h3 { font-size: 16px; margin: 8px 0 2px 0; }
.dash-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 10px; }
.dash-plot svg { display: block; width: 100%; height: auto; }
.dash-grid .dash-plot svg { height: calc((100vh - 150px) / 2); }
.dash-board { font-size: 15px; padding: 4px 0; white-space: nowrap; overflow: hidden; }
.dash-board b { margin-left: 10px; }
.dash-main .v-tab { font-size: 15px !important; text-transform: none !important;
  min-width: 60px !important; padding: 0 10px !important; }
.dash-main .v-tabs { margin-bottom: 2px; }
.dash-text { font-size: 16px; max-width: 60em; }
.dash-caps { font-size: 15px; padding-left: 0; list-style: none; }
.dash-caps .badge { display: inline-block; width: 20px; height: 20px; border-radius: 10px;
  background: #444; color: white; text-align: center; font-size: 14px; line-height: 20px;
  margin-right: 4px; }
.dash-table td, .dash-table th { padding: 2px 8px; font-size: 15px; text-align: right; }
.dash-table td:first-child, .dash-table th:first-child { text-align: left; }
@media (min-width: 1600px) {
  .dash-side { width: 380px; min-width: 380px; }
  .dash-grid .dash-plot svg { height: auto; max-height: calc((100vh - 150px) / 2); }
}
"""


def md(text: str, classes: list[str] | None = None) -> None:
    """Show Markdown ``text`` (rendered to HTML here, no KaTeX)."""
    html = _markdown.markdown(text, extensions=["tables"])
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=classes or ["dash-text"])


def svg(chart: str, name: str) -> None:
    """Show one SVG chart in a ``dash-plot plot-<name>`` box."""
    solara.HTML(tag="div", unsafe_innerHTML=chart, classes=["dash-plot", f"plot-{name}"])


def number(x: float) -> str:
    """Readable number for labels: 16,500 / 0.25 / 400."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def slider(label: str, value: float, lo: float, hi: float, step: float,
           on_value: Callable[[Any], None], integer: bool = False) -> None:
    """A slider whose label shows its value (a thumb label hides the controls below it)."""
    kind = int if integer else float
    solara.v.Slider(v_model=kind(value), on_v_model=lambda v: on_value(kind(v)),
                    label=f"{label}: {number(value)}", min=kind(lo), max=kind(hi),
                    step=kind(step), thumb_label=False, dense=True, hide_details=True)
