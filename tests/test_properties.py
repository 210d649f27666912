"""Property-based tests (issue 12): invariants of random valid scenarios, every period.

Each test draws random scenarios (tests/scenarios_strategy.py: 1 to 4 firms, 1 to 3 segments
with equal or unequal visit rates, 200 to 1,500 agents for a population that may be larger or
smaller, horizons of 3 to 25 periods of any unit, word of mouth, awareness, contagion,
complaints, loyalty types, cohorts, turnover, referrals, dropout, staggered arrivals, purchase
windows, contact levels and purchase occasions on or off, events with crises to answer, and
every strategy type) and checks, period by period:

* customers are conserved: each agent is never, active or lost at each firm (never + active +
  lost = N agents, out-of-market agents being "never"), the trajectory's stocks are the status
  counts times the weight, and active stocks follow their flows;
* accounting: revenue equals the prices paid, counted where customers pay (a spy on
  ``experience.experience``; with purchase occasions each price times the customer's
  purchases, a spy on the ``Visit``), transactions = the served or their purchases, variable
  cost per purchase, profit = revenue - the cost_* columns, and each firm's cash changes by
  its profit;
* every rate and mean is in [0, 1], no column is ever inf, and NaN appears only where
  ALLOWED_NAN says and exactly when its denominator is empty;
* the newer mechanisms keep their own books (``check_newer_mechanisms``, on the conservation
  runs): referrals converted at most once made, rewards and crisis compensation only for
  what was converted or reached (and none without the strategy), contact levels within the
  levels allowed (NaN exactly when off or over nobody), dropouts counted once and never
  buying again, arrivals counted once, nobody out of the market served, purchase-window
  counts equal to the purchases served; staff conserved (before - quits + hires), their
  satisfaction and experience in [0, 1], every wage and hire paid while open, nothing while
  closed or without staff;
* the same seed gives identical trajectories, another seed different ones;
* a firm that alone raises its price gains no first-period demand (common random numbers).

Reproducing a failure: the examples are derandomised (the same on every run), and a failing
test prints the shrunk scenario as YAML (save it as case.yaml and run
``python run.py run case.yaml``; it carries its seed) and a ``@reproduce_failure`` blob.
``PROPERTY_EXAMPLES=500 PROPERTY_RANDOM=1 pytest tests/test_properties.py`` explores more,
and new, examples.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from scenarios_strategy import as_yaml, scenarios, validated

from sim import experience
from sim import model as model_module
from sim.accounting import COST_COLUMNS
from sim.api import run
from sim.constants import ACTIVE, LOST, REASONS
from sim.model import Market
from sim.scenario import load_scenario
from sim.staff import Staff

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", 0))
RANDOM = os.environ.get("PROPERTY_RANDOM") == "1"


def props(examples: int):
    """Settings of every property: reproducible examples, no deadline, the blob on failure."""
    return settings(max_examples=EXAMPLES or examples, deadline=None, print_blob=True,
                    derandomize=not RANDOM, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def show(data: dict, seed: int | None = None) -> None:
    """Print the scenario (on failure only) so that it can be saved and run."""
    if seed is not None:
        data = {**data, "seed": seed}
    note("scenario (save as case.yaml; run: python run.py run case.yaml):\n" + as_yaml(data))


# Rates, shares and means in [0, 1] (ODD 2.4).
UNIT_COLUMNS = ("retention_rate", "churn_rate", "winback_rate", "market_share", "quality_mean",
                "satisfaction_mean", "trust_mean", "aware_share", "member_revenue_share",
                "general_discount", "service_value", "service_system", "service_people",
                "service_mean", "budget_service", "budget_relationship", "budget_promotion",
                "share_of_wallet")
# Columns whose bounds differ from [0, 1] (none since churn is over the customers at risk).
RELAXED: dict[str, tuple[float, float]] = {}
# Dick & Basu counts (ODD 7.16), NaN when loyalty types are off.
LOYALTY_COLUMNS = tuple(f"{pre}_{k}" for pre in ("loyal", "lost_loyal")
                        for k in ("true", "spurious", "latent", "none"))
# Columns that may be negative: money balances, margins, NPS, CLV, the PDCA dimension (-1 =
# none). Every other column (counts, prices, costs, rates, levels) is at least 0.
SIGNED = ("profit", "cumulative_profit", "cash", "unit_margin", "nps", "clv_mean",
          "clv_realised", "pdca_dimension")

# Where NaN is allowed (ODD 2.4), and when: every other column is never NaN. A column with a
# condition is NaN exactly when the condition holds (a rate whose denominator is 0, a mean
# over nobody, a switched-off mechanism). The CLV columns (ODD 7.18) are also undefined until
# enough periods or buyers have been seen, so they may be NaN whenever, and must be NaN when
# cohorts are off.
ALLOWED_NAN = {
    "retention_rate": lambda r: r.active_start + r.new_customers + r.won_back == 0,
    "churn_rate": lambda r: r.active_start + r.new_customers + r.won_back == 0,  # lost / at risk
    "winback_rate": lambda r: r.lost_pool_start == 0,     # won_back / lost0
    "market_share": lambda r: r.total_served == 0,        # served / all firms' served
    "quality_mean": lambda r: r.served == 0,              # mean over the served
    "satisfaction_mean": lambda r: r.customers_active == 0,  # means over the active
    "trust_mean": lambda r: r.customers_active == 0,
    "nps": lambda r: r.customers_active == 0,
    **dict.fromkeys(LOYALTY_COLUMNS, lambda r: ~r.loyalty_on),  # loyalty types switched off
    **dict.fromkeys(Staff.columns, lambda r: ~r.staffed),  # a firm without a staff block
}
# share_of_wallet: NaN until the first analysis window ends (ODD 7.23) and where nobody bought;
# contact_levels: NaN with the contacts mechanism off or no active customer (ODD 7.25)
SOMETIMES_NAN = ("clv_mean", "clv_realised", "share_of_wallet", "contact_levels")


class Recorded:
    """A run stepped period by period, with what the test counted independently.

    Attributes:
        model: The ``Market`` after the run.
        df: Its trajectories.
        status: Per period, an (F, 3) array of agent counts never / active / lost.
        cash: Per period, each firm's cash before and after the step.
        paid: (period, firm) -> [sum of prices paid, agents served], from the spy.
        bought: (period, firm) -> [sum of price x purchases, purchases], from a spy on the
            ``Visit`` (the purchases its ``n`` says, or one per served agent).
        served: Per period, the agents served there (any firm), from the spy.
        dropped: Per period start, and after the last, who had dropped out (dropout on).
        out: Per period start, who was out of the market (turnover on).
    """

    def __init__(self, data: dict, seed: int | None = None):
        scenario = validated(data)
        self.paid = defaultdict(lambda: [0.0, 0])
        self.bought = defaultdict(lambda: [0.0, 0])
        self.status, self.cash = [], []
        self.served: list[list[np.ndarray]] = []
        self.dropped: list[np.ndarray] = []
        self.out: list[np.ndarray] = []
        real = experience.experience

        def spy(c, f, service, ids, paid, *args, **kwargs):
            rec = self.paid[(self.model.t, f)]
            rec[0] += float(np.sum(paid, dtype=np.float64))
            rec[1] += int(ids.size)
            self.served[-1].append(np.array(ids))
            return real(c, f, service, ids, paid, *args, **kwargs)

        real_visit = model_module.Visit

        def visit_spy(f, pos, ids, paid, s, failed, n=None):
            k = np.ones(ids.size, np.int64) if n is None else n
            assert (k >= 1).all(), "a served customer with no purchase"
            rec = self.bought[(self.model.t, f)]
            rec[0] += float(np.sum(paid * k, dtype=np.float64))
            rec[1] += int(k.sum())
            return real_visit(f, pos, ids, paid, s, failed, n)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(experience, "experience", spy)
            mp.setattr(model_module, "Visit", visit_spy)
            self.model = Market(scenario, seed=seed)
            c = self.model.customers
            dropout, turnover = self.model.mechanism("dropout"), self.model.mechanism("turnover")
            for _ in range(scenario.horizon):
                before = [firm.cash for firm in self.model.firms]
                self.served.append([])
                if dropout is not None:
                    self.dropped.append(dropout.dropped.copy())
                if turnover is not None:
                    self.out.append(turnover.out.copy() if turnover.out.size
                                    else np.zeros(c.n, bool))
                self.model.step()
                self.cash.append((before, [firm.cash for firm in self.model.firms]))
                counts = np.array([np.bincount(c.status[f], minlength=3)
                                   for f in range(len(self.model.firms))])
                self.status.append(counts)
            if dropout is not None:
                self.dropped.append(dropout.dropped.copy())
        self.df = self.model.trajectories()
        self.scenario = scenario

    def row(self, t: int, f: int) -> pd.Series:
        return self.df.iloc[t * len(self.model.firms) + f]


def _strategy(scenario, fid: str, kind: str) -> list:
    """The firm's strategy blocks of type ``kind``."""
    firm = next(f for f in scenario.firms if f.id == fid)
    return [s for s in firm.strategies if s.type == kind]


def _open(sc, fid: str) -> np.ndarray:
    """Per period, whether firm ``fid`` is open (events firm_enter, firm_exit, deregulate)."""
    def opens(e) -> bool:
        return ((e.type == "firm_enter" and e.firm == fid)
                or (e.type == "deregulate" and e.entrant == fid))

    state = not any(opens(e) and e.at > 0 for e in sc.events)
    out = np.zeros(sc.horizon, bool)
    events = sorted(sc.events, key=lambda e: e.at)  # in file order within a period
    k = 0
    for t in range(sc.horizon):
        while k < len(events) and events[k].at == t:
            e = events[k]
            if opens(e):
                state = True
            elif e.type == "firm_exit" and e.firm == fid:
                state = False
            k += 1
        out[t] = state
    return out


def _check_staff(sc, fid: str, rows: pd.DataFrame) -> None:
    """Staff (ODD 7.26): state in range, quits from the staff there were, costs booked.

    At least the base wage of every staff member and the hiring cost of every hire is paid
    (bonus and training come on top); a firm without staff pays nothing for them.
    """
    cfg = next(f for f in sc.firms if f.id == fid).staff
    if cfg is None:
        assert (rows.cost_staff == 0).all(), f"{fid}: staff cost without staff"
        return
    assert (rows.staff >= 1).all() and (rows.staff == rows.staff.round()).all()
    for col in ("staff_satisfaction", "staff_experience"):
        assert rows[col].between(0, 1).all(), f"{fid}: {col} outside [0, 1]"
    before = rows.staff.shift(1, fill_value=cfg.headcount)
    assert (rows.staff_quits <= before).all(), f"{fid}: more staff quit than there were"
    assert (rows.staff == before - rows.staff_quits + rows.staff_hires).all(), \
        f"{fid}: staff not conserved (before - quits + hires)"
    floor = rows.staff * cfg.wage + rows.staff_hires * cfg.hire_cost
    paid = rows.cost_staff >= floor * (1 - 1e-9) - 1e-6
    is_open = _open(sc, fid)
    assert paid[is_open].all(), f"{fid}: staff underpaid while open"
    assert (rows.cost_staff[~is_open] == 0).all(), f"{fid}: staff paid while closed"
    assert rows.service_people.between(0, 1).all()


def check_newer_mechanisms(rec: Recorded) -> None:
    """Referrals, crisis responses, contacts, dropout, arrivals and purchase windows.

    Per firm and period: no more referrals converted than made (cumulated), rewards only for
    converted referrals; a crisis answer only with a crisis_response and after a crisis, its
    compensation only to customers it reached; contact levels within the levels the scenario
    allows (NaN exactly with the mechanism off or nobody active), their spend inside the
    relationship spend; dropouts counted once and never buying again; arrivals counted once
    (market-wide) and nobody out of the market served; the purchase windows' counts equal to
    the purchases served in their periods. (Called by the conservation property, on its runs.)
    """
    m, w, sc = rec.model, rec.model.weight, rec.scenario
    p, df, n = sc.params, rec.df, rec.model.customers.n
    tol = 1e-9 * (1 + w) * n
    for fid in m.firm_ids:
        rows = df[df.firm == fid].reset_index(drop=True)
        # referrals: each converts once, after it was made; rewards only for conversions
        made, converted = rows.referrals.cumsum(), rows.referrals_converted.cumsum()
        assert (converted <= made + tol).all(), f"{fid}: more referrals converted than made"
        rewards = _strategy(sc, fid, "referral_reward")
        top = max((s.reward for s in rewards), default=0.0)
        assert (rows.cost_referral <= rows.referrals_converted * top + 1e-9 * (1 + top)).all(), \
            f"{fid}: referral rewards beyond the referrals converted"
        if not p.referrals.enabled:
            assert (rows[["referrals", "referrals_converted"]] == 0).all().all()
        # crisis response: only with the strategy, from the firm's first crisis, paid to reached
        crises = [e.at for e in sc.events
                  if e.type in ("scandal", "service_failure") and e.firm == fid]
        answers = _strategy(sc, fid, "crisis_response")
        if not answers or not crises:
            assert (rows.crisis_cost == 0).all() and (rows.crisis_reached == 0).all(), \
                f"{fid}: a crisis answered without a crisis_response or a crisis"
        else:
            assert (rows.crisis_reached[rows.period < min(crises)] == 0).all(), \
                f"{fid}: a crisis answered before it happened"
            pay = max(s.compensation for s in answers)
            assert (rows.crisis_cost <= rows.crisis_reached * pay + 1e-9 * (1 + pay)).all(), \
                f"{fid}: crisis compensation beyond the customers reached"
        # contacts: levels within what the scenario allows; their spend is relationship spend
        levels = rows.contact_levels
        nobody = rows.customers_active == 0
        if not p.contacts.enabled:
            assert levels.isna().all(), f"{fid}: contact levels with the mechanism off"
            assert (rows[["contact_changes", "lost_after_contact_change",
                          "contact_levels_spend"]] == 0).all().all()
        else:
            assert (levels.isna() == nobody).all(), \
                f"{fid}: contact_levels NaN where someone is active, or a value over nobody"
            base = [p.contacts.segment_levels.get(s.name, p.contacts.levels)
                    for s in sc.market.segments]
            plans = [s.levels for s in _strategy(sc, fid, "multi_level_contacts")]
            lo, hi = min(base), max(base + plans)
            bad = rows.loc[~nobody & ~levels.between(lo, hi), ["period", "contact_levels"]]
            assert bad.empty, f"{fid}: contact levels outside [{lo}, {hi}] (of [1, 10]):\n{bad}"
            assert levels.dropna().between(1, 10).all()
            assert (rows.lost_after_contact_change <= rows.lost + tol).all()
            if not plans:
                assert (rows.contact_levels_spend == 0).all()
        assert (rows.contact_levels_spend <= rows.cost_relationship * (1 + 1e-9) + 1e-6).all()
        _check_staff(sc, fid, rows)
        # dropout: after a purchase at the firm only
        assert (rows.dropped_out <= rows.served + tol).all(), f"{fid}: dropouts beyond served"
        if not p.dropout.enabled:
            assert (rows.dropped_out == 0).all()
    periods = df.groupby("period")
    # arrivals: market-wide, each customer once, in the period drawn for them
    assert (periods.arrived.nunique() == 1).all(), "arrived differs between firms"
    arrived = periods.arrived.first().to_numpy()
    arrivals = m.mechanism("arrivals")
    if arrivals is None:
        assert (arrived == 0).all()
    else:
        due = np.bincount(arrivals.arrival[arrivals.arrival >= 0], minlength=sc.horizon)
        np.testing.assert_allclose(arrived, due[:sc.horizon] * w, rtol=1e-12,
                                   err_msg="arrivals counted other than in their period")
    # dropout: each dropout counted once, by the firm where it happened
    dropped_out = periods.dropped_out.sum().to_numpy() / w
    for t, ids in enumerate(rec.served):
        served = np.concatenate(ids) if ids else np.zeros(0, np.int64)
        where = f"period {t}"
        if rec.dropped:
            start, end = rec.dropped[t], rec.dropped[t + 1]
            assert not start[served].any(), f"{where}: a customer who dropped out bought again"
            fresh = np.count_nonzero(end & ~start)
            if rec.out:  # newcomers in recycled places drop their predecessor's dropout
                assert dropped_out[t] >= fresh - 1e-9, where
            else:
                assert dropped_out[t] == pytest.approx(fresh), f"{where}: dropouts miscounted"
        if rec.out:
            assert not rec.out[t][served].any(), f"{where}: a customer out of the market bought"
    # purchase windows: the last complete window's and the current window's counts
    brands = m.mechanism("brands")
    if brands is not None:
        agents = np.array([[rec.paid.get((t, f), (0.0, 0))[1] for f in range(len(m.firms))]
                           for t in range(sc.horizon)]).reshape(sc.horizon, len(m.firms))
        for k, (label, length) in enumerate(brands.windows):
            full = sc.horizon // length
            counts = brands.current[k].sum(axis=1, dtype=np.int64)
            np.testing.assert_array_equal(counts, agents[full * length:].sum(axis=0),
                                          err_msg=f"window {label}: current counts")
            if full:
                done = brands.previous[k].sum(axis=1, dtype=np.int64)
                np.testing.assert_array_equal(
                    done, agents[(full - 1) * length:full * length].sum(axis=0),
                    err_msg=f"window {label}: last complete window's counts")
        if not brands.windows:
            assert df.share_of_wallet.isna().all()
        else:
            first = min(length for _, length in brands.windows) - 1
            assert df.share_of_wallet[df.period < first].isna().all(), \
                "a share of wallet before the first window ended"
    else:
        assert df.share_of_wallet.isna().all(), "a share of wallet with purchase counts off"
    # need_shape (and dropout, arrivals): every need a probability
    need = m.customers.need_prob
    assert np.isfinite(need).all() and (need >= 0).all() and (need <= 1).all()


@props(90)
@given(scenarios())
def test_customers_conserved_every_period(data):
    show(data)
    rec = Recorded(data)
    m, w = rec.model, rec.model.weight
    n = m.customers.n
    assert len(rec.df) == rec.scenario.horizon * len(m.firms)
    for t, counts in enumerate(rec.status):
        # only the three codes, and every agent in exactly one of them at each firm
        assert counts.shape[1] == 3, f"period {t}: a status code beyond never/active/lost"
        assert (counts.sum(axis=1) == n).all(), f"period {t}: {counts.tolist()} != {n} agents"
        for f, fid in enumerate(m.firm_ids):
            r = rec.row(t, f)
            where = f"period {t}, firm {fid}"
            assert (r.period, r.firm) == (t, fid)
            assert r.customers_active == counts[f, ACTIVE] * w, where
            assert r.customers_lost == counts[f, LOST] * w, where
            # stocks follow flows: active = active at the start + new + won back - lost
            if t:
                assert r.active_start == rec.row(t - 1, f).customers_active, where
                assert r.lost_pool_start == rec.row(t - 1, f).customers_lost, where
            flow = r.active_start + r.new_customers + r.won_back - r.lost
            assert r.customers_active == pytest.approx(flow, abs=1e-9 * n * w), where
            reasons = sum(r[f"lost_{why}"] for why in REASONS)
            assert reasons == pytest.approx(r.lost), f"{where}: losses by reason != lost"
            assert r.won_back_price + r.won_back_relationship <= r.won_back + 1e-9, where
            assert r.served + r.turned_away == pytest.approx(r.demand), where
    check_newer_mechanisms(rec)


@props(90)
@given(scenarios())
def test_profit_is_revenue_minus_costs_from_independent_sums(data):
    show(data)
    rec = Recorded(data)
    m, w = rec.model, rec.model.weight
    cumulative = [0.0] * len(m.firms)
    for t, (before, after) in enumerate(rec.cash):
        for f, fid in enumerate(m.firm_ids):
            r = rec.row(t, f)
            where = f"period {t}, firm {fid}"
            paid, agents = rec.paid.get((t, f), (0.0, 0))
            spent, purchases = rec.bought.get((t, f), (0.0, 0))
            assert r.served == agents * w, f"{where}: served != agents served by the spy"
            assert r.transactions == purchases * w, f"{where}: transactions != purchases"
            if not m.spec.params.occasions.enabled:
                assert purchases == agents and spent == pytest.approx(paid, rel=1e-12), where
            assert r.revenue == pytest.approx(spent * w, rel=1e-9, abs=1e-9), \
                f"{where}: revenue != prices paid by the served, times their purchases"
            variable = m.firms[f].cfg.costs.variable
            if not any(e.type in ("set", "scale") and e.target == f"firms.{fid}.costs.variable"
                       for e in m.spec.events):
                assert r.cost_variable == pytest.approx(r.transactions * variable, rel=1e-9,
                                                        abs=1e-9), f"{where}: variable cost"
            costs = sum(r[c] for c in COST_COLUMNS)
            assert all(r[c] >= 0 for c in COST_COLUMNS), f"{where}: a negative cost"
            assert r.cost_total == pytest.approx(costs, rel=1e-12, abs=1e-9), where
            assert r.profit == r.revenue - r.cost_total, f"{where}: profit != revenue - cost"
            assert r.profit == pytest.approx(r.revenue - costs, rel=1e-9, abs=1e-6), where
            tol = 1e-9 * (abs(before[f]) + abs(r.profit) + 1)
            assert after[f] - before[f] == pytest.approx(r.profit, abs=tol), \
                f"{where}: cash changed by {after[f] - before[f]}, profit {r.profit}"
            assert r.cash == after[f], where
            cumulative[f] += r.profit
            assert r.cumulative_profit == pytest.approx(cumulative[f], rel=1e-9, abs=1e-6)
    total = sum(a for _, a in rec.paid.values())
    assert rec.df.served.sum() == pytest.approx(total * w), "purchases served elsewhere"


@props(75)
@given(scenarios())
def test_rates_in_unit_interval_no_inf_nan_only_where_defined(data):
    show(data)
    rec = Recorded(data)
    df = rec.df.copy()
    p = rec.scenario.params
    df["total_served"] = df.groupby("period").served.transform("sum")
    df["loyalty_on"] = p.loyalty_types.enabled
    df["staffed"] = df.firm.map({f.id: f.staff is not None for f in rec.scenario.firms})
    numeric = df.drop(columns=["firm"]).apply(pd.to_numeric)
    assert not np.isinf(numeric.to_numpy(dtype=float)).any(), \
        f"inf in {sorted(numeric.columns[np.isinf(numeric.to_numpy(dtype=float)).any(axis=0)])}"
    isna = df[list(rec.df.columns)].isna()
    never = isna.drop(columns=[*ALLOWED_NAN, *SOMETIMES_NAN]).any()
    assert not never.any(), f"NaN in {sorted(never.index[never])}"
    for col, allowed in ALLOWED_NAN.items():
        bad = df.loc[isna[col] != allowed(df).astype(bool), ["period", "firm", col]]
        assert bad.empty, f"{col}: NaN where it is defined, or a value where it is not:\n{bad}"
    if not p.cohorts.enabled:
        assert isna[["clv_mean", "clv_realised"]].all().all(), "a CLV value with cohorts off"
    for col in UNIT_COLUMNS:
        v = df[col].dropna()
        lo, hi = RELAXED.get(col, (0.0, 1.0))
        bad = df.loc[v.index[(v < lo) | (v > hi + 1e-9)], ["period", "firm", col]]
        assert bad.empty, f"{col} outside [0, 1]:\n{bad}"
    shares = df.dropna(subset=["market_share"]).groupby("period").market_share.sum()
    np.testing.assert_allclose(shares, 1.0, rtol=1e-9, err_msg="market shares do not sum to 1")
    assert df.nps.dropna().between(-100, 100).all()
    plain = numeric.drop(columns=[*SIGNED, *RELAXED, "total_served", "loyalty_on", "staffed"])
    negative = (plain < 0).any()
    assert not negative.any(), f"negative values in {sorted(negative.index[negative])}"
    assert df.pdca_dimension.isin([-1, 0, 1, 2]).all()



@props(30)
@given(scenarios(), st.integers(0, 2**32 - 2))
def test_same_seed_same_output_other_seed_different(data, seed):
    show(data, seed)
    scenario = validated(data)
    a = run(scenario, seed=seed).trajectories
    b = run(scenario, seed=seed).trajectories
    assert a.equals(b), "same scenario and seed, different trajectories"
    stepped = Recorded(data, seed=seed).df  # stepping by hand (and the spy) change nothing
    assert a.equals(stepped)
    c = run(scenario, seed=seed + 1).trajectories
    agents_served = a.served.sum() / scenario.market.weight
    if agents_served >= 10:  # with almost nobody served two seeds may well agree
        assert not a.equals(c), "seeds differ, trajectories identical"


@props(120)
@given(scenarios(max_events=3), st.data())
def test_raising_a_price_alone_gains_no_first_period_demand(data, draw):
    """With common random numbers, a higher price never draws more customers at t = 0.

    Both markets share the seed: the same customers are drawn, the same needs and the same
    uniform numbers in the logit draw, so a customer who chose the firm at the higher price
    chose it at the lower one too. Capacities are unlimited, so no more are served either.
    (The firm's market share is not compared draw by draw: when it loses customers the
    boundary of the outside option moves and a customer of another firm may leave too.)
    """
    data = {**data, "horizon": 1, "firms": [dict(f) for f in data["firms"]]}
    for firm in data["firms"]:
        firm.pop("capacity", None)
        # within one period: a crisis is answered at once
        firm["strategies"] = [{**s, "delay": 0} if s["type"] == "crisis_response" else s
                              for s in firm["strategies"]]
    # analysis windows of more than one period are refused in a one-period run
    data["params"] = {**data["params"], "brands": {"enabled": data["params"]["brands"]["enabled"]}}
    k = draw.draw(st.integers(0, len(data["firms"]) - 1), label="firm")
    factor = draw.draw(st.floats(1.001, 3.0, allow_nan=False), label="price factor")
    fid = data["firms"][k]["id"]
    # a one-period run keeps only the events at t = 0, less those that would undo the price
    # change or limit capacity
    data["events"] = [e for e in data.get("events", []) if e["at"] == 0 and not (
        e["type"] in ("set", "scale") and (
            e["target"].endswith(".capacity")
            or (e["type"] == "set" and e["target"] == f"firms.{fid}.price")))]
    higher = {**data, "firms": [dict(f) for f in data["firms"]]}
    higher["firms"][k]["price"] = round(data["firms"][k]["price"] * factor, 2)
    if higher["firms"][k]["price"] <= data["firms"][k]["price"]:
        return
    show(data)
    note(f"firm {fid} raises its price to {higher['firms'][k]['price']}")
    a, b = Market(validated(data)), Market(validated(higher))
    assert np.array_equal(a.customers.need_prob, b.customers.need_prob)
    assert np.array_equal(a.customers.status, b.customers.status)
    a.step()
    b.step()
    ra, rb = a.firms[k].metrics, b.firms[k].metrics
    assert rb["demand"] <= ra["demand"], f"{fid}: demand {ra['demand']} -> {rb['demand']}"
    assert rb["served"] <= ra["served"], f"{fid}: served {ra['served']} -> {rb['served']}"
    # the outside option and the other firms together gain what the firm lost
    others_a = sum(f.metrics["demand"] for f in a.firms) - ra["demand"]
    others_b = sum(f.metrics["demand"] for f in b.firms) - rb["demand"]
    assert others_b - others_a <= ra["demand"] - rb["demand"] + 1e-9 * a.weight
    if math.isnan(ra["market_share"]):
        assert ra["served"] == 0


def test_scenario_strategy_draws_only_valid_scenarios_that_round_trip_as_yaml(tmp_path):
    """The drawn dicts validate, and their YAML loads as the same scenario (the reproducer)."""

    @props(30)
    @given(scenarios())
    def check(data):
        path = tmp_path / "case.yaml"
        path.write_text(as_yaml(data), encoding="utf-8")
        assert load_scenario(path) == validated(data)
        assert yaml.safe_load(path.read_text(encoding="utf-8")) == data

    check()


SCALE_BUG = """\
name: a scale event that leaves its parameter's range
horizon: 3
seed: 1
market:
  customers: 200
  segments:
  - {name: a, share: 1.0}
firms:
- {id: f0, price: 100}
events:
- {at: 1, type: scale, target: params.churn.dormancy, factor: 1.3}
"""


# Fixed: a `scale` event's result on params.* was not checked at load (dormancy 26 x 1.3 =
# 33.8 passed `run.py check` and the run stopped with an internal error); the events on
# params.* are now applied in time order when the scenario is validated.
def test_scale_event_result_is_validated(tmp_path):
    """A scenario that validates runs to its horizon; else the input error names the event."""
    from sim.scenario import InputError

    path = tmp_path / "scale_bug.yaml"
    path.write_text(SCALE_BUG, encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except InputError:
        return  # refused as bad input (exit 2): the fix
    run(scenario)  # accepted: must then run to the end


# Shrunk by hand from the failures of the [0, 1] property: both lose customers in the period
# they were acquired, while churn_rate = lost / active0 counts only those active at its start.
CHURN_ABOVE_ONE = {
    # the contagion hazard draws among customers (re)acquired this very period: period 3 has
    # 115 active at its start, 6 new and 36 won back, and loses 147 (130 to contagion)
    "contagion": """\
name: contagion loses customers won this very period
horizon: 4
seed: 1
market:
  customers: 200
  segments:
  - {name: a, share: 1.0, need_prob: 0.5}
  initial: {f0: {active: 0.05, lost: 0.5}}
firms:
- {id: f0, price: 50}
params:
  churn: {dormancy: 1}
  contagion: {enabled: true, base_hazard: 1.0}
""",
    # turnover: 1 active at the start, 189 new, 90 of them move away in the same period
    "turnover": """\
name: movers who joined this very period count as churn
horizon: 1
seed: 1
market:
  customers: 200
  segments:
  - {name: a, share: 1.0, need_prob: 1.0}
  initial: {f0: {active: 0.01}}
firms:
- {id: f0, price: 50}
params:
  turnover: {exit_rate: 0.5}
""",
}


# Fixed: churn_rate was lost / active0 while `lost` also counts customers acquired in the same
# period (contagion draws among them; turnover exits take newcomers), reaching 1.28 and 90.
# It is now lost / (active0 + new + won back), the customers at risk (ODD 2.4).
@pytest.mark.parametrize("case", sorted(CHURN_ABOVE_ONE))
def test_churn_rate_at_most_one(case, tmp_path):
    path = tmp_path / f"{case}.yaml"
    path.write_text(CHURN_ABOVE_ONE[case], encoding="utf-8")
    df = run(load_scenario(path)).trajectories
    assert df.churn_rate.dropna().between(0, 1).all(), df[["period", "churn_rate"]]
    assert df.retention_rate.dropna().between(0, 1).all()


TWO_EXITS = """\
name: two exits of one firm in one period
horizon: 3
seed: 0
market:
  customers: 200
  segments:
  - {name: a, share: 1.0, need_prob: 1.0}
firms:
- {id: f0, price: 20}
- {id: f1, price: 12}
events:
- {at: 1, type: firm_exit, firm: f1}
- {at: 1, type: firm_exit, firm: f1}
"""


# Found by the conservation property (shrunk by hand): at period 1 f1 had 110 active at the
# start and none at the end, but `lost` was 0: sim/events.py's _exit set
# `tl.pending[firm.index] = lose(...)`, so the second exit (no one left active) replaced the
# first's losses instead of adding to them. Fixed (the losses add up).
def test_two_exits_of_a_firm_in_one_period(tmp_path):
    path = tmp_path / "two_exits.yaml"
    path.write_text(TWO_EXITS, encoding="utf-8")
    df = run(load_scenario(path)).trajectories
    flow = df.active_start + df.new_customers + df.won_back - df.lost
    assert (df.customers_active == flow).all(), df[["period", "firm", "customers_active",
                                                    "active_start", "lost"]]


MOVERS = """\
name: movers waiting to arrive
horizon: 6
seed: 1
market:
  customers: 400
  segments:
  - {name: a, share: 1.0, need_prob: 0.5}
firms:
- {id: f0, price: 50}
params:
  turnover: {exit_rate: 0.3, entry: 0.0}
  arrivals: {enabled: true, share: 0.8, periods: 6}
"""


# Found while extending the properties (a served customer must be in the market): a customer
# who moved away (turnover) while still waiting to arrive got back a need in the arrival
# period drawn at t = 0, and bought while out of the market (8 in period 1 here). Fixed:
# sim/arrivals.py forgets the leavers' pending arrival and gives newcomers in recycled places
# no pending arrival and their own need.
def test_movers_waiting_to_arrive_stay_out(tmp_path):
    path = tmp_path / "movers.yaml"
    path.write_text(MOVERS, encoding="utf-8")
    rec = Recorded(yaml.safe_load(path.read_text(encoding="utf-8")))
    for t, (ids, out) in enumerate(zip(rec.served, rec.out)):
        served = np.concatenate(ids) if ids else np.zeros(0, np.int64)
        assert not out[served].any(), f"period {t}: customers out of the market served"
