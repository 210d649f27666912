"""The market model: firms are Mesa agents; customers are columnar agents (sim.customers).

One step is one period (docs/ODD.md section 3):
firms act -> needs and choice -> capacity rationing -> experience, satisfaction, trust and
bond growth for the served -> bond decay and affective commitment for all -> churn and
win-back -> accounting -> data collection.
"""

from __future__ import annotations

import mesa
import numpy as np

from . import accounting, bonds, churn, experience, lifecycle, social, trust
from .choice import choose, ration
from .constants import ACTIVE, CH_PRICE, CH_RELATIONSHIP, INC_INCONVENIENCE, LOST
from .customers import Customers
from .firm import Firm
from .metrics import COLUMNS, COUNT_COLUMNS

F32 = np.float32


class Market(mesa.Model):
    """A market of customers choosing between competing firms.

    Args:
        scenario: A validated ``sim.scenario.Scenario``, kept as ``spec`` (Mesa >= 3.5 has its
            own ``Model.scenario``, which must stay a Mesa scenario).
        seed: Seed of the model's generator (defaults to the scenario's ``seed``).
        follow: Customer indices whose state is recorded every period (``customer_log``).
    """

    def __init__(self, scenario, seed: int | None = None, follow=()):
        self.seed = int(scenario.seed if seed is None else seed)
        super().__init__(rng=self.seed)
        self.spec, self.params = scenario, scenario.params
        self.weight = scenario.market.weight  # real customers per agent (sim/scale.py)
        self.price_norm = scenario.market.price_norm
        self.t = 0
        self.firms = [Firm(self, cfg, k) for k, cfg in enumerate(scenario.firms)]
        self.firm_ids = [f.fid for f in self.firms]
        self.customers = Customers(scenario, self.rng)
        social.init(self)
        lifecycle.init(self)
        self.followed = [int(i) for i in follow]
        for i in self.followed:
            self.customers.view(i, self.firm_ids, 0)  # fail early on a bad index
        self.customer_log: list[dict] = []
        self.datacollector = mesa.DataCollector(
            agent_reporters={col: (lambda a, col=col: a.metrics[col]) for col in COLUMNS})
        self.running = True

    def customer(self, i: int) -> dict:
        """One customer's current state toward every firm (see ``Customers.view``)."""
        return self.customers.view(i, self.firm_ids, self.t)

    def step(self) -> None:
        """Advance the market by one period."""
        c, p, t = self.customers, self.params, self.t
        start = [(np.count_nonzero(c.status[f] == ACTIVE), np.count_nonzero(c.status[f] == LOST))
                 for f in range(len(self.firms))]
        lifecycle.start_step(self)
        churn.expire_offers(c, t)
        for firm in self.firms:
            firm.act()
        idx, choice, prices, v = choose(c, self.firms, self.rng, p.choice, self.price_norm, t)
        rows = [self._serve(firm, idx, choice, prices) for firm in self.firms]
        bonds.decay(c, p.bonds)
        bonds.update_affective(c, p.bonds)
        served_pos = np.concatenate([r.pop("_pos") for r in rows])
        social.before_losses(self)
        for firm, row in zip(self.firms, rows):
            row.update(self._losses(firm, idx, served_pos, v, prices))
        lifecycle.after_losses(self, idx, rows)
        total_served = sum(r["served"] for r in rows)
        for firm, row, (active0, lost0) in zip(self.firms, rows, start):
            self._finish_row(firm, row, active0, lost0, total_served)
        social.end_step(self, rows)
        self.datacollector.collect(self)
        self._log_followed(idx, choice)
        self.t += 1
        if self.t >= self.spec.horizon:
            self.running = False

    def _serve(self, firm, idx, choice, prices) -> dict:
        """Ration, serve and update the customers who chose ``firm``; admit them."""
        c, p, f, t = self.customers, self.params, firm.index, self.t
        pos, away = ration(idx, choice, firm.agents(firm.capacity), f, self.rng)
        ids, paid = idx[pos], prices[f, pos]
        q, s, failed = experience.experience(c, f, firm.service, ids, paid, p.experience,
                                             self.price_norm, self.rng, t)
        x = 2 * s - 1
        trust.update_trust(c, f, ids, x, p.trust)
        bonds.grow(c, f, ids, x, firm.service[2], p.bonds)
        experience.forget_incidents(c, f, ids, s, t, p.churn.incident_memory)
        social.after_serve(self, f, ids, s, failed)
        lifecycle.after_serve(self, firm, pos, ids, paid)
        turned = idx[away]
        trust.update_trust(c, f, turned, np.full(turned.size, -p.trust.rationed_penalty, F32),
                           p.trust)
        c.incident[f, turned] = INC_INCONVENIENCE
        c.incident_t[f, turned] = t
        row = churn.admit(c, f, ids, t)
        row.update(served=int(ids.size), demand=int(pos.size + away.size),
                   turned_away=int(away.size), failures=int(failed.sum()),
                   quality_mean=float(q.mean()) if q.size else float("nan"),
                   revenue_raw=float(paid.sum(dtype=np.float64)), _pos=pos)
        return row

    def _losses(self, firm, idx, served_pos, v, prices) -> dict:
        """Detect this period's losses for ``firm`` (switches, then lapses) with reasons."""
        c, p, f, t = self.customers, self.params, firm.index, self.t
        elsewhere = served_pos[c.last_firm[idx[served_pos]] != f]
        sw_ids, sw_price = churn.switches(c, f, idx, elsewhere, v, prices, p.choice,
                                          self.price_norm)
        why = churn.reasons(c, f, sw_ids, sw_price, t, p.churn.incident_memory)
        out = churn.lose(c, f, sw_ids, why, t)
        la_ids, la_price = churn.lapses(c, f, t, p.churn.dormancy, firm.price)
        why = churn.reasons(c, f, la_ids, la_price, t, p.churn.incident_memory)
        for k, n in churn.lose(c, f, la_ids, why, t).items():
            out[k] += n
        for k, n in social.extra_losses(self, firm).items():
            out[k] = out.get(k, 0) + n
        return out

    def _finish_row(self, firm, row, active0: int, lost0: int, total_served: int) -> None:
        """Accounting and the rates of one firm's trajectory row."""
        c, f = self.customers, firm.index
        revenue = row.pop("revenue_raw")
        row.update(accounting.settle(firm, row["served"], revenue))
        status, channel = c.status[f], c.channel[f]
        active = status == ACTIVE
        row.update(
            period=self.t, firm=firm.fid,
            customers_active=np.count_nonzero(active),
            customers_lost=np.count_nonzero(status == LOST),
            active_start=active0, lost_pool_start=lost0,
            retention_rate=1 - row["lost"] / active0 if active0 else float("nan"),
            churn_rate=row["lost"] / active0 if active0 else float("nan"),
            winback_rate=row["won_back"] / lost0 if lost0 else float("nan"),
            market_share=row["served"] / total_served if total_served else float("nan"),
            satisfaction_mean=_mean(c.satisfaction[f], active),
            trust_mean=_mean(c.trust[f], active),
            active_won_price=np.count_nonzero(active & (channel == CH_PRICE)),
            active_won_relationship=np.count_nonzero(active & (channel == CH_RELATIONSHIP)),
            price=firm.price, general_discount=firm.general_discount,
            service_value=firm.service[0], service_system=firm.service[1],
            service_people=firm.service[2], service_mean=float(firm.service.mean()),
            budget_service=firm.budget_scale["service"],
            budget_relationship=firm.budget_scale["relationship"],
            budget_promotion=firm.budget_scale["promotion"],
            **{k: firm.counters.get(k, 0) for k in ("offers_price", "contacts",
                                                     "contacts_accepted", "budget_cuts")},
        )
        row.update(social.columns(self, firm))
        row.update(lifecycle.columns(self, firm, row))
        for k in COUNT_COLUMNS:  # agents -> real customers (ODD 2.1)
            row[k] = row.get(k, 0) * self.weight
        firm.metrics = {k: row.get(k, 0) for k in COLUMNS}

    def _log_followed(self, idx, choice) -> None:
        """Append the followed customers' state for this period to ``customer_log``."""
        if not self.followed:
            return
        pos = np.searchsorted(idx, self.followed)
        for i, k in zip(self.followed, pos):
            chose = int(choice[k]) if k < idx.size and idx[k] == i else None
            where = (None if chose is None else
                     self.firm_ids[chose] if chose < len(self.firms) else "outside")
            self.customer_log.append({"period": self.t, "choice": where, **self.customer(i)})

    def trajectories(self):
        """Per period and firm outputs as a pandas DataFrame (from the DataCollector)."""
        df = self.datacollector.get_agent_vars_dataframe().reset_index(drop=True)
        return df[list(COLUMNS)]


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    """Mean of ``values`` where ``mask`` holds (NaN if nowhere)."""
    n = np.count_nonzero(mask)
    return float((values * mask).sum() / n) if n else float("nan")
