"""The market model: firms are Mesa agents; customers are columnar agents (sim.customers).

One step is one period, a short list of phases (docs/ODD.md section 3, sim/step.py):
start (events, offers expire) -> firms act -> needs and choice (masks) -> each firm serves:
rationing, experience, trust, bonds, then the mechanisms that follow a visit -> bond decay
and affective commitment -> losses: switches and lapses, then the mechanisms' losses ->
after losses (visit shares, exits and entries) -> accounting and each firm's row -> end
(exposures move on) -> data collection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np
import pandas as pd

from . import accounting, bonds, churn, experience, mechanisms, trust
from .choice import choose, ration
from .constants import ACTIVE, CH_PRICE, CH_RELATIONSHIP, INC_INCONVENIENCE, LOST, REASONS
from .customers import Customers
from .firm import Firm
from .metrics import COLUMNS, CORE_COUNTS
from .network import Network
from .network import build as build_network
from .step import Choices, Mechanism, Moves, Phase, Tally, Visit, World
from .strategies.levers import LastPeriod
from .talk import Talk

F32 = np.float32


class Market(mesa.Model):
    """A market of customers choosing between competing firms.

    Args:
        scenario: A validated ``sim.scenario.Scenario``, kept as ``spec`` (Mesa >= 3.5 has its
            own ``Model.scenario``, which must stay a Mesa scenario).
        seed: Seed of the model's generator (defaults to the scenario's ``seed``).
        follow: Customer indices whose state is recorded every period (``customer_log``).
    """

    def __init__(self, scenario: Any, seed: int | None = None,
                 follow: Sequence[int] = ()) -> None:
        self.seed = int(scenario.seed if seed is None else seed)
        super().__init__(rng=self.seed)
        self.spec = scenario
        self.weight: float = scenario.market.weight  # real customers per agent (sim/scale.py)
        self.price_norm = scenario.market.price_norm
        self.t = 0
        self.firms = [Firm(self, cfg, k) for k, cfg in enumerate(scenario.firms)]
        self.firm_ids = [f.fid for f in self.firms]
        self.customers = Customers(scenario, self.rng)
        self.world = World(self.customers, self.firms, scenario.params, scenario, self.rng,
                           self.weight)
        classes = mechanisms.enabled(scenario)
        if any(cls.needs_network for cls in classes):
            self.world.network = build_network(self.customers.n, self.params.network, self.rng)
            self.world.talk = Talk(self.world.network, len(self.firms))
        self.mechanisms = mechanisms.build(self.world, classes)
        self.hooks = mechanisms.hooks(self.mechanisms)
        self.defaults = mechanisms.defaults(scenario)
        self.counts = CORE_COUNTS + mechanisms.counts()
        self.followed = [int(i) for i in follow]
        for i in self.followed:
            self.customers.view(i, self.firm_ids, 0)  # fail early on a bad index
        self.customer_log: list[dict] = []
        self.datacollector = mesa.DataCollector(
            agent_reporters={col: (lambda a, col=col: a.metrics[col]) for col in COLUMNS})
        self.running = True

    @property
    def params(self) -> Any:
        """The model parameters in force (events may change them)."""
        return self.world.params

    @property
    def network(self) -> Network | None:
        """The customers' social network (None unless a mechanism needs one)."""
        return self.world.network

    def mechanism(self, key: str) -> Mechanism | None:
        """The enabled mechanism called ``key`` (e.g. "cohorts"), or None."""
        return next((m for m in self.mechanisms if m.key == key), None)

    @property
    def events(self) -> Any:
        """The event timeline (always on)."""
        return self.mechanism("events")

    @property
    def cohorts(self) -> Any:
        """The cohorts and CLV mechanism (None when off)."""
        return self.mechanism("cohorts")

    @property
    def loyalty(self) -> Any:
        """The Dick & Basu loyalty types (None when off)."""
        return self.mechanism("loyalty_types")

    def customer(self, i: int) -> dict:
        """One customer's current state toward every firm (see ``Customers.view``)."""
        return self.customers.view(i, self.firm_ids, self.t)

    def step(self) -> None:
        """Advance the market by one period."""
        c, w = self.customers, self.world
        w.t, w.moves = self.t, Moves()
        tallies = [Tally(int(np.count_nonzero(c.status[f] == ACTIVE)),
                         int(np.count_nonzero(c.status[f] == LOST)))
                   for f in range(len(self.firms))]
        for m in self.hooks[Phase.START]:
            m.start()
        churn.expire_offers(c, self.t)
        for firm in self.firms:
            firm.act(w)
        choices = choose(c, self.firms, self.rng, self.params.choice, self.price_norm, self.t,
                         [m.mask for m in self.hooks[Phase.MASK]])
        visits = [self._serve(firm, choices, tally) for firm, tally in zip(self.firms, tallies)]
        bonds.decay(c, self.params.bonds)
        bonds.update_affective(c, self.params.bonds)
        self._losses(choices, visits, tallies)
        total_served = sum(tally.served for tally in tallies)
        for firm, tally in zip(self.firms, tallies):
            self._finish(firm, tally, total_served)
        for m in self.hooks[Phase.END]:
            m.end(tallies)
        self.datacollector.collect(self)
        self._log_followed(choices)
        self.t += 1
        if self.t >= self.spec.horizon:
            self.running = False

    def _serve(self, firm: Firm, choices: Choices, tally: Tally) -> Visit:
        """Ration, serve and update the customers who chose ``firm``; admit them."""
        c, p, f, t = self.customers, self.params, firm.index, self.t
        idx = choices.idx
        pos, away = ration(idx, choices.choice, firm.agents(firm.capacity), f, self.rng)
        ids, paid = idx[pos], choices.prices[f, pos]
        q, s, failed = experience.experience(c, f, firm.service, ids, paid, p.experience,
                                             self.price_norm, self.rng, t)
        x = 2 * s - 1
        trust.update_trust(c, f, ids, x, p.trust)
        bonds.grow(c, f, ids, x, firm.service[2], p.bonds)
        experience.forget_incidents(c, f, ids, s, t, p.churn.incident_memory)
        n = None  # purchases per served customer: one each unless a mechanism counts (7.27)
        for m in self.hooks[Phase.OCCASIONS]:
            n = m.occasions(f, ids, n)
        visit = Visit(f, pos, ids, paid, s, failed, n)
        for m in self.hooks[Phase.SERVED]:
            m.served(visit)
        firm.served(ids, visit.spend)
        turned = idx[away]
        trust.update_trust(c, f, turned, np.full(turned.size, -p.trust.rationed_penalty, F32),
                           p.trust)
        c.incident[f][turned] = INC_INCONVENIENCE  # (N,) rows: faster than (f, turned)
        c.incident_t[f][turned] = t
        churn.admit(c, f, ids, t, tally)
        tally.served, tally.demand = int(ids.size), int(pos.size + away.size)
        tally.turned_away, tally.failures = int(away.size), int(failed.sum())
        tally.quality_mean = float(q.mean()) if q.size else float("nan")
        tally.paid = float(visit.spend.sum(dtype=np.float64))
        tally.transactions = tally.served if n is None else int(n.sum())
        return visit

    def _losses(self, choices: Choices, visits: list[Visit], tallies: list[Tally]) -> None:
        """This period's losses: switches and lapses, then the mechanisms' (ODD 3, step 6)."""
        c, w = self.customers, self.world
        for m in self.hooks[Phase.BEFORE_LOSSES]:
            m.before_losses()
        served_pos = np.concatenate([v.pos for v in visits])
        idx = choices.idx
        for firm, tally in zip(self.firms, tallies):
            f = firm.index
            elsewhere = served_pos[c.last_firm[idx[served_pos]] != f]
            tally.losses.add(churn.losses(c, f, choices, elsewhere, self.params, self.t,
                                          firm.price, self.price_norm))
            for m in self.hooks[Phase.LOSSES]:
                more = m.losses(f)
                if more is not None:
                    tally.losses.add(more)
        for m in self.hooks[Phase.AFTER_LOSSES]:
            extra = m.after_losses(choices, visits)
            for tally, more in zip(tallies, extra or ()):
                tally.losses.add(more)
        if w.moves.removed.size:
            for m in self.hooks[Phase.REMOVED]:
                m.removed(w.moves.removed)
        if w.moves.recycled.size:
            for m in self.hooks[Phase.RECYCLED]:
                m.recycled(w.moves.recycled)

    def _finish(self, firm: Firm, tally: Tally, total_served: int) -> None:
        """Accounting and one firm's trajectory row (counts in real customers)."""
        c, f = self.customers, firm.index
        books = accounting.settle(firm, tally.transactions, tally.paid)
        firm.last = LastPeriod(served=tally.served * self.weight, unit_margin=books.unit_margin)
        status, channel = c.status[f], c.channel[f]
        active = status == ACTIVE
        tally.active_end = int(np.count_nonzero(active))
        tally.lost_end = int(np.count_nonzero(status == LOST))
        row = {**core_row(self.t, firm, tally, total_served), **accounting.columns(books),
               **attitudes(c, f, active),
               "active_won_price": np.count_nonzero(active & (channel == CH_PRICE)),
               "active_won_relationship": np.count_nonzero(active & (channel == CH_RELATIONSHIP)),
               **offer_row(firm, books.revenue)}
        row.update(self.defaults)
        for m in self.hooks[Phase.ROW]:
            row.update(m.row(f, tally, books))
        for k in self.counts:  # agents -> real customers (ODD 2.3)
            row[k] = row[k] * self.weight
        firm.metrics = {k: row[k] for k in COLUMNS}

    def _log_followed(self, choices: Choices) -> None:
        """Append the followed customers' state for this period to ``customer_log``."""
        if not self.followed:
            return
        idx, choice = choices.idx, choices.choice
        pos = np.searchsorted(idx, self.followed)
        for i, k in zip(self.followed, pos):
            chose = int(choice[k]) if k < idx.size and idx[k] == i else None
            where = (None if chose is None else
                     self.firm_ids[chose] if chose < len(self.firms) else "outside")
            self.customer_log.append({"period": self.t, "choice": where, **self.customer(i)})

    def trajectories(self) -> pd.DataFrame:
        """Per period and firm outputs as a pandas DataFrame (from the DataCollector)."""
        df = self.datacollector.get_agent_vars_dataframe().reset_index(drop=True)
        return df[list(COLUMNS)]

    def cohort_table(self) -> pd.DataFrame:
        """Cohort survival (``cohorts.csv``); empty when the cohorts mechanism is off."""
        m = self.cohorts
        if m is not None:
            return m.table()
        from .cohorts import TABLE_COLUMNS

        return pd.DataFrame(columns=list(TABLE_COLUMNS))

    def brand_table(self) -> pd.DataFrame:
        """Brand performance per analysis window (``brand_performance.csv``, ODD 7.23)."""
        from .purchases import Purchases

        m = self.mechanism("brands")
        return m.table() if isinstance(m, Purchases) else pd.DataFrame()

    def event_table(self) -> pd.DataFrame:
        """The applied events (``events.csv``)."""
        return self.events.table()


def core_row(t: int, firm: Firm, tally: Tally, total_served: int) -> dict[str, Any]:
    """Flows, stocks and rates of one firm's period (agent counts; rates unit-free)."""
    start, lost0, losses = tally.active_start, tally.lost_start, tally.losses
    return {
        "period": t, "firm": firm.fid,
        "customers_active": tally.active_end, "customers_lost": tally.lost_end,
        "active_start": start, "lost_pool_start": lost0,
        "new_customers": tally.new_customers, "lost": losses.total, "won_back": tally.won_back,
        "won_back_price": tally.won_back_price,
        "won_back_relationship": tally.won_back_relationship,
        "retention_rate": 1 - tally.churn_rate, "churn_rate": tally.churn_rate,
        "winback_rate": tally.won_back / lost0 if lost0 else float("nan"),
        "market_share": tally.served / total_served if total_served else float("nan"),
        "demand": tally.demand, "served": tally.served, "transactions": tally.transactions,
        "turned_away": tally.turned_away,
        "failures": tally.failures, "quality_mean": tally.quality_mean,
        "lost_won_price": losses.won_price, "lost_won_relationship": losses.won_relationship,
        "tenure_lost_won_price": losses.tenure_won_price,
        "tenure_lost_won_relationship": losses.tenure_won_relationship,
        **{f"lost_{r}": int(n) for r, n in zip(REASONS, losses.by_reason)},
    }


PROMOTER, DETRACTOR = 0.65, 0.45


def attitudes(c: Customers, f: int, active: np.ndarray) -> dict[str, float]:
    """Mean satisfaction and trust of firm ``f``'s active customers, and its NPS.

    NPS: R_if = clip(round(10 S_if + 2), 0, 10); NPS_f = 100 (share R >= 9 - share R <= 6),
    i.e. promoters S >= 0.65, detractors S < 0.45 (ODD 2.4).
    """
    n = np.count_nonzero(active)
    sat = c.satisfaction[f]
    net = (np.count_nonzero(active & (sat >= PROMOTER))
           - np.count_nonzero(active & (sat < DETRACTOR)))
    return {"satisfaction_mean": _mean(sat, active), "trust_mean": _mean(c.trust[f], active),
            "nps": 100 * net / n if n else float("nan")}


def offer_row(firm: Firm, revenue: float) -> dict[str, float]:
    """The firm's offer, budgets and strategy activity this period."""
    a = firm.activity
    return {
        "price": firm.price, "general_discount": firm.general_discount,
        "service_value": firm.service[0], "service_system": firm.service[1],
        "service_people": firm.service[2], "service_mean": float(firm.service.mean()),
        "budget_service": firm.budget_scale["service"],
        "budget_relationship": firm.budget_scale["relationship"],
        "budget_promotion": firm.budget_scale["promotion"],
        "offers_price": a.offers_price, "contacts": a.contacts,
        "contacts_accepted": a.contacts_accepted, "budget_cuts": a.budget_cuts,
        "ads_reached": a.ads_reached, "members": a.members, "surveys": a.surveys,
        "member_revenue_share": a.member_revenue * firm.weight / revenue if revenue else 0.0,
        "pdca_dimension": a.pdca_dimension, "crisis_reached": a.crisis_reached,
    }


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    """Mean of ``values`` where ``mask`` holds (NaN if nowhere)."""
    n = np.count_nonzero(mask)
    return float((values * mask).sum() / n) if n else float("nan")
