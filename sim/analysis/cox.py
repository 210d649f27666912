"""Cox proportional-hazards fit by partial likelihood (Breslow ties), with scipy.

The hazard of unit i is h0(t) exp(x_i b). ``cox_ph`` maximises the Breslow partial
likelihood with analytic gradient and Hessian (scipy's trust-region Newton). When the
optional extra ``analysis`` (lifelines) is installed, ``backend="lifelines"`` gives the
same fit through ``lifelines.CoxPHFitter`` for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import norm

# rows that entered late: (order by entry descending, count per row); see ``_prepare``
Late: TypeAlias = tuple[np.ndarray, np.ndarray] | None


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


def _risk_sums(x: np.ndarray, w: np.ndarray, last: np.ndarray,
               late: Late) -> list[np.ndarray]:
    """Sums of w, w x and w x x' over each row's risk set (rows sorted by time descending).

    The risk set of a row with time t holds the rows with time >= t (the cumulative sum up to
    ``last``) less those that entered at or after t (``late`` indexes them, see ``_prepare``).
    """
    wx = w[:, None] * x
    parts = [w, wx, wx[:, :, None] * x[:, None, :]]
    out = []
    for a in parts:
        c = np.cumsum(a, axis=0)
        s = c[last]
        if late is not None:
            order, count = late
            ce = np.concatenate([np.zeros((1, *a.shape[1:])), np.cumsum(a[order], axis=0)])
            s = s - ce[count]
        out.append(s)
    return out


def _prepare(durations: np.ndarray, events: np.ndarray, x: np.ndarray,
             entry: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Late]:
    """Sort by time descending; each row's risk-set end and, with entries, who entered late."""
    order = np.argsort(-durations, kind="stable")
    d, e, x = durations[order], events[order], x[order]
    _, first_desc = np.unique(-d, return_index=True)
    ends = np.append(first_desc[1:], d.size) - 1
    group = np.repeat(np.arange(first_desc.size), np.diff(np.append(first_desc, d.size)))
    late: Late = None
    if entry is not None:
        en = entry[order]
        by_entry = np.argsort(-en, kind="stable")
        # rows whose entry >= t: the first `count` rows in descending order of entry
        count = np.searchsorted(-en[by_entry], -d, side="right")
        late = (by_entry, count)
    return e, x, ends[group], late


def _objective(b: np.ndarray, x: np.ndarray, e: np.ndarray, last: np.ndarray,
               late: Late = None) -> tuple[float, np.ndarray, np.ndarray]:
    """Negative log partial likelihood, its gradient and Hessian at ``b``."""
    eta = x @ b
    shift = eta.max()
    w = np.exp(eta - shift)
    s0, s1, s2 = _risk_sums(x, w, last, late)
    s0, s1, s2 = s0[e], s1[e], s2[e]
    ll = (eta[e] - shift - np.log(s0)).sum()
    mean = s1 / s0[:, None]
    grad = (x[e] - mean).sum(axis=0)
    hess = (s2 / s0[:, None, None] - mean[:, :, None] * mean[:, None, :]).sum(axis=0)
    return -ll, -grad, hess


def cox_ph(data: pd.DataFrame, duration: str, event: str, covariates: list[str],
           backend: str = "scipy", entry: str | None = None) -> CoxResult:
    """Fit a Cox proportional-hazards model.

    Args:
        data: One row per spell.
        duration: Column with each spell's length.
        event: Column that is 1 if the spell ended in the event, 0 if censored.
        covariates: Columns used as covariates (numeric).
        backend: ``"scipy"`` (built in) or ``"lifelines"`` (needs the ``analysis`` extra).
        entry: Optional column with each row's entry time (left truncation, or counting-
            process rows (entry, duration] for time-varying covariates); scipy only.

    Returns:
        The fit.
    """
    if backend == "lifelines":
        if entry is not None:
            raise ValueError("entry times need backend='scipy'")
        return _cox_lifelines(data, duration, event, covariates)
    if backend != "scipy":
        raise ValueError(f"backend must be 'scipy' or 'lifelines', got {backend!r}")
    d = data[duration].to_numpy(dtype=float)
    ev = data[event].to_numpy().astype(bool)
    x = data[covariates].to_numpy(dtype=float)
    if not ev.any():
        raise ValueError("no events: the hazard ratio cannot be estimated")
    en = None if entry is None else data[entry].to_numpy(dtype=float)
    if en is not None and np.any(en >= d):
        raise ValueError("every entry time must be before its duration (end) time")
    e, xs, last, late = _prepare(d, ev, x, en)
    xs = xs - xs.mean(axis=0)
    args = (xs, e, last, late)
    res = minimize(lambda b: _objective(b, *args)[0], np.zeros(x.shape[1]),
                   jac=lambda b: _objective(b, *args)[1],
                   hess=lambda b: _objective(b, *args)[2], method="trust-exact")
    info = _objective(res.x, *args)[2]
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    return CoxResult(pd.Series(res.x, index=covariates), pd.Series(se, index=covariates),
                     float(-res.fun), int(d.size), int(ev.sum()))


def _cox_lifelines(data: pd.DataFrame, duration: str, event: str,
                   covariates: list[str]) -> CoxResult:
    """The same fit through lifelines' CoxPHFitter (Breslow ties)."""
    try:
        from lifelines import CoxPHFitter
    except ImportError as err:
        raise ImportError("backend='lifelines' needs: pip install 'loyaltysim[analysis]'") from err
    cph = CoxPHFitter()
    cph.fit(data[[duration, event, *covariates]], duration_col=duration, event_col=event)
    return CoxResult(cph.params_[covariates], cph.standard_errors_[covariates],
                     float(cph.log_likelihood_), int(len(data)), int(data[event].sum()))
