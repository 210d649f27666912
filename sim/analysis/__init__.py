"""Analysis tools for simulated (or real) customer data.

- ``sbg``: shifted-beta-geometric cohort retention (fit, projection, DERL);
- ``survival``: Kaplan-Meier survival and restricted mean lifetime;
- ``cox``: proportional-hazards fit (scipy; lifelines optional);
- ``spells``: customer spells recorded from a running model;
- ``satisfaction_curve``: retention against satisfaction (Jones & Sasser), with a plot;
- ``arithmetic``: expected lifetime 1 / (1 - r) and customer lifetime value;
- ``loyalty``: Dick & Basu loyalty composition over time, with a plot.
"""

from .arithmetic import clv, expected_lifetime, retention_for_lifetime
from .cox import CoxResult, cox_ph
from .loyalty import dick_basu_composition, has_loyalty_types, plot_dick_basu
from .satisfaction_curve import plot_retention_curve, retention_curve, satisfaction_retention
from .sbg import SBGFit, derl, fit_sbg
from .spells import SpellTracker, cohort_alive, run_with_spells
from .survival import kaplan_meier, median_lifetime, restricted_mean, survival_at

__all__ = [
    "CoxResult", "SBGFit", "SpellTracker", "clv", "cohort_alive", "cox_ph", "derl",
    "dick_basu_composition", "expected_lifetime", "fit_sbg", "has_loyalty_types",
    "kaplan_meier", "median_lifetime", "plot_dick_basu", "plot_retention_curve",
    "restricted_mean", "retention_curve", "retention_for_lifetime", "run_with_spells",
    "satisfaction_retention", "survival_at",
]
