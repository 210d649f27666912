"""Issue 14: figures a reader trusts, and CSV numbers without float32 noise.

Figures: smoothing stated in the caption, a currency (per period for flows) on every money
axis, no overlapping text and no legend over the data (checked on the rendered figures), one
panel per idea (no retention panel beside churn), the firms' shared colours.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import run
from sim.output import round_significant, write_outputs
from sim.palette import color
from sim.plots import FIGURES, build_figures

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def case():
    return run(ROOT / "scenarios" / "nanyuan_vs_eaton.yaml", seed=2, customers=1500, periods=60)


@pytest.fixture(scope="module")
def figures(case):
    sc = case.scenario
    figs = build_figures(case.trajectories, f"{sc.name} (seed {case.seed})", sc.period,
                         sc.market.currency)
    for fig in figs.values():
        fig.canvas.draw()
    yield figs
    import matplotlib.pyplot as plt

    for fig in figs.values():
        plt.close(fig)


def _texts(fig):
    """(text, box) of every text drawn: titles, labels, tick labels in view, legends, captions."""
    renderer = fig.canvas.get_renderer()
    texts = list(fig.texts) + ([fig._suptitle] if fig._suptitle else [])
    for leg in fig.legends:
        texts += [*leg.get_texts(), leg.get_title()]
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            for tick in axis.get_major_ticks():
                if min(lo, hi) <= tick.get_loc() <= max(lo, hi) and tick.label1.get_visible():
                    texts.append(tick.label1)
    unique = list({id(t): t for t in texts}.values())
    return [(t.get_text(), t.get_window_extent(renderer).padded(-0.5)) for t in unique
            if t.get_visible() and t.get_text().strip()]


def test_no_text_overlaps_on_the_rendered_figures(figures):
    for name, fig in figures.items():
        boxes = _texts(fig)
        assert len(boxes) > 8, name
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
            assert not ba.overlaps(bb), (name, a, b)
        width, height = fig.canvas.get_width_height()
        for text, box in boxes:  # nothing cut off at the edges
            assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 \
                and box.y1 <= height + 1, (name, text)


def test_legend_does_not_cover_the_data(figures):
    for name, fig in figures.items():
        renderer = fig.canvas.get_renderer()
        legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
        assert legends, name
        for leg in legends:
            lb = leg.get_window_extent(renderer)
            for ax in fig.axes:
                assert not lb.overlaps(ax.get_window_extent(renderer)), name


def test_money_axes_give_currency_and_period(figures, case):
    currency, period = case.scenario.market.currency, case.scenario.period
    assert currency == "yuan" and period == "week"
    labels = {name: [ax.get_ylabel() for ax in fig.axes] for name, fig in figures.items()}
    assert "yuan per week" in labels["profit.png"]
    assert any("yuan" in lab for lab in labels["profit.png"][1:])  # cumulative profit
    assert "yuan per purchase" in labels["service_price.png"]
    for name, fig in figures.items():
        for ax in fig.axes:
            assert ax.get_ylabel(), (name, ax.get_title())
            assert ax.get_xlabel() in ("", f"period ({period}s)")


def test_smoothing_is_stated_in_the_caption(figures, case):
    df = case.trajectories
    for name, (_, panels) in FIGURES.items():
        fig = figures[name]
        caption = fig.texts[-1].get_text()
        for ax, panel in zip(fig.axes, panels):
            for k, line in enumerate(ax.get_lines()):
                raw = df[df.firm == df.firm.unique()[k]][panel.column].to_numpy()
                smoothed = not np.allclose(line.get_ydata(), raw, equal_nan=True)
                title = ax.get_title(loc="left").lower()
                if smoothed:
                    assert f"{title}: mean of the last {panel.smooth} weeks" in caption, name
                else:
                    assert "not smoothed" in caption, name


def test_one_panel_per_idea_and_shared_colours(figures, case):
    columns = [p.column for _, panels in FIGURES.values() for p in panels]
    assert len(columns) == len(set(columns))
    assert "retention_rate" not in columns  # 1 - churn_rate: the same idea as churn
    firms = list(dict.fromkeys(case.trajectories.firm))
    for fig in figures.values():
        for ax in fig.axes:
            assert len(ax.get_lines()) == len(firms)
            for k, line in enumerate(ax.get_lines()):
                assert line.get_color() == color(k)
                assert line.get_label() == firms[k]


def test_rounding_keeps_meaning_and_drops_float32_noise():
    x = np.array([0.30000001192092896, np.float32(0.1) * 3, 3466.666666666667, 2004091.5554913266,
                  -16173.889317217516, 0.0, np.nan, np.inf, 1.23456789e-7])
    r = round_significant(x)
    assert [repr(float(v)) for v in r[:5]] == ["0.3", "0.3", "3466.67", "2004092.0", "-16173.9"]
    assert r[5] == 0 and np.isnan(r[6]) and np.isinf(r[7]) and r[8] == 1.23457e-7


def _significant(cell: str) -> int:
    digits = cell.lstrip("-").replace(".", "").lstrip("0")
    return len(digits.rstrip("0")) if "." in cell else len(digits)


def test_run_csvs_hold_rounded_numbers(tmp_path, case):
    out = write_outputs(case, tmp_path / "o")
    for name in ("trajectories.csv", "cohorts.csv"):
        text = (out / name).read_text()
        assert not re.search(r"\d\.\d*0000\d\b", text) and not re.search(r"99999\d\b", text)
        for cell in re.findall(r"(?<![\w.])-?\d+\.\d+(?![\w.])", text):
            value = float(cell)
            if abs(value) >= 1e6:
                assert cell.endswith(".0"), (name, cell)
            else:
                assert _significant(cell) <= 6, (name, cell)
    df = pd.read_csv(out / "trajectories.csv")
    exact = case.trajectories
    for col in ("customers_active", "profit", "churn_rate", "satisfaction_mean"):
        assert np.allclose(df[col], exact[col], rtol=1e-5, atol=0.5), col
