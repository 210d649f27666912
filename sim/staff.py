"""Staff and the service-profit chain (ODD 7.26): the people who deliver the people service.

Opt-in per firm: a firm with a ``staff`` block has H_f staff (a headcount in the real market)
with a mean satisfaction Z_f and a mean experience X_f, both in [0, 1]. Each period, after the
firm served its customers (phase after losses, before accounting):

    pi_f   = (wage_f + bonus_f) / market_wage                     (pay index)
    tau_f  = 1 - exp(-training_f / training_scale)                (training, per staff member)
    L_f   <- L_f + (w n_f - L_f) / load_lag                       (the load staff feel)
    o_f    = max(0, L_f / (H_f norm_f) - 1)                       (overload)
    k_f    = w failures_f / H_f                                   (failures handled per head)
    Z*_f   = clip(z0 + a_pay (pi_f - 1) + a_train tau_f + a_mirror (S_f - 0.5)
                  - a_over o_f - a_complaint k_f, 0, 1)
    Z_f   <- clip(Z_f + alpha_Z (Z*_f - Z_f) - a_cut max(0, pi_f,t-1 - pi_f), 0, 1)
    q_f    = q_min + (q_max - q_min) (1 - Z_f)^2                  (quit probability)
    Q_f    ~ Binomial(H_f, q_f)                                   (quitters)
    hires  = H_0 - (H_f - Q_f)                                    (fixed headcount), or
           = max(0, round(per_served D_f - (H_f - Q_f))),  D_f <- D_f + (w n_f - D_f) / staffing_lag
    X_f   <- ((H_f - Q_f) min(1, X_f + (1 - X_f)(1 + b_train tau_f) / learn_periods)
              + hires x_new) / (H_f - Q_f + hires);   H_f <- H_f - Q_f + hires
    s_f,people <- s_f,people + (floor + (ceiling - floor)(beta X_f + (1 - beta) Z_f)
                                - s_f,people) / people_lag

with n_f the agents served and w real customers per agent. S_f is the mean satisfaction of the
customers the firm served this period (0.5 if it served nobody): the satisfaction mirror
(Schneider & Bowen 1985; Heskett et al. 1994). Staff who quit take the personal bonds they
held: the social bond of every active customer of the firm falls in proportion,
B_social <- B_social (1 - bond_loss Q_f / H_f). Above the demand target quitters are not
replaced (nobody is laid off).

Costs (``cost_staff``): H_f (wage_f + bonus_f + training_f) + hires hire_cost_f per period, the
bonus and training being what the firm's ``staff_investment`` strategy (sim/strategies/staff.py)
pays this period; a budget rule's cut of the "service" budget cuts them. With the mechanism on
for a firm, its people service follows its staff and is not bought through service_investment.
A closed firm (events firm_enter / firm_exit) pays no staff and its staff do not change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from .config import Block, NonNeg, Unit
from .constants import ACTIVE, BOND_INDEX
from .step import Books, Choices, Losses, Mechanism, Phase, Tally, Visit, World

F32 = np.float32
SOCIAL = BOND_INDEX["social"]
PEOPLE = 2  # index of the people dimension in DIMENSIONS


class FirmStaff(Block):
    """A firm's staff (``firms[].staff``): its people, their pay and their starting state."""

    headcount: int = Field(ge=1, le=10_000_000, description="staff members at t = 0 (real "
                                                           "people)")
    per_served: float | None = Field(None, gt=0.0, le=1e3, description="staff per purchase "
                                     "served per period: the headcount follows demand (hiring, "
                                     "or not replacing quitters); null = a fixed headcount")
    norm: float = Field(gt=0.0, le=1e9, description="purchases served per staff member and "
                                                    "period above which the staff are overloaded")
    wage: float = Field(0.0, ge=0.0, le=1e9, description="base pay per staff member and period "
                                                         "(currency; always paid)")
    hire_cost: float = Field(0.0, ge=0.0, le=1e9, description="cost of hiring and training one "
                                                              "replacement (currency)")
    satisfaction: Unit = Field(0.6, description="staff satisfaction Z at t = 0")
    experience: Unit = Field(0.6, description="staff experience X at t = 0")


class StaffParams(Block):
    """How staff respond (``params.staff``, ODD 7.26); used for firms with a ``staff`` block."""

    market_wage: float = Field(1000.0, gt=0.0, le=1e9, description="pay per staff member and "
                                                                   "period elsewhere (currency)")
    base: Unit = Field(0.5, description="z0: staff satisfaction with market pay, no training, "
                                        "no overload, customers neither satisfied nor not")
    pay_effect: NonNeg = Field(2.0, description="a_pay: satisfaction per unit of pay index")
    training_effect: NonNeg = Field(0.3, description="a_train: satisfaction from training")
    training_scale: float = Field(50.0, gt=0.0, le=1e9, description="training spend per staff "
                                  "member and period reaching 63% of its effect (currency)")
    mirror: NonNeg = Field(0.8, description="a_mirror: staff satisfaction per unit of the "
                                            "served customers' satisfaction (the mirror)")
    overload_effect: NonNeg = Field(0.5, description="a_over: satisfaction lost per unit of "
                                                     "overload")
    complaint_effect: NonNeg = Field(0.05, description="a_complaint: satisfaction lost per "
                                                      "service failure handled per staff member")
    pay_cut_effect: NonNeg = Field(1.0, description="a_cut: immediate satisfaction lost per "
                                                    "unit fall of the pay index")
    load_lag: float = Field(4.0, ge=1.0, le=10_000.0, description="periods over which the "
                            "load the staff feel is averaged (1/rate)")
    staffing_lag: float = Field(8.0, ge=1.0, le=10_000.0, description="periods over which "
                                "the demand that sets the headcount is averaged (1/rate)")
    adjust: Unit = Field(0.15, description="alpha_Z: share of the gap to Z* closed per period")
    quit_min: Unit = Field(0.002, description="q_min: quit probability per period at Z = 1")
    quit_max: Unit = Field(0.05, description="q_max: quit probability per period at Z = 0")
    learn_periods: float = Field(26.0, ge=1.0, le=10_000.0, description="periods for a staff "
                                 "member to close the gap to full experience (1/rate)")
    training_learning: NonNeg = Field(1.0, description="b_train: training speeds learning by "
                                                       "1 + b_train tau")
    hire_experience: Unit = Field(0.1, description="x_new: experience of a new hire")
    experience_share: Unit = Field(0.6, description="beta: weight of experience (vs "
                                                    "satisfaction) in the people service")
    people_floor: Unit = Field(0.1, description="people service with Z = X = 0")
    people_ceiling: Unit = Field(1.0, description="people service with Z = X = 1")
    people_lag: float = Field(4.0, ge=1.0, le=10_000.0, description="periods for the people "
                                                                    "service to follow (1/rate)")
    bond_loss: Unit = Field(1.0, description="share of a quitter's part of the social bonds "
                                             "that leaves with them")


class Staff(Mechanism):
    """Each staffed firm's headcount, staff satisfaction and experience, quits and hires.

    Attributes:
        on: Per firm, whether it has staff.
        headcount, satisfaction, experience: Per firm, H, Z and X (NaN without staff).
        demand: Per firm, the averaged purchases served that set the headcount.
        load: Per firm, the averaged purchases served that the staff feel (overload).
        pay: Per firm, the latest pay index (the base wage's at t = 0).
        quits, hires: Per firm, staff who quit and who were hired this period.
        cost: Per firm, this period's staff cost.
    """

    key = "staff"
    phases = (Phase.AFTER_LOSSES, Phase.ROW)
    columns = ("staff", "staff_satisfaction", "staff_experience", "staff_quits", "staff_hires",
               "staff_pay")
    defaults = dict.fromkeys(columns, float("nan"))

    def __init__(self, world: World):
        super().__init__(world)
        cfgs = [f.cfg.staff for f in world.firms]
        self.on = np.array([s is not None for s in cfgs])
        nan = float("nan")
        self.headcount = np.array([nan if s is None else float(s.headcount) for s in cfgs])
        self.satisfaction = np.array([nan if s is None else s.satisfaction for s in cfgs])
        self.experience = np.array([nan if s is None else s.experience for s in cfgs])
        self.demand = np.array([nan if s is None or s.per_served is None
                                else s.headcount / s.per_served for s in cfgs])
        self.load = np.array([nan if s is None else s.headcount * s.norm for s in cfgs])
        market = world.params.staff.market_wage
        self.pay = np.array([nan if s is None else s.wage / market for s in cfgs])
        self.quits = np.zeros(len(cfgs))
        self.hires = np.zeros(len(cfgs))
        self.cost = np.zeros(len(cfgs))

    def after_losses(self, choices: Choices, visits: list[Visit]) -> list[Losses] | None:
        """The period's staff dynamics for every staffed, open firm (ODD 7.26)."""
        self.quits[:] = 0.0
        self.hires[:] = 0.0
        self.cost[:] = 0.0
        for f, (firm, visit) in enumerate(zip(self.world.firms, visits)):
            if self.on[f] and firm.available:
                self._update(f, firm, visit)
        return None

    def _update(self, f: int, firm: Any, visit: Visit) -> None:
        w = self.world
        p, cfg, plan = w.params.staff, firm.cfg.staff, firm.staff_plan
        h = self.headcount[f]
        pay = (cfg.wage + plan.bonus) / p.market_wage
        tau = 1.0 - np.exp(-plan.training / p.training_scale)
        z = self._satisfaction(f, p, cfg, visit, pay, tau)
        self.satisfaction[f], self.pay[f] = z, pay
        quit_p = p.quit_min + (p.quit_max - p.quit_min) * (1.0 - z) ** 2
        q = int(w.rng.binomial(int(h), min(1.0, quit_p)))
        hires = self._hires(f, cfg, p, h - q, visit.ids.size * w.weight)
        grown = min(1.0, self.experience[f] + (1.0 - self.experience[f])
                    * (1.0 + p.training_learning * tau) / p.learn_periods)
        staying = h - q
        self.headcount[f] = staying + hires
        # the headcount is at least 1: _hires fills an empty staff
        self.experience[f] = (staying * grown + hires * p.hire_experience) / self.headcount[f]
        self.quits[f], self.hires[f] = q, hires
        if q:
            self._take_bonds(f, p.bond_loss * q / h)
        self._people_service(firm, p)
        self.cost[f] = (self.headcount[f] * (cfg.wage + plan.bonus + plan.training)
                        + hires * cfg.hire_cost)
        firm.spent["staff"] += self.cost[f]

    def _hires(self, f: int, cfg: FirmStaff, p: StaffParams, staying: float,
               served: float) -> int:
        """Replacements: back to the fixed headcount, or up to what averaged demand needs."""
        if cfg.per_served is None:
            return int(cfg.headcount - staying)
        self.demand[f] += (served - self.demand[f]) / p.staffing_lag
        return max(0, round(cfg.per_served * self.demand[f] - staying), 1 - int(staying))

    def _satisfaction(self, f: int, p: StaffParams, cfg: FirmStaff, visit: Visit, pay: float,
                      tau: float) -> float:
        """Z after this period: toward Z*, minus the shock of a pay cut."""
        c, h = self.world.customers, self.headcount[f]
        served = visit.ids.size * self.world.weight
        mirror = (float(c.satisfaction[f, visit.ids].mean(dtype=np.float64))
                  if visit.ids.size else 0.5)
        self.load[f] += (served - self.load[f]) / p.load_lag
        overload = max(0.0, self.load[f] / (h * cfg.norm) - 1.0)
        handled = float(visit.failed.sum()) * self.world.weight / h
        target = (p.base + p.pay_effect * (pay - 1.0) + p.training_effect * tau
                  + p.mirror * (mirror - 0.5) - p.overload_effect * overload
                  - p.complaint_effect * handled)
        z = self.satisfaction[f]
        z += p.adjust * (min(1.0, max(0.0, target)) - z)
        if pay < self.pay[f]:  # a pay cut since last period
            z -= p.pay_cut_effect * (self.pay[f] - pay)
        return min(1.0, max(0.0, z))

    def _take_bonds(self, f: int, share: float) -> None:
        """Quitters take their part of the social bonds of the firm's active customers."""
        c = self.world.customers
        ids = np.flatnonzero(c.status[f] == ACTIVE)
        c.bonds[f][SOCIAL, ids] *= F32(1.0 - share)

    def _people_service(self, firm: Any, p: StaffParams) -> None:
        """The people service moves toward what the staff's experience and mood deliver."""
        f = firm.index
        mix = p.experience_share * self.experience[f] + (1 - p.experience_share) * \
            self.satisfaction[f]
        target = p.people_floor + (p.people_ceiling - p.people_floor) * mix
        service = firm.service
        service[PEOPLE] += (target - service[PEOPLE]) / p.people_lag

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """Headcount, staff satisfaction and experience, quits, hires and pay index at ``f``."""
        if not self.on[f]:
            return dict(self.defaults)
        return {"staff": float(self.headcount[f]),
                "staff_satisfaction": float(self.satisfaction[f]),
                "staff_experience": float(self.experience[f]),
                "staff_quits": float(self.quits[f]), "staff_hires": float(self.hires[f]),
                "staff_pay": float(self.pay[f])}
