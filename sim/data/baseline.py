"""A buy-till-you-die baseline: BG/NBD (Fader, Hardie & Lee 2005) fitted on a calibration window.

The model: while alive, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after each
purchase she drops out for good with probability p ~ Beta(a, b). Fitted by maximum likelihood
on each customer's (x, t_x, T): repeat transactions in the window, time of the last one and
time observed, all from her first purchase. The forecast is the expected number of repeat
transactions of the window's customers per period, each from her own first purchase
(staggered cohorts), with the closed form of E[X(t)] (a Gauss hypergeometric term).

Time is measured in periods (a month is 365.25/12 days); a purchase on day d happens at d, and
a window ends on its last day, so that a customer first seen on 1 Jan 1997 has T = 38.86 weeks
at the end of September, as in the published CDNOW figures.

Backends: ``scipy`` (maximum likelihood, L-BFGS-B; the default, no extra dependency) or
``pymc`` (pymc-marketing's ``BetaGeoModel``, MAP with flat priors, which is the same maximum;
install with ``pip install 'loyaltysim[data]'``).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..scenario.errors import InputError, Problem
from .curves import DAYS_PER_UNIT, customer_days, period_bounds

BACKENDS = ("scipy", "pymc")


@dataclass
class BGNBD:
    """Fitted BG/NBD parameters.

    Attributes:
        r: Shape of the gamma distribution of purchase rates.
        alpha: Scale of the gamma distribution (in periods).
        a: First shape of the beta distribution of dropout probabilities.
        b: Second shape of the beta distribution.
        loglik: Log-likelihood at the fit.
        customers: Customers fitted.
        seconds: Wall time of the fit.
        backend: ``scipy`` or ``pymc``.
    """

    r: float
    alpha: float
    a: float
    b: float
    loglik: float
    customers: int
    seconds: float
    backend: str


@dataclass
class Forecast:
    """A BG/NBD baseline: parameters, and expected vs actual repeat transactions per period.

    Attributes:
        params: The fit.
        fit_until: Last period of the calibration window.
        period: ``day``, ``week`` or ``month``.
        table: One row per period: period, start, window (``calibration`` or ``holdout``),
            actual, expected, actual_cumulative, expected_cumulative; repeat transactions of
            the customers acquired in the calibration window.
    """

    params: BGNBD
    fit_until: int
    period: str
    table: pd.DataFrame

    def holdout_errors(self) -> dict[str, float]:
        """Holdout RMSE per period, the same relative to the mean, and final cumulative error.

        Returns:
            ``rmse``, ``rmse_relative`` (RMSE / mean actual per period), ``mae_relative``
            (sum of absolute errors / sum of actuals), ``cumulative_error`` (relative error
            of the cumulative count at the last period), ``actual_cumulative`` and
            ``expected_cumulative`` at the last period.
        """
        h = self.table[self.table["window"] == "holdout"]
        err = h["expected"] - h["actual"]
        last = self.table.iloc[-1]
        mean = max(float(h["actual"].mean()), 1e-12) if len(h) else np.nan
        return {"rmse": float(np.sqrt((err**2).mean())) if len(h) else np.nan,
                "rmse_relative": float(np.sqrt((err**2).mean())) / mean if len(h) else np.nan,
                "mae_relative": float(err.abs().sum() / max(h["actual"].sum(), 1e-12)),
                "cumulative_error": float(last["expected_cumulative"] / last["actual_cumulative"]
                                          - 1) if last["actual_cumulative"] else np.nan,
                "actual_cumulative": float(last["actual_cumulative"]),
                "expected_cumulative": float(last["expected_cumulative"])}


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
                   ) -> np.ndarray:
    """BG/NBD log-likelihood of each customer (Fader, Hardie & Lee 2005, equation 6).

    Args:
        params: r, alpha, a, b.
        x: Repeat transactions in the window.
        t_x: Time of the last one (0 if none), from the first purchase.
        T: Time observed, from the first purchase.

    Returns:
        The log-likelihood of each customer.
    """
    from scipy.special import gammaln

    r, alpha, a, b = params
    base = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x)
            - gammaln(b) - gammaln(a + b + x))
    stay = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x)
    drop = np.where(x > 0, drop, -np.inf)
    return base + np.logaddexp(stay, drop)


def fit_bgnbd(x: ArrayLike, t_x: ArrayLike, T: ArrayLike, backend: str = "scipy") -> BGNBD:
    """Fit BG/NBD by maximum likelihood.

    Args:
        x: Repeat transactions per customer in the window.
        t_x: Time of each customer's last transaction from her first.
        T: Time each customer was observed from her first transaction.
        backend: ``scipy`` or ``pymc`` (pymc-marketing, MAP with flat priors).

    Returns:
        The fit.

    Raises:
        InputError: Too few customers, nobody bought twice, or an unknown or missing backend.
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if len(x) < 2 or x.sum() == 0:
        raise InputError("calibration window", [Problem(
            "--fit-until", "BG/NBD needs customers with repeat purchases in the window",
            None, f"{len(x)} customers, {int(x.sum())} repeat transactions", True)])
    t0 = time.perf_counter()
    if backend == "scipy":
        est = _fit_scipy(x, t_x, T)
    elif backend == "pymc":
        est = _fit_pymc(x, t_x, T)
    else:
        raise InputError("command line", [Problem("--backend", f"one of {BACKENDS}", None,
                                                  backend, True)])
    ll = float(log_likelihood(est, x, t_x, T).sum())
    r, alpha, a, b = map(float, est)
    return BGNBD(r, alpha, a, b, ll, len(x), time.perf_counter() - t0, backend)


def _fit_scipy(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Maximum likelihood over log-parameters with L-BFGS-B, aggregated over equal rows."""
    from scipy.optimize import minimize

    rows, weight = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    xs, txs, Ts = rows.T

    def nll(theta: np.ndarray) -> float:
        return -float(weight @ log_likelihood(np.exp(theta), xs, txs, Ts)) / weight.sum()

    start = np.log([1.0, max(float(T.mean()), 1e-3), 1.0, 1.0])
    res = minimize(nll, start, method="L-BFGS-B", bounds=[(-10, 10)] * 4,
                   options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})
    res = minimize(nll, res.x, method="Nelder-Mead",
                   options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 4000})
    return np.exp(res.x)


def _fit_pymc(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """pymc-marketing's BetaGeoModel, MAP with flat priors (= maximum likelihood)."""
    try:
        from pymc_extras.prior import Prior
        from pymc_marketing.clv import BetaGeoModel
    except ImportError:
        raise InputError("command line", [Problem("--backend", "needs pymc-marketing: pip "
                                                               "install 'loyaltysim[data]'",
                                                  None, "pymc", True)]) from None
    data = pd.DataFrame({"customer_id": np.arange(len(x)), "frequency": x, "recency": t_x,
                         "T": T})
    config = {k: Prior("HalfFlat") for k in ("r", "alpha", "a", "b")}
    model = BetaGeoModel(model_config=config)
    model.fit(data=data, method="map", progressbar=False)
    fit = model.fit_summary()
    return np.array([fit["r"], fit["alpha"], fit["a"], fit["b"]], dtype=float)


def expected_repeat(p: BGNBD, t: np.ndarray) -> np.ndarray:
    """Expected repeat transactions of one customer in (0, t] after her first purchase.

    Fader, Hardie & Lee (2005), equation 9; 0 where t <= 0.

    Args:
        p: The fit.
        t: Times since the first purchase, in periods.

    Returns:
        E[X(t)].
    """
    from scipy.special import hyp2f1

    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    z = t / (p.alpha + t)
    head = (p.a + p.b - 1) / (p.a - 1)
    return head * (1 - (p.alpha / (p.alpha + t)) ** p.r * hyp2f1(p.r, p.b, p.a + p.b - 1, z))


def rfm(days: pd.DataFrame, origin: pd.Timestamp, cutoff: pd.Timestamp, unit: float
        ) -> pd.DataFrame:
    """Each customer's (x, t_x, T) and first purchase time, from transactions up to ``cutoff``.

    Args:
        days: ``customer_days`` output.
        origin: Time 0.
        cutoff: Last day of the calibration window (included).
        unit: Days per period.

    Returns:
        One row per customer first seen by ``cutoff``: customer, first (time of the first
        purchase since ``origin``), x, t_x, T (in periods).
    """
    cal = days[days["date"] <= cutoff]
    g = cal.groupby("customer")["date"]
    first, last = g.min(), g.max()
    return pd.DataFrame({
        "customer": first.index,
        "first": ((first - origin).dt.days / unit).to_numpy(),
        "x": (g.size() - 1).to_numpy(),
        "t_x": ((last - first).dt.days / unit).to_numpy(),
        "T": ((cutoff - first).dt.days / unit).to_numpy(),
    })


def bgnbd_forecast(log: pd.DataFrame, fit_until: int, horizon: int | None = None,
                   period: str = "week", start: str | pd.Timestamp | None = None,
                   backend: str = "scipy") -> Forecast:
    """Fit BG/NBD on periods 1..fit_until and forecast repeat transactions per period.

    Args:
        log: ``read_log`` output (customer, date; amount is not used).
        fit_until: Last period of the calibration window.
        horizon: Periods forecast after it (default: to the last period of the log).
        period: ``day``, ``week`` or ``month``.
        start: First day of period 1 (default: the first purchase in the log).
        backend: ``scipy`` or ``pymc``.

    Returns:
        The fit, and per period the expected and actual repeat transactions of the customers
        acquired in the calibration window (``Forecast.table``).

    Raises:
        InputError: A window outside the log, or a log that BG/NBD cannot be fitted to.
    """
    origin = log["date"].min() if start is None else pd.Timestamp(start).normalize()
    days = customer_days(log, period, origin)
    last_period = int(days["period"].max())
    _check_window(fit_until, horizon, last_period)
    n = fit_until + (horizon if horizon is not None else last_period - fit_until)
    bounds = period_bounds(n, period, origin)
    unit = DAYS_PER_UNIT[period]
    cutoff = bounds[fit_until] - pd.Timedelta(days=1)
    cal = rfm(days, origin, cutoff, unit)
    params = fit_bgnbd(cal["x"], cal["t_x"], cal["T"], backend)
    ends = ((bounds[1:] - pd.Timedelta(days=1)) - origin).days.to_numpy() / unit
    return Forecast(params, fit_until, period,
                    _table(days, cal, params, ends, bounds, fit_until, n))


def _check_window(fit_until: int, horizon: int | None, last_period: int) -> None:
    """The calibration window and the horizon lie within the log."""
    problems = []
    if not 1 <= fit_until < last_period:
        problems.append(Problem("--fit-until", f"the log has periods 1..{last_period}: choose "
                                               f"1..{last_period - 1}", None, fit_until, True))
    if horizon is not None and horizon < 1:
        problems.append(Problem("--horizon", "must be 1 or more", None, horizon, True))
    if problems:
        raise InputError("command line", problems)


def _table(days: pd.DataFrame, cal: pd.DataFrame, p: BGNBD, ends: np.ndarray,
           bounds: pd.DatetimeIndex, fit_until: int, n: int) -> pd.DataFrame:
    """Expected and actual repeat transactions per period, and their cumulative sums."""
    firsts, counts = np.unique(cal["first"].to_numpy(), return_counts=True)
    cum = np.array([counts @ expected_repeat(p, e - firsts) for e in ends])
    periods = np.arange(1, n + 1)
    mine = days[days["customer"].isin(cal["customer"]) & (days["number"] > 0)]
    actual = mine.groupby("period").size().reindex(periods, fill_value=0).to_numpy()
    return pd.DataFrame({
        "period": periods, "start": bounds[:-1].strftime("%Y-%m-%d"),
        "window": np.where(periods <= fit_until, "calibration", "holdout"),
        "actual": actual, "expected": np.diff(cum, prepend=0.0),
        "actual_cumulative": actual.cumsum(), "expected_cumulative": cum,
    })


def baseline_report(fc: Forecast) -> str:
    """Parameters, fit time and holdout errors as text."""
    p, e = fc.params, fc.holdout_errors()
    unit = fc.period
    return "\n".join([
        f"BG/NBD ({p.backend}) on {p.customers:,} customers, {unit}s 1-{fc.fit_until}: "
        f"r={p.r:.3f} alpha={p.alpha:.3f} a={p.a:.3f} b={p.b:.3f} "
        f"(log-likelihood {p.loglik:,.1f}, fitted in {p.seconds:.2f} s)",
        f"holdout {unit}s {fc.fit_until + 1}-{len(fc.table)}: RMSE {e['rmse']:.2f} repeat "
        f"transactions per {unit} ({e['rmse_relative']:.1%} of the mean), absolute error "
        f"{e['mae_relative']:.1%} of the total",
        f"cumulative repeat transactions at {unit} {len(fc.table)}: expected "
        f"{e['expected_cumulative']:,.0f}, actual {e['actual_cumulative']:,.0f} "
        f"({e['cumulative_error']:+.1%})",
    ])


def write_baseline(fc: Forecast, out: Path, title: str) -> Path:
    """Write baseline.csv and baseline.png (weekly and cumulative, actual vs expected).

    Args:
        fc: The forecast.
        out: Folder (created if missing).
        title: Figure title (the log's name).

    Returns:
        The folder.
    """
    from .plots import plot_baseline

    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".baseline.", dir=out))
    try:
        table = fc.table.assign(expected=fc.table["expected"].round(4),
                                expected_cumulative=fc.table["expected_cumulative"].round(4))
        table.to_csv(tmp / "baseline.csv", index=False)
        plot_baseline(fc.table, fc.fit_until, tmp / "baseline.png", title, fc.period)
        for f in tmp.iterdir():
            f.replace(out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
