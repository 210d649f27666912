"""Cox proportional-hazards fit by partial likelihood (Breslow ties), with scipy.

The hazard of unit i is h0(t) exp(x_i b). ``cox_ph`` maximises the Breslow partial
likelihood with analytic gradient and Hessian (scipy's trust-region Newton). When the
optional extra ``analysis`` (lifelines) is installed, ``backend="lifelines"`` gives the
same fit through ``lifelines.CoxPHFitter`` for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import norm


@dataclass(frozen=True)
class CoxResult:
    """A fitted proportional-hazards model.

    Attributes:
        coef: Log hazard ratio per covariate.
        se: Standard error of each coefficient.
        loglik: Maximised log partial likelihood.
        n: Number of spells.
        events: Number of events.
    """

    coef: pd.Series
    se: pd.Series
    loglik: float
    n: int
    events: int

    @property
    def hazard_ratio(self) -> pd.Series:
        """exp(coef): multiplicative effect of one unit of each covariate on the hazard."""
        return np.exp(self.coef)

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Coefficients, hazard ratios and their confidence intervals."""
        z = norm.ppf(0.5 + level / 2)
        return pd.DataFrame({"coef": self.coef, "se": self.se,
                             "hazard_ratio": self.hazard_ratio,
                             "hr_low": np.exp(self.coef - z * self.se),
                             "hr_high": np.exp(self.coef + z * self.se)})


def _risk_sums(order_x, w, last_of_time):
    """Sums of w, w x and w x x' over each risk set (times sorted descending)."""
    s0 = np.cumsum(w)[last_of_time]
    wx = w[:, None] * order_x
    s1 = np.cumsum(wx, axis=0)[last_of_time]
    s2 = np.cumsum(wx[:, :, None] * order_x[:, None, :], axis=0)[last_of_time]
    return s0, s1, s2


def _prepare(durations, events, x):
    """Sort by time descending; index of each row's risk-set end (the last of its ties)."""
    order = np.argsort(-durations, kind="stable")
    d, e, x = durations[order], events[order], x[order]
    _, first_desc = np.unique(-d, return_index=True)
    ends = np.append(first_desc[1:], d.size) - 1
    group = np.repeat(np.arange(first_desc.size), np.diff(np.append(first_desc, d.size)))
    return e, x, ends[group]


def _objective(b, x, e, last):
    """Negative log partial likelihood, its gradient and Hessian at ``b``."""
    eta = x @ b
    shift = eta.max()
    w = np.exp(eta - shift)
    s0, s1, s2 = _risk_sums(x, w, last)
    s0, s1, s2 = s0[e], s1[e], s2[e]
    ll = (eta[e] - shift - np.log(s0)).sum()
    mean = s1 / s0[:, None]
    grad = (x[e] - mean).sum(axis=0)
    hess = (s2 / s0[:, None, None] - mean[:, :, None] * mean[:, None, :]).sum(axis=0)
    return -ll, -grad, hess


def cox_ph(data: pd.DataFrame, duration: str, event: str, covariates: list[str],
           backend: str = "scipy") -> CoxResult:
    """Fit a Cox proportional-hazards model.

    Args:
        data: One row per spell.
        duration: Column with each spell's length.
        event: Column that is 1 if the spell ended in the event, 0 if censored.
        covariates: Columns used as covariates (numeric).
        backend: ``"scipy"`` (built in) or ``"lifelines"`` (needs the ``analysis`` extra).

    Returns:
        The fit.
    """
    if backend == "lifelines":
        return _cox_lifelines(data, duration, event, covariates)
    if backend != "scipy":
        raise ValueError(f"backend must be 'scipy' or 'lifelines', got {backend!r}")
    d = data[duration].to_numpy(dtype=float)
    ev = data[event].to_numpy().astype(bool)
    x = data[covariates].to_numpy(dtype=float)
    if not ev.any():
        raise ValueError("no events: the hazard ratio cannot be estimated")
    e, xs, last = _prepare(d, ev, x)
    xs = xs - xs.mean(axis=0)
    res = minimize(lambda b: _objective(b, xs, e, last)[0], np.zeros(x.shape[1]),
                   jac=lambda b: _objective(b, xs, e, last)[1],
                   hess=lambda b: _objective(b, xs, e, last)[2], method="trust-exact")
    info = _objective(res.x, xs, e, last)[2]
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    return CoxResult(pd.Series(res.x, index=covariates), pd.Series(se, index=covariates),
                     float(-res.fun), int(d.size), int(ev.sum()))


def _cox_lifelines(data, duration, event, covariates) -> CoxResult:
    """The same fit through lifelines' CoxPHFitter (Breslow ties)."""
    try:
        from lifelines import CoxPHFitter
    except ImportError as err:
        raise ImportError("backend='lifelines' needs: pip install 'loyaltysim[analysis]'") from err
    cph = CoxPHFitter()
    cph.fit(data[[duration, event, *covariates]], duration_col=duration, event_col=event)
    return CoxResult(cph.params_[covariates], cph.standard_errors_[covariates],
                     float(cph.log_likelihood_), int(len(data)), int(data[event].sum()))
