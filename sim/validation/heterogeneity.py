"""Pattern 4: heterogeneity makes a cohort's retention rise with tenure (Fader & Hardie 2007).

Two ordinary runs per seed of a one-firm market in which every customer's own churn
propensity is constant (``scenarios/validation/heterogeneity_*.yaml``): a mixed cohort
(fickle and loyal segments) and a uniform one (one segment). The cohort is the customers
acquired in period 0; its period retention rate at age a is alive(a) / alive(a - 1). Losses
are lapses (no visit for three periods), so ages 1-2 carry no risk and the comparison starts
after them. An sBG model is fitted to each cohort's survivors from age 3 on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..analysis import cohort_alive, fit_sbg, run_with_spells
from ..model import Market
from ..scenario import load_scenario
from .base import VALIDATION_SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

AGES = 36
FIRST_AGE = 3  # first age at which a lapse can happen (dormancy 2 -> lost after 3 idle)
EARLY, LATE = (4, 9), (18, 36)
RISE, FLAT, POLAR = 0.015, 0.01, 0.02

CRITERIA = (
    Criterion("mixed_rises", f"mixed cohort: mean retention at ages {LATE[0]}-{LATE[1] - 1} "
              f"minus ages {EARLY[0]}-{EARLY[1] - 1}", f">= {RISE}"),
    Criterion("uniform_flat", "uniform cohort: the same difference", f"within +/- {FLAT}"),
    Criterion("sbg_polarization", "sBG polarization 1/(alpha+beta+1) fitted to each cohort",
              f"mixed >= {POLAR} > uniform"),
)


def cohort(name: str, seed: int) -> np.ndarray:
    """Survivors by age of the period-0 cohort of new customers in one run."""
    sc = load_scenario(VALIDATION_SCENARIOS / f"heterogeneity_{name}.yaml",
                       periods=AGES + 1)
    spells = run_with_spells(Market(sc, seed=seed))
    return cohort_alive(spells, start=0, ages=AGES, channel="new")


def _window(r: np.ndarray, span: tuple[int, int]) -> float:
    """Mean retention rate at ages span[0] .. span[1] - 1 (r[a - 1] is the rate at age a)."""
    return float(r[span[0] - 1:span[1] - 1].mean())


def check(seed: int, quick: bool) -> Outcome:
    """Run both cohorts with ``seed`` (runs are small: same size when quick)."""
    values: dict[str, float] = {}
    data: dict[str, dict] = {}
    for name in ("mixed", "uniform"):
        alive = cohort(name, seed)
        r = alive[1:] / np.maximum(alive[:-1], 1)
        fit = fit_sbg(alive[FIRST_AGE - 1:])
        values |= {f"{name}_cohort": float(alive[0]),
                   f"{name}_early": _window(r, EARLY), f"{name}_late": _window(r, LATE),
                   f"{name}_alpha": fit.alpha, f"{name}_beta": fit.beta,
                   f"{name}_polarization": fit.polarization}
        values[f"{name}_rise"] = values[f"{name}_late"] - values[f"{name}_early"]
        data[name] = {"alive": alive, "alpha": fit.alpha, "beta": fit.beta}
    passed = {
        "mixed_rises": values["mixed_rise"] >= RISE,
        "uniform_flat": abs(values["uniform_rise"]) <= FLAT,
        "sbg_polarization": values["mixed_polarization"] >= POLAR
        > values["uniform_polarization"],
    }
    return Outcome("heterogeneity", seed, passed, values, data)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Retention by age of both cohorts (every seed faint, sBG fit of the first seed)."""
    from ..analysis.sbg import retention

    fig, axes = new_figure(1, 2, "Pattern 4: retention rises with tenure only if customers "
                           "differ")
    ages = np.arange(1, AGES + 1)
    for ax, name in zip(axes[0], ("mixed", "uniform")):
        for o in outcomes:
            alive = o.data[name]["alive"]
            ax.plot(ages, alive[1:] / np.maximum(alive[:-1], 1), color="C0", alpha=0.25, lw=0.8)
        d = outcomes[0].data[name]
        fit_ages = ages[ages >= FIRST_AGE]
        ax.plot(fit_ages, retention(d["alpha"], d["beta"], fit_ages - FIRST_AGE + 1),
                color="C3", lw=2, label=f"sBG fit (a={d['alpha']:.2f}, b={d['beta']:.1f})")
        ax.set_title(f"{name} cohort")
        ax.set_xlabel("age of the cohort (periods since acquisition)")
        ax.set_ylabel("period retention rate")
        ax.set_ylim(0.85, 1.0)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    return [save(fig, out_dir / "pattern4_heterogeneity.png")]


PATTERN = Pattern(
    key="heterogeneity", number=4, title="Heterogeneity and rising retention",
    source="Fader & Hardie (2007) How to project customer retention; DOMAIN.md 4.4",
    criteria=CRITERIA, check=check, plot=plot)
