"""Global sensitivity indices with confidence intervals, through SALib.

``sobol_indices`` reads Saltelli samples (first-order S1 and total ST indices);
``morris_indices`` reads Morris trajectories (mu*, its confidence interval, and sigma).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def sobol_indices(problem: dict, y: ArrayLike, second_order: bool = False, seed: int = 0,
                  resamples: int = 1000) -> pd.DataFrame:
    """Sobol first-order and total indices of output ``y`` with 95% bootstrap intervals.

    Args:
        problem: SALib problem (``num_vars``, ``names``, ``bounds``).
        y: Outputs in the order of the Saltelli sample.
        second_order: Whether the sample was drawn with second-order columns.
        seed: Seed of the bootstrap.
        resamples: Bootstrap resamples.

    Returns:
        One row per factor: ``factor, S1, S1_conf, ST, ST_conf`` (conf is the half-width).
    """
    from SALib.analyze import sobol

    res = sobol.analyze(problem, np.asarray(y, dtype=float), calc_second_order=second_order,
                        num_resamples=resamples, conf_level=0.95, seed=seed)
    return pd.DataFrame({"factor": problem["names"], "S1": res["S1"], "S1_conf": res["S1_conf"],
                         "ST": res["ST"], "ST_conf": res["ST_conf"]})


def morris_indices(problem: dict, x: ArrayLike, y: ArrayLike, levels: int, seed: int = 0,
                   resamples: int = 1000) -> pd.DataFrame:
    """Morris elementary-effect statistics of output ``y`` with 95% bootstrap intervals.

    Returns:
        One row per factor: ``factor, mu, mu_star, mu_star_conf, sigma``.
    """
    from SALib.analyze import morris

    res = morris.analyze(problem, np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                         num_resamples=resamples, conf_level=0.95, num_levels=levels, seed=seed)
    return pd.DataFrame({"factor": problem["names"], "mu": res["mu"], "mu_star": res["mu_star"],
                         "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
