"""A per-object Mesa reference of the core rules: one ``mesa.Agent`` per customer.

The yardstick of issue 16: the same core rules as the vectorised model (sim/choice.py,
sim/experience.py, sim/trust.py, sim/bonds.py, sim/churn.py), written the way a Mesa model
usually is, one Python object per customer with plain float attributes, activated in random
order each period (``AgentSet.shuffle_do``). It starts from the very state the vectorised
model draws (``sim.customers.Customers``), with the scenario's parameters.

Rules kept (docs/ODD.md 7.1-7.5), per customer and period:

* need: with probability nu_i;
* choice: multinomial logit over the firms and the outside option with
  V_if = b_Q E + b_T T + b_A A + b_C C [active] + delta [last = f]
  - beta_i (p_f + R_if) / p_norm (reference-dependent price term);
* rationing: each firm serves up to its capacity; with random activation order, first come
  first served is a uniformly drawn subset, as in ``sim.choice.ration``; one turned away has
  x = -rationed_penalty in the trust update;
* experience: realised quality with noise and Bernoulli service failures, disconfirmation
  against the price-raised expectation, satisfaction S, expectation E and reference price r
  updates;
* trust: the asymmetric update with x = 2 s - 1;
* bonds: knowledge, social and psychological growth when served, decay every period, and
  affective commitment moving toward omega S + (1 - omega) mean(affective bonds);
* churn: switches (bought from g, active at f, V_ig > V_if) and lapses (no visit for more
  than ``dormancy`` periods) make an active customer lost; being served makes them active.

Left out (simplified): the firms' strategies (list prices and service levels stay as in the
scenario, no offers, no general discount), accounting, loss reasons, incidents, acquisition
channels and every optional mechanism. Works on Mesa 3.3-3.5 (``rng=``, no space, no batch
run).
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np

from sim.constants import ACTIVE, AFFECTIVE_BONDS, BOND_INDEX, GROWN_BONDS, LOST
from sim.customers import Customers

KNOW, SOCIAL, PSY = GROWN_BONDS


class Shop(mesa.Agent):
    """A firm with a fixed price, service levels and capacity (agents per period)."""

    def __init__(self, model: ReferenceMarket, index: int, cfg: Any, capacity: int):
        super().__init__(model)
        self.index = index
        self.price = float(cfg.price)
        self.service = (cfg.service.value, cfg.service.system, cfg.service.people)
        self.capacity = capacity
        self.left = capacity

    def open(self) -> None:
        """A new period: the whole capacity is free."""
        self.left = self.capacity


class Customer(mesa.Agent):
    """One customer, every state a plain Python value (lists run over the firms)."""

    def __init__(self, model: ReferenceMarket, c: Customers, i: int):
        super().__init__(model)
        nf = c.n_firms
        self.beta = float(c.price_sensitivity[i]) / model.price_norm
        self.w = tuple(float(x) for x in c.weights[:, i])
        self.need = float(c.need_prob[i])
        self.outside = float(c.outside_utility[i])
        self.ref = float(c.reference_price[i])
        self.last = int(c.last_firm[i])
        self.trust = [float(c.trust[f, i]) for f in range(nf)]
        self.sat = [float(c.satisfaction[f, i]) for f in range(nf)]
        self.exp = [float(c.expectation[f, i]) for f in range(nf)]
        self.aff = [float(c.affective[f, i]) for f in range(nf)]
        self.calc = [float(c.calculative[f, i]) for f in range(nf)]
        self.status = [int(c.status[f, i]) for f in range(nf)]
        self.last_visit = [int(c.last_visit[f, i]) for f in range(nf)]
        self.bonds = [{b: float(c.bonds[f, BOND_INDEX[b], i]) for b in AFFECTIVE_BONDS}
                      for f in range(nf)]
        self.v: list[float] = [0.0] * nf
        self.served_by = -1

    def utility(self, f: int, shop: Shop) -> float:
        """V_if (ODD 7.1)."""
        p = self.model.p_choice
        gap = shop.price - self.ref
        ref_term = p.ref_loss * gap if gap > 0 else p.ref_gain * gap
        v = (p.beta_quality * self.exp[f] + p.beta_trust * self.trust[f]
             + p.beta_affective * self.aff[f] - self.beta * (shop.price + ref_term))
        if self.status[f] == ACTIVE:
            v += p.beta_calculative * self.calc[f]
        if self.last == f:
            v += p.inertia
        return v

    def step(self) -> None:
        """Phase 1: need, choice, and (if the firm has room) the visit."""
        m = self.model
        self.served_by = -1
        if m.random.random() >= self.need:
            self.v = []
            return
        shops, theta = m.shops, m.p_choice.temperature
        self.v = [self.utility(f, s) for f, s in enumerate(shops)]
        top = max(max(self.v), self.outside)
        w = [math.exp((x - top) / theta) for x in self.v]
        total = sum(w) + math.exp((self.outside - top) / theta)
        draw, choice = m.random.random() * total, len(shops)
        for f, x in enumerate(w):
            draw -= x
            if draw < 0:
                choice = f
                break
        if choice == len(shops):
            return
        shop = shops[choice]
        if shop.left <= 0:
            self.update_trust(choice, -m.p_trust.rationed_penalty)
            return
        shop.left -= 1
        self.visit(choice, shop)

    def visit(self, f: int, shop: Shop) -> None:
        """Experience, satisfaction, expectation, reference price, trust, bonds; admit."""
        m, p = self.model, self.model.p_exp
        base = sum(wd * sd for wd, sd in zip(self.w, shop.service))
        q = base + p.noise_sd * m.random.gauss(0.0, 1.0)
        if m.random.random() < p.failure_max * (1 - base):
            q -= p.failure_severity
        q = min(max(q, 0.0), 1.0)
        d = q - (self.exp[f] + p.price_expectation * (shop.price / m.price_norm - 1))
        s = 0.5 + (p.gain_positive if d > 0 else p.gain_negative) * d
        s += p.gain_performance * (q - p.performance_mid)
        s = min(max(s, 0.0), 1.0)
        self.sat[f] += p.satisfaction_adjust * (s - self.sat[f])
        self.exp[f] += p.expectation_adapt * (q - self.exp[f])
        self.ref += p.reference_adapt * (shop.price - self.ref)
        x = 2 * s - 1
        self.update_trust(f, x)
        self.grow(f, x, shop.service[2])
        self.status[f] = ACTIVE
        self.last_visit[f] = m.t
        self.last = f
        self.served_by = f

    def update_trust(self, f: int, x: float) -> None:
        """T += rho_up (1 - T) max(x, 0) - rho_down T max(-x, 0) (ODD 7.3)."""
        p, t = self.model.p_trust, self.trust[f]
        self.trust[f] = t + p.rate_up * (1 - t) * max(x, 0.0) - p.rate_down * t * max(-x, 0.0)

    def grow(self, f: int, x: float, people: float) -> None:
        """Grown bonds after a visit (ODD 7.4)."""
        p, b = self.model.p_bonds, self.bonds[f]
        b[KNOW] += p.growth_knowledge * (1 - b[KNOW])
        b[SOCIAL] += p.growth_social * people * (1 - b[SOCIAL])
        b[PSY] += (p.growth_psychological * max(x, 0.0) * (1 - b[PSY])
                   - p.erosion_psychological * max(-x, 0.0) * b[PSY])

    def end_period(self) -> None:
        """Phase 2: bonds decay, affective commitment moves, switches and lapses."""
        m = self.model
        omega, alpha = m.p_bonds.affective_satisfaction_weight, m.p_bonds.affective_adjust
        for f, b in enumerate(self.bonds):
            for name, factor in m.decay:
                b[name] *= factor
            target = omega * self.sat[f] + (1 - omega) * sum(b.values()) / len(b)
            self.aff[f] += alpha * (target - self.aff[f])
            if self.status[f] != ACTIVE:
                continue
            g = self.served_by
            switched = g >= 0 and g != f and self.v[g] > self.v[f]
            if switched or self.last_visit[f] < m.t - m.dormancy:
                self.status[f] = LOST


class ReferenceMarket(mesa.Model):
    """The core rules on one Mesa agent per customer.

    Args:
        scenario: A validated scenario (``sim.scenario.load_scenario``).
        seed: Seed, passed to Mesa as ``rng=`` (the initial state is drawn by
            ``sim.customers.Customers`` from a generator with the same seed).
    """

    def __init__(self, scenario: Any, seed: int = 1):
        super().__init__(rng=seed)
        par = scenario.params
        self.p_choice, self.p_exp, self.p_trust = par.choice, par.experience, par.trust
        self.p_bonds, self.dormancy = par.bonds, par.churn.dormancy
        self.price_norm = float(scenario.market.price_norm)
        self.decay = [(b, 0.5 ** (1.0 / getattr(par.bonds.half_life, b))) for b in GROWN_BONDS]
        self.t = 0
        weight = scenario.market.population / scenario.market.customers
        self.shops = [Shop(self, k, cfg, int(cfg.capacity / weight))
                      for k, cfg in enumerate(scenario.firms)]
        c = Customers(scenario, np.random.default_rng(seed))
        for i in range(c.n):
            Customer(self, c, i)
        self.customers = self.agents_by_type[Customer]

    def step(self) -> None:
        """One period: visits in random order, then every customer's end of period."""
        for shop in self.shops:
            shop.open()
        self.customers.shuffle_do("step")
        self.customers.do("end_period")
        self.t += 1

    def active(self) -> list[int]:
        """Active customers per firm."""
        return [sum(a.status[f] == ACTIVE for a in self.customers)
                for f in range(len(self.shops))]
