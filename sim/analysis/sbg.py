"""Shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, 2010).

Each customer has a constant churn probability ``theta`` per period, drawn across customers
from a Beta(alpha, beta) distribution. A cohort's survival is then

    S(t) = B(alpha, beta + t) / B(alpha, beta),
    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),   t = 1, 2, ...

and its period retention rate rises with tenure even though no customer's own rate changes:

    r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1).

The discounted expected residual lifetime of a customer who has made ``n - 1`` renewals,
evaluated just before the ``n``-th renewal decision, is (Fader & Hardie 2010, eq. 6)

    DERL(d | alpha, beta, n) = B(alpha, beta + n) / B(alpha, beta + n - 1)
                               * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d)).

Multiplied by the margin per period it is the customer's residual lifetime value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import betaln, hyp2f1


def survival(alpha: float, beta: float, t: ArrayLike) -> np.ndarray:
    """S(t): share of a cohort still alive after ``t`` periods (t = 0, 1, ...)."""
    ts = np.asarray(t, dtype=float)
    return np.exp(betaln(alpha, beta + ts) - betaln(alpha, beta))


def churn_pmf(alpha: float, beta: float, t: ArrayLike) -> np.ndarray:
    """P(T = t): share of a cohort that churns in period ``t`` (t = 1, 2, ...)."""
    ts = np.asarray(t, dtype=float)
    return np.exp(betaln(alpha + 1, beta + ts - 1) - betaln(alpha, beta))


def retention(alpha: float, beta: float, t: ArrayLike) -> np.ndarray:
    """r(t) = S(t) / S(t - 1): the cohort's retention rate in period ``t`` (t = 1, 2, ...)."""
    ts = np.asarray(t, dtype=float)
    return (beta + ts - 1) / (alpha + beta + ts - 1)


def derl(alpha: float, beta: float, discount: float, renewals: int = 0) -> float:
    """Discounted expected residual lifetime (Fader & Hardie 2010).

    Args:
        alpha: sBG alpha.
        beta: sBG beta.
        discount: Discount rate per period ``d`` (e.g. 0.1).
        renewals: Renewals already made, ``n - 1`` (0 for a customer at the end of period 1).

    Returns:
        Expected number of future periods, each discounted by ``1 / (1 + d)`` per period; the
        payment at the coming renewal counts undiscounted.
    """
    if discount <= 0:
        raise ValueError(f"discount must be positive, got {discount}")
    n = renewals + 1
    ratio = np.exp(betaln(alpha, beta + n) - betaln(alpha, beta + n - 1))
    return float(ratio * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount)))


def log_likelihood(alpha: float, beta: float, alive: ArrayLike) -> float:
    """Log-likelihood of a cohort's survivor counts ``alive[0..T]`` under sBG(alpha, beta).

    Customers lost in period t contribute ln P(T = t); those alive at T contribute ln S(T).
    """
    alive = np.asarray(alive, dtype=float)
    t = np.arange(1, alive.size)
    lost = alive[:-1] - alive[1:]
    return float((lost * np.log(churn_pmf(alpha, beta, t))).sum()
                 + alive[-1] * np.log(survival(alpha, beta, alive.size - 1)))


@dataclass(frozen=True)
class SBGFit:
    """A fitted sBG model.

    Attributes:
        alpha: Beta-distribution alpha of the churn probabilities.
        beta: Beta-distribution beta.
        loglik: Maximised log-likelihood.
        cohort: Cohort size (``alive[0]``) the fit used.
        periods: Number of observed periods.
    """

    alpha: float
    beta: float
    loglik: float
    cohort: float
    periods: int

    @property
    def mean_churn(self) -> float:
        """Mean churn probability across customers, alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def polarization(self) -> float:
        """1 / (alpha + beta + 1): 0 for a homogeneous cohort, 1 for a fully polarised one."""
        return 1.0 / (self.alpha + self.beta + 1.0)

    def survival(self, t: ArrayLike) -> np.ndarray:
        """Projected share alive after ``t`` periods."""
        return survival(self.alpha, self.beta, t)

    def retention(self, t: ArrayLike) -> np.ndarray:
        """Projected retention rate in period ``t``."""
        return retention(self.alpha, self.beta, t)

    def derl(self, discount: float, renewals: int = 0) -> float:
        """Discounted expected residual lifetime (see ``derl``)."""
        return derl(self.alpha, self.beta, discount, renewals)

    def project(self, horizon: int) -> pd.DataFrame:
        """Survival, expected survivors and retention for periods 0..horizon."""
        t = np.arange(horizon + 1)
        s = self.survival(t)
        r = np.concatenate([[np.nan], self.retention(t[1:])])
        return pd.DataFrame({"period": t, "survival": s, "alive": s * self.cohort,
                             "retention": r})


def fit_sbg(alive: ArrayLike, start: tuple[float, float] = (1.0, 1.0)) -> SBGFit:
    """Fit sBG by maximum likelihood to a cohort's survivors.

    Args:
        alive: Customers alive at the start (index 0) and at the end of each observed period;
            counts or shares (only their ratios matter for the estimates), non-increasing.
        start: Initial (alpha, beta).

    Returns:
        The fitted model.
    """
    alive = np.asarray(alive, dtype=float)
    if alive.ndim != 1 or alive.size < 3:
        raise ValueError("need survivors for at least two periods after the start")
    if np.any(np.diff(alive) > 1e-9 * alive[0]) or alive[-1] < 0 or alive[0] <= 0:
        raise ValueError("survivors must be positive at the start and non-increasing")

    def nll(x: np.ndarray) -> float:
        return -log_likelihood(np.exp(x[0]), np.exp(x[1]), alive)

    best = minimize(nll, np.log(start), method="Nelder-Mead",
                    options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
    best = minimize(nll, best.x, method="L-BFGS-B", bounds=[(-12, 12), (-12, 12)])
    a, b = np.exp(best.x)
    return SBGFit(float(a), float(b), float(-best.fun), float(alive[0]), alive.size - 1)
