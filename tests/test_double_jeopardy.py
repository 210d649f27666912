"""The Ehrenberg-style table and the double-jeopardy plot (sim.analysis.double_jeopardy)."""

import io

import numpy as np
import pandas as pd
import pytest

from sim.analysis.brands import with_dirichlet
from sim.analysis.dirichlet import fit_dirichlet
from sim.analysis.double_jeopardy import (
    curve_for,
    departure,
    departures,
    format_brand_table,
    plot_double_jeopardy,
    print_brand_table,
)

SHARES = [0.25, 0.19, 0.10, 0.10, 0.09, 0.08, 0.03, 0.02]
PENETRATIONS = [0.20, 0.17, 0.09, 0.08, 0.08, 0.07, 0.03, 0.02]


@pytest.fixture()
def toothpaste_table() -> pd.DataFrame:
    """The toothpaste example as a brand table; observed = predicted except two departures."""
    fit = fit_dirichlet(0.56, 2.6, SHARES, PENETRATIONS)
    pred = fit.predict()
    table = pd.DataFrame({
        "firm": ["Colgate", "Macleans", "Close Up", "Signal", "Ultrabrite", "Gibbs", "Boots",
                 "Sainsbury"],
        "market_share": SHARES, "penetration": PENETRATIONS,
        "purchase_frequency": pred["purchase_frequency"],
        "scr": pred["scr"], "sole_buyer_share": pred["sole_buyer_share"],
        "repeat_rate": pred["repeat_rate"], "cat_penetration": 0.56,
        "cat_purchase_frequency": 2.6,
    }).sample(frac=1.0, random_state=1)  # row order must not matter
    table = with_dirichlet(table)
    table.loc[table["firm"] == "Signal", "sole_buyer_share"] *= 1.5  # excess loyalty
    table.loc[table["firm"] == "Gibbs", "repeat_rate"] *= 0.5
    return table


def test_departure_marks():
    assert departure(1.2, 1.0) == "+"
    assert departure(0.8, 1.0) == "-"
    assert departure(1.1, 1.0) == "" and departure(0.9, 1.0) == ""
    assert departure(1.1, 1.0, tolerance=0.05) == "+"
    assert departure(float("nan"), 1.0) == "" and departure(1.0, float("nan")) == ""


def test_departures_table(toothpaste_table):
    marks = departures(toothpaste_table).set_index(toothpaste_table["firm"])
    assert marks.at["Signal", "sole_buyer_share"] == "+"
    assert marks.at["Gibbs", "repeat_rate"] == "-"
    flagged = (marks != "").to_numpy().sum()
    assert flagged == 2 + (marks["penetration"] != "").sum()
    # penetrations: the Dirichlet fits the toothpaste brands within 15% except the smallest
    assert set(marks["penetration"]) <= {"", "+", "-"}


def test_format_ehrenberg_table(toothpaste_table):
    text = format_brand_table(toothpaste_table)
    lines = text.splitlines()
    assert "M = 1.456" in lines[0] and "K = 0.779" in lines[0] and "S = 1.3" in lines[0]
    for name in ["Penetration %", "Purchases per buyer", "SCR %", "Sole buyers %",
                 "Repeat rate %"]:
        assert name in lines[2]
    firms = [ln.split()[0] for ln in lines[5:13]]
    assert firms == ["Colgate", "Macleans", "Close", "Signal", "Ultrabrite", "Gibbs", "Boots",
                     "Sainsbury"]  # by share, the tie by penetration
    assert any(ln.startswith("Average") for ln in lines)
    colgate = next(ln for ln in lines if ln.startswith("Colgate")).split()
    assert colgate[1:4] == ["25", "20", "20"]  # share, penetration observed and predicted
    assert "+" in next(ln for ln in lines if ln.startswith("Signal"))
    assert "-" in next(ln for ln in lines if ln.startswith("Gibbs"))
    buf = io.StringIO()
    print_brand_table(toothpaste_table, file=buf)
    assert buf.getvalue().strip() == text


def test_window_title_and_one_window_only(toothpaste_table):
    table = toothpaste_table.assign(window="quarter", start=1, end=13)
    assert format_brand_table(table).startswith("Window quarter (periods 1-13)")
    two = pd.concat([table, table.assign(window="year")])
    with pytest.raises(ValueError, match="several windows"):
        format_brand_table(two)
    with pytest.raises(ValueError, match="dirichlet"):
        format_brand_table(toothpaste_table.drop(columns=["dirichlet_S"]))


def test_curve_shows_double_jeopardy(toothpaste_table):
    curve = curve_for(toothpaste_table)
    assert curve["share"].min() == pytest.approx(0.02 / 5)
    assert (np.diff(curve["penetration"]) > 0).all()
    assert (np.diff(curve["purchase_frequency"]) > 0).all()


def test_plot_double_jeopardy(toothpaste_table, tmp_path):
    path = tmp_path / "dj.png"
    fig = plot_double_jeopardy(toothpaste_table, path=path)
    ax = fig.axes[0]
    assert "penetration" in ax.get_xlabel() and "purchase frequency" in ax.get_ylabel()
    assert path.stat().st_size > 1000
    labels = [t.get_text() for t in ax.texts]
    assert "Colgate" in labels and len(labels) == 8
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Dirichlet curve", "Dirichlet prediction", "observed"]
    import matplotlib.pyplot as plt

    plt.close(fig)
