"""Observed curves of a transaction log by period: customers, transactions, revenue, cohorts.

A *transaction* is a customer-day: a customer's purchases on one day count as one transaction
(as in Fader, Hardie & Lee 2005); its amount is the sum of that day's amounts. A customer's
first transaction is the acquisition, every later one a *repeat transaction*.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_UNIT = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}


def period_of(dates: pd.Series, period: str, start: pd.Timestamp) -> np.ndarray:
    """Period numbers (1, 2, ...) of ``dates``, period 1 beginning on ``start``.

    Args:
        dates: Dates (day precision).
        period: ``day``, ``week`` (7-day blocks from ``start``) or ``month`` (calendar months,
            period 1 is the month of ``start``).
        start: First day of period 1.

    Returns:
        Integer period numbers.
    """
    if period == "month":
        d = pd.DatetimeIndex(dates)
        return ((d.year - start.year) * 12 + d.month - start.month + 1).to_numpy()
    days = (pd.DatetimeIndex(dates) - start).days.to_numpy()
    return days // (7 if period == "week" else 1) + 1


def period_bounds(n: int, period: str, start: pd.Timestamp) -> pd.DatetimeIndex:
    """Start dates of periods 1 .. n+1 (the last one is where period n ends)."""
    if period == "month":
        first = start.to_period("M").to_timestamp()
        return pd.date_range(first, periods=n + 1, freq="MS")
    step = 7 if period == "week" else 1
    return pd.DatetimeIndex([start + pd.Timedelta(days=step * k) for k in range(n + 1)])


def customer_days(log: pd.DataFrame, period: str, start: pd.Timestamp | None = None
                  ) -> pd.DataFrame:
    """One row per transaction (customer-day), sorted by customer and date.

    Args:
        log: ``read_log`` output (customer, date, amount).
        period: ``day``, ``week`` or ``month``.
        start: First day of period 1 (default: the first date in the log).

    Returns:
        Columns customer, date, amount (summed), rows (log rows merged), period, number
        (0 for the customer's first transaction, 1 for the first repeat, ...) and cohort
        (the period of the customer's first transaction).
    """
    start = log["date"].min() if start is None else start
    days = (log.groupby(["customer", "date"], sort=True)
               .agg(amount=("amount", "sum"), rows=("amount", "size")).reset_index())
    days["period"] = period_of(days["date"], period, start)
    days["number"] = days.groupby("customer").cumcount()
    days["cohort"] = days.groupby("customer")["period"].transform("min")
    return days


def observed_curves(days: pd.DataFrame, period: str, start: pd.Timestamp,
                    n_periods: int | None = None) -> pd.DataFrame:
    """The curves by period, one row per period 1 .. n (periods without purchases are zeros).

    Args:
        days: ``customer_days`` output.
        period: Its period.
        start: First day of period 1.
        n_periods: How many periods (default: up to the last transaction).

    Returns:
        Columns period, start, customers_active, new_customers, customers_acquired,
        active_share, transactions, repeat_transactions, repeat_transactions_cumulative,
        revenue, revenue_cumulative.
    """
    n = int(n_periods or days["period"].max())
    index = pd.RangeIndex(1, n + 1, name="period")
    by = days.groupby("period")
    out = pd.DataFrame(index=index)
    out["start"] = period_bounds(n, period, start)[:-1].strftime("%Y-%m-%d")
    out["customers_active"] = by["customer"].nunique().reindex(index, fill_value=0)
    out["new_customers"] = (days["number"].eq(0).groupby(days["period"]).sum()
                            .reindex(index, fill_value=0))
    out["customers_acquired"] = out["new_customers"].cumsum()
    out["active_share"] = out["customers_active"] / out["customers_acquired"].where(
        out["customers_acquired"] > 0, 1).round(6)
    out["transactions"] = by.size().reindex(index, fill_value=0)
    out["repeat_transactions"] = out["transactions"] - out["new_customers"]
    out["repeat_transactions_cumulative"] = out["repeat_transactions"].cumsum()
    out["revenue"] = by["amount"].sum().reindex(index, fill_value=0.0).round(2)
    out["revenue_cumulative"] = out["revenue"].cumsum().round(2)
    return out.reset_index()


def cohort_table(days: pd.DataFrame, n_periods: int | None = None) -> pd.DataFrame:
    """Survival of each acquisition cohort, period by period.

    Args:
        days: ``customer_days`` output.
        n_periods: Last period (default: the last transaction's).

    Returns:
        One row per cohort and period from its acquisition on: cohort, period, age
        (periods since acquisition), cohort_size, active (customers buying in the period),
        active_share, surviving (customers with a transaction in this period or later, the
        observed lower bound of the still-alive) and surviving_share.
    """
    n = int(n_periods or days["period"].max())
    last = days.groupby("customer").agg(cohort=("cohort", "first"), last=("period", "max"))
    sizes = last.groupby("cohort").size()
    rows = []
    for cohort, size in zip(sizes.index, sizes):
        members = last[last["cohort"] == cohort]
        periods = np.arange(cohort, n + 1)
        surviving = (members["last"].to_numpy()[None, :] >= periods[:, None]).sum(axis=1)
        active = (days[days["cohort"] == cohort].groupby("period")["customer"].nunique()
                  .reindex(periods, fill_value=0).to_numpy())
        rows.append(pd.DataFrame({"cohort": cohort, "period": periods, "age": periods - cohort,
                                  "cohort_size": size, "active": active,
                                  "active_share": active / size, "surviving": surviving,
                                  "surviving_share": surviving / size}))
    return pd.concat(rows, ignore_index=True)


def interpurchase_times(days: pd.DataFrame) -> pd.DataFrame:
    """Distribution of the days between a customer's consecutive transactions.

    Args:
        days: ``customer_days`` output.

    Returns:
        One row per observed gap length: days, count, share, cumulative_share (empty when
        nobody bought twice).
    """
    gaps = days.groupby("customer")["date"].diff().dt.days.dropna().astype(int)
    counts = gaps.value_counts().sort_index()
    out = pd.DataFrame({"days": counts.index.astype(int), "count": counts.to_numpy()})
    total = max(int(out["count"].sum()), 1)
    out["share"] = out["count"] / total
    out["cumulative_share"] = out["share"].cumsum()
    return out
