"""Export a dashboard run: charts as PNG, trajectories as CSV, the command line and the YAML.

The YAML is the running market's own scenario (``market.spec``), live changes included, with
the seed written in: ``python run.py run that.yaml`` repeats the run exactly.
"""

from __future__ import annotations

import io
import shlex
import zipfile
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from ..palette import color

if TYPE_CHECKING:
    from .classroom import Classroom, Setting

CHARTS = (("market_share", "Market share (%)", 100, 4), ("churn_rate", "Churn (%)", 100, 8),
          ("cumulative_profit", "Cumulative profit", 1, 1), ("trust_mean", "Trust", 1, 1))


def scenario_yaml(setting: Setting) -> str:
    """The scenario that reproduces ``setting`` (a ``classroom.Setting``), as YAML text."""
    data = setting.market.spec.model_dump(mode="json")
    data["seed"] = setting.seed
    head = "# exported from the dashboard: python run.py run THIS_FILE repeats the run\n"
    if setting.inexact:
        head = ("# exported from the dashboard. Live service-budget changes (period, firm, "
                "value): " + ", ".join(f"{t} {k.split('__')[0]} {v:g}"
                                       for t, k, v in setting.inexact)
                + "\n# are in force here from the start: this file runs the current settings, "
                "not the run's history.\n")
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def command(path: str, setting: Setting, horizon: int | None = None) -> str:
    """The command line that reproduces ``setting`` (without live changes: see the YAML)."""
    parts = ["python", "run.py", "run", path, "--seed", str(setting.seed),
             "--customers", str(setting.market.spec.market.customers)]
    for o in setting.overrides:
        parts += ["--set", o]
    if horizon:
        parts += ["--periods", str(horizon)]
    return shlex.join(parts)


def csv(setting: Setting) -> str:
    """The trajectories so far as CSV text."""
    return setting.frame().to_csv(index=False)


def png(df: pd.DataFrame, col: str, title: str, scale: float, smooth: int, names: dict,
        xlabel: str) -> bytes:
    """One chart as PNG bytes (matplotlib, the palette's colours; imported here, not at start)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for k, (fid, g) in enumerate(df.groupby("firm", sort=False)):
        y = (g[col].astype(float) * scale).rolling(smooth, min_periods=1).mean()
        ax.plot(g["period"], y, color=color(k), lw=2, label=names.get(fid, fid))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
    ax.legend()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def bundle(model: Classroom) -> bytes:
    """A zip of the run of ``model`` (a ``Classroom``): PNGs, CSV, command.txt, scenario.yaml."""
    a = model.a
    df, names = a.frame(), {f.fid: f.name for f in a.market.firms}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for col, title, scale, smooth in CHARTS:
            if not df.empty:
                z.writestr(f"{col}.png", png(df, col, title, scale, smooth, names,
                                             model.period))
        z.writestr("trajectories.csv", csv(a))
        z.writestr("scenario.yaml", scenario_yaml(a))
        z.writestr("command.txt", command(model.path, a) + "\n" + command_yaml_note())
    return buf.getvalue()


def command_yaml_note() -> str:
    """What command.txt says about live changes."""
    return ("# with live changes: python run.py run scenario.yaml (the YAML holds them as "
            "events and strategy windows)\n")
