"""Schema blocks of the social mechanisms.

Network, word of mouth, awareness, contagion and complaints (``params.network``,
``params.wom``, ``params.awareness``, ``params.contagion``, ``params.complaints``).
Equations and sources: docs/ODD.md sections 7.10-7.13.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Audience = Annotated[float, Field(ge=0.0, le=1000.0)]


class Block(BaseModel):
    """Base of these blocks: unknown keys and NaN/inf are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)


class NetworkParams(Block):
    """The customers' social network (ODD 7.10); built only when a mechanism needs it."""

    type: Literal["small_world", "random"] = Field(
        "small_world", description="small_world: Watts-Strogatz ring with rewiring; "
                                   "random: every tie drawn uniformly")
    degree: int = Field(12, ge=2, le=1000, description="mean number of ties k (even)")
    rewire: Unit = Field(0.1, description="small_world: chance a tie's far end is rewired")

    @model_validator(mode="after")
    def _even(self) -> NetworkParams:
        if self.degree % 2:
            raise ValueError(f"degree must be even (k/2 ties on each side), got {self.degree}")
        return self


class WomParams(Block):
    """Word of mouth (ODD 7.11): who tells how many neighbours, and what a message does."""

    enabled: bool = False
    satisfied: Unit = Field(0.7, description="transaction satisfaction at or above: satisfied")
    dissatisfied: Unit = Field(0.35, description="transaction satisfaction at or below: "
                                                 "dissatisfied")
    prob_positive: Unit = Field(0.2, description="chance a satisfied customer recommends")
    prob_negative: Unit = Field(0.5, description="chance a dissatisfied customer warns")
    told_positive: Audience = Field(4.0, description="mean audience of a recommendation")
    told_negative: Audience = Field(7.0, description="mean audience of a warning")
    told_unresolved: Audience = Field(9.5, description="mean audience after a badly handled "
                                                       "complaint (TARP: 9-10)")
    told_recovered: Audience = Field(4.0, description="mean audience of a complainant whose "
                                                      "problem was solved fast")
    prob_recovered: Unit = Field(0.5, description="chance a fast-recovered complainant "
                                                  "recommends")
    trust_gain: Unit = Field(0.05, description="recommendation: T += gain (1 - T)")
    trust_loss: Unit = Field(0.1, description="warning: T -= loss T")
    expectation_shift: Unit = Field(0.03, description="each message moves E of a non-customer "
                                                      "up or down by this much")

    @model_validator(mode="after")
    def _order(self) -> WomParams:
        if self.dissatisfied >= self.satisfied:
            raise ValueError("dissatisfied must be below satisfied")
        return self


class AwarenessParams(Block):
    """Awareness (ODD 7.11): an unaware customer cannot choose the firm."""

    enabled: bool = False


class ContagionParams(Block):
    """Contagious defection (ODD 7.12): neighbours' recent defections raise the churn hazard."""

    enabled: bool = False
    effect: float = Field(0.8, ge=0.0, le=100.0,
                          description="hazard ratio - 1 per fresh defecting neighbour "
                                      "(Nitzan & Libai 2011: about 0.8)")
    half_life: float = Field(4.0, gt=0.0, le=10_000, description="periods for a neighbour's "
                                                                 "defection to lose half its pull")
    base_hazard: float | None = Field(None, ge=0.0, le=1.0,
                                      description="h0; null: the firm's smoothed loss rate")
    loyal_shield: Unit = Field(0.5, description="effect x (1 - shield A_if): weaker for the "
                                                "emotionally committed")
    trust_loss: Unit = Field(0.3, description="a contagion defector's trust falls by this share")


class ComplaintParams(Block):
    """Complaints and service recovery (ODD 7.13)."""

    enabled: bool = False
    dissatisfied: Unit = Field(0.35, description="transaction satisfaction at or below: "
                                                 "dissatisfied")
    prob_dissatisfied: Unit = Field(0.04, description="chance a dissatisfied customer complains "
                                                      "(TARP: 1 in 25)")
    prob_failure: Unit = Field(0.1, description="chance a customer hit by a failure complains")
    voice_commitment: float = Field(
        4.0, ge=0.0, le=10.0,
        description="nu: complaint chance x (A_if + T_if) ** nu / its mean among those with a "
                    "problem: the committed voice, the uncommitted exit (Hirschman 1970); "
                    "calibrated to TARP's ordering, 0 = no selection")
    patience: int = Field(4, ge=0, le=10_000, description="periods a complainant waits for an "
                                                         "answer before giving up (unresolved)")
    fast_within: int = Field(1, ge=1, le=10_000, description="answered within this many "
                                                            "periods: resolved fast")
    fast_satisfaction: Unit = Field(0.5, description="resolved fast: S += this (1 - S)")
    fast_trust: Unit = Field(0.4, description="resolved fast: T += this (1 - T)")
    fast_psychological: Unit = Field(0.2, description="resolved fast: psychological bond "
                                                      "+= this (1 - B)")
    slow_satisfaction: Unit = Field(0.25, description="resolved late: S += this (1 - S); half "
                                                      "the fast effect (timeliness, Smith et al. "
                                                      "1999)")
    slow_trust: Unit = Field(0.2, description="resolved late: T += this (1 - T); half the fast "
                                              "effect")
    slow_psychological: Unit = Field(0.1, description="resolved late: psychological bond += "
                                                      "this (1 - B); half the fast effect")
    unresolved_satisfaction: Unit = Field(0.15, description="unresolved: S -= this S (a second "
                                                            "disappointment on top of the "
                                                            "failure)")
    unresolved_trust: Unit = Field(0.15, description="unresolved: T -= this T")
    unresolved_psychological: Unit = Field(0.5, description="unresolved: psychological bond "
                                                            "-= this B (being let down by the "
                                                            "firm, the relationship suffers)")
    exit_unresolved: Unit = Field(0.02, description="chance an unresolved complainant leaves "
                                                    "at once (response to failure); the rest "
                                                    "decide through the lowered attitudes")
