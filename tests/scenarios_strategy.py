"""Hypothesis strategies that build random valid scenarios as plain dicts (issue 12).

``scenarios()`` draws a scenario as the YAML a user would write: 1 to 4 firms, 1 to 3
segments (some with unequal visit rates, ``need_shape``), a real ``population`` simulated by
200 to 1,500 agents (more or fewer agents than customers), horizons of 3 to 25 periods of a
drawn unit, every optional mechanism on or off (referrals, dropout, staggered arrivals,
brand-performance windows, multi-level contacts and purchase occasions among them), an event
timeline and each firm's strategies (a crisis response comes with a scandal or service
failure to answer).
``validated()`` checks a drawn dict against the schema (``Scenario.model_validate``);
``as_yaml()`` gives the text a developer can save and run with ``python run.py run that.yaml``
(the dict carries its seed).

Floats are rounded to a few decimals so that a shrunk example reads like a hand-written file.
Only the public schema is used: every field below is documented by ``python run.py schema``.
"""

from __future__ import annotations

import yaml
from hypothesis import strategies as st

from sim.constants import BONDS, DIMENSIONS
from sim.scenario import Scenario

# Strategy types any firm may draw; those that need a mechanism switched on are in NEEDS below.
STRATEGY_TYPES = ("price_promotion", "relationship_investment", "service_investment",
                  "budget_rule", "complaint_handling", "advertising", "loyalty_programme", "pdca",
                  "crisis_response")
PERIODS = ("day", "week", "month", "quarter", "year")
FIRM_TARGETS = ("price", "capacity", "costs.fixed", "costs.variable",
                *(f"service.{d}" for d in DIMENSIONS), *(f"bonds.{b}" for b in BONDS))

# Numeric model parameters an event may set, each with a range valid for it.
PARAM_TARGETS = {
    "params.choice.inertia": (-2.0, 3.0),
    "params.choice.beta_quality": (0.0, 8.0),
    "params.choice.temperature": (0.2, 3.0),
    "params.choice.ref_loss": (0.0, 3.0),
    "params.experience.failure_max": (0.0, 1.0),
    "params.experience.noise_sd": (0.0, 0.5),
    "params.experience.gain_performance": (0.0, 3.0),
    "params.trust.rate_down": (0.0, 1.0),
    "params.churn.dormancy": (1, 30),
    "params.turnover.exit_rate": (0.0, 0.1),
    "params.turnover.entry": (0.0, 1.0),
    "params.wom.prob_negative": (0.0, 1.0),
    "params.contagion.effect": (0.0, 5.0),
    "params.complaints.prob_failure": (0.0, 1.0),
    "params.referrals.prob_refer": (0.0, 1.0),
    "params.referrals.window": (1, 30),
    "params.dropout.satisfaction_effect": (0.0, 10.0),
    "params.contacts.change_rate": (0.0, 1.0),
    "params.contacts.break_trust_loss": (0.0, 1.0),
}
# Factors of ``scale`` events on parameters that keep the product within the schema's range
# whatever the current value, up to four events in a row (a probability times more than 1 may
# leave [0, 1], a temperature times 0 is not > 0, an integer times 1.3 is not an integer). The
# schema does not check a scale event's result: see test_scale_event_result_is_validated.
PARAM_SCALE_BOUNDS = {"params.choice.temperature": (0.2, 1.0), "params.churn.dormancy": (1.0, 1.0),
                      "params.referrals.window": (1.0, 1.0)}
PARAM_SCALE_DEFAULT = (0.0, 1.0)


def num(lo: float, hi: float, places: int = 3):
    """A float in [lo, hi], rounded to ``places`` decimals (lo and hi must be so rounded)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(
        lambda x: min(hi, max(lo, round(x, places))))


def _window(draw, horizon: int) -> dict:
    """Optional ``start`` / ``end`` of a strategy."""
    out = {}
    if draw(st.booleans()):
        out["start"] = draw(st.integers(0, horizon))
    if draw(st.booleans()):
        out["end"] = draw(st.integers(out.get("start", 0) + 1, horizon + 2))
    return out


def _price_promotion(draw, ctx) -> dict:
    return {"target": draw(st.sampled_from(["all", "lost"])), "discount": draw(num(0.05, 0.9)),
            "reach": draw(num(0.0, 1.0)), "offer_length": draw(st.integers(1, 10)),
            "max_time_lost": draw(st.integers(0, 60)), "cost_per_offer": draw(num(0.0, 20.0))}


def _relationship(draw, ctx) -> dict:
    out = {"target": draw(st.sampled_from(["lost", "active"])),
           "contacts": draw(st.integers(0, max(1, ctx["population"] // 5))),
           "cost_per_contact": draw(num(0.0, 60.0)), "trust_gain": draw(num(0.0, 0.5)),
           "social_gain": draw(num(0.0, 0.5)), "psychological_gain": draw(num(0.0, 0.5)),
           "knowledge_gain": draw(num(0.0, 0.5)), "accept_base": draw(num(-3.0, 3.0)),
           "accept_bonds": draw(num(0.0, 5.0)), "accept_time": draw(num(0.0, 0.5)),
           "offer_length": draw(st.integers(1, 10)), "max_time_lost": draw(st.integers(0, 60))}
    if draw(st.booleans()):
        out["segments"] = draw(st.lists(st.sampled_from(ctx["segments"]), min_size=1,
                                        unique=True))
    return out


def _service(draw, ctx) -> dict:
    return {"spend": {d: draw(num(0.0, 5000.0, 0)) for d in DIMENSIONS},
            "scale": draw(num(100.0, 20000.0, 0)), "floor": draw(num(0.0, 0.5)),
            "ceiling": draw(num(0.5, 1.0)), "lag": draw(num(1.0, 10.0))}


def _budget(draw, ctx) -> dict:
    order = draw(st.permutations(["service", "relationship", "promotion"]))
    return {"min_margin": draw(num(-0.5, 0.9)), "min_cash": draw(num(-1e5, 1e5, 0)),
            "patience": draw(st.integers(1, 5)), "cut": draw(num(0.05, 1.0)),
            "restore": draw(num(0.0, 1.0)),
            "order": list(order[:draw(st.integers(1, 3))])}


def _complaint_handling(draw, ctx) -> dict:
    return {"capacity": draw(st.integers(0, max(1, ctx["population"] // 20))),
            "quality": draw(num(0.0, 1.0)), "redress": draw(num(0.0, 100.0)),
            "cost_per_complaint": draw(num(0.0, 50.0)), "cost_per_slot": draw(num(0.0, 10.0))}


def _advertising(draw, ctx) -> dict:
    return {"spend": draw(num(0.0, 5000.0, 0)), "scale": draw(num(100.0, 20000.0, 0))}


def _loyalty_programme(draw, ctx) -> dict:
    n = draw(st.integers(1, 3))
    thresholds = sorted(draw(st.lists(st.integers(0, 2000), min_size=n, max_size=n,
                                      unique=True)))
    tiers = [{"name": f"tier{k}", "threshold": float(th), "discount": draw(num(0.0, 0.5)),
              "points_rate": draw(num(0.0, 0.2)), "perk": draw(num(0.0, 0.3)),
              "perk_cost": draw(num(0.0, 10.0))} for k, th in enumerate(thresholds)]
    return {"rule": draw(st.sampled_from(["spend", "visits"])), "memory": draw(num(1.0, 52.0)),
            "tiers": tiers, "lock_in": draw(num(0.0, 1.0)),
            "points_scale": draw(num(1.0, 500.0)), "redeem_at": draw(num(1.0, 500.0)),
            "fixed_cost": draw(num(0.0, 1000.0, 0)), "cost_per_member": draw(num(0.0, 5.0))}


def _pdca(draw, ctx) -> dict:
    return {"every": draw(st.integers(1, 6)),
            "sample": draw(st.integers(1, max(1, ctx["population"] // 10))),
            "cost_per_response": draw(num(0.0, 20.0)), "noise": draw(num(0.0, 0.5)),
            "increment": draw(num(0.0, 5000.0, 0)), "max_spend": draw(num(0.0, 20000.0, 0))}


def _crisis_response(draw, ctx) -> dict:
    """A ``crisis_response`` (its delay within the horizon); ``scenarios`` adds a crisis."""
    out = {"response": draw(st.sampled_from(["deny", "diminish", "rebuild"])),
           # mostly low thresholds, so that the crisis drawn for the firm is answered
           "threshold": draw(num(0.0, 0.2) | num(0.0, 1.0)),
           "delay": draw(st.integers(0, min(5, ctx["horizon"] - 1))),
           "reach": draw(num(0.0, 1.0)), "compensation": draw(num(0.0, 200.0, 2)),
           "half_life": draw(num(0.1, 20.0)), "restore_rebuild": draw(num(0.0, 1.0)),
           "restore_diminish": draw(num(0.0, 1.0)), "dampening": draw(num(0.0, 1.0)),
           "deny_trust_loss": draw(num(0.0, 1.0)), "deny_amplify": draw(num(0.0, 10.0)),
           "word_periods": draw(st.integers(0, 30))}
    fault = draw(st.sampled_from([None, True, False]))
    if fault is not None:
        out["at_fault"] = fault
    return out


def _referral_reward(draw, ctx) -> dict:
    """A ``referral_reward`` (it needs ``params.referrals.enabled``)."""
    return {"reward": draw(num(0.0, 500.0, 2)), "boost": draw(num(0.0, 5.0) | num(0.0, 100.0))}


def _contact_plan(draw, ctx: dict) -> dict:
    """A ``multi_level_contacts`` strategy (it needs ``params.contacts.enabled``)."""
    out = {"levels": draw(st.integers(1, 10)), "cost_per_level": draw(num(0.0, 2000.0, 2)),
           "build_per_period": draw(st.integers(1, 10))}
    if draw(st.booleans()):
        out["segments"] = draw(st.lists(st.sampled_from(ctx["segments"]), min_size=1,
                                        unique=True))
    return out


def _staff_investment(draw, ctx) -> dict:
    """A ``staff_investment`` (it needs a ``staff`` block on its firm)."""
    return {"bonus": draw(num(0.0, 500.0, 2)), "training": draw(num(0.0, 300.0, 2))}


def _firm_staff(draw, ctx) -> dict:
    """A firm's ``staff`` block: headcount, fixed or following demand, pay and start."""
    out = {"headcount": draw(st.integers(1, 500)), "norm": draw(num(0.5, 500.0)),
           "wage": round(ctx["price_norm"] * draw(num(0.0, 20.0)), 2),
           "hire_cost": draw(num(0.0, 5000.0, 0)),
           "satisfaction": draw(num(0.0, 1.0)), "experience": draw(num(0.0, 1.0))}
    if draw(st.booleans()):
        out["per_served"] = draw(num(0.001, 1.0))
    return out


def _staff(draw, ctx) -> dict:
    """``params.staff``: how staff respond (used by firms with a staff block)."""
    out: dict = {"market_wage": round(ctx["price_norm"] * draw(num(0.1, 20.0)), 2)}
    if draw(st.booleans()):
        out.update(pay_effect=draw(num(0.0, 5.0)), training_effect=draw(num(0.0, 1.0)),
                   mirror=draw(num(0.0, 2.0)), overload_effect=draw(num(0.0, 3.0)),
                   complaint_effect=draw(num(0.0, 1.0)), pay_cut_effect=draw(num(0.0, 3.0)),
                   adjust=draw(num(0.0, 1.0)), quit_min=draw(num(0.0, 0.1)),
                   quit_max=draw(num(0.0, 1.0)), learn_periods=draw(num(1.0, 100.0)),
                   hire_experience=draw(num(0.0, 1.0)), load_lag=draw(num(1.0, 20.0)),
                   staffing_lag=draw(num(1.0, 20.0)), people_lag=draw(num(1.0, 20.0)),
                   bond_loss=draw(num(0.0, 1.0)))
    return out


BUILDERS = {"price_promotion": _price_promotion, "relationship_investment": _relationship,
            "service_investment": _service, "budget_rule": _budget,
            "complaint_handling": _complaint_handling, "advertising": _advertising,
            "loyalty_programme": _loyalty_programme, "pdca": _pdca,
            "crisis_response": _crisis_response, "referral_reward": _referral_reward,
            "multi_level_contacts": _contact_plan, "staff_investment": _staff_investment}


def _strategies(draw, ctx) -> list[dict]:
    """0 to 4 strategies of distinct types; a pdca brings its service_investment along.

    Each strategy type of NEEDS whose mechanism is switched on is added with chance 1/2.
    """
    types = draw(st.lists(st.sampled_from(STRATEGY_TYPES), max_size=4, unique=True))
    if "pdca" in types and "service_investment" not in types:
        types.append("service_investment")
    types += [t for t, key in NEEDS.items()
              if ctx["params"][key]["enabled"] and draw(st.booleans())]
    if ctx.get("staffed") and draw(st.booleans()):
        types.append("staff_investment")
    out = [{"type": t, **BUILDERS[t](draw, ctx), **_window(draw, ctx["horizon"])}
           for t in types]
    for s in out:  # a staffed firm's people service follows its staff, not spend
        if s["type"] == "service_investment" and ctx.get("staffed"):
            s["spend"]["people"] = 0.0
    return out


def _firm(draw, fid: str, ctx) -> dict:
    pn = ctx["price_norm"]
    staff = _firm_staff(draw, ctx) if draw(st.integers(0, 2)) == 0 else None
    ctx = {**ctx, "staffed": staff is not None}
    out = {"id": fid, "price": round(pn * draw(num(0.3, 3.0)), 2),
           "service": {d: draw(num(0.0, 1.0)) for d in DIMENSIONS},
           "cash": draw(num(-1e5, 1e6, 0)),
           "costs": {"fixed": draw(num(0.0, 5000.0, 0)),
                     "variable": round(pn * draw(num(0.0, 0.6)), 2),
                     "service": {d: round(pn * draw(num(0.0, 0.4)), 2) for d in DIMENSIONS}},
           "strategies": _strategies(draw, ctx)}
    if draw(st.booleans()):  # a capacity, in real purchases per period (0 included)
        out["capacity"] = draw(st.integers(0, ctx["population"]))
    bonds = draw(st.lists(st.sampled_from(BONDS), max_size=4, unique=True))
    if bonds:
        out["bonds"] = {b: draw(num(0.0, 1.0)) for b in bonds}
    if draw(st.booleans()):
        out["awareness"] = draw(num(0.0, 1.0))
    if staff is not None:
        out["staff"] = staff
    return out


def _segments(draw) -> list[dict]:
    n = draw(st.integers(1, 3))
    raw = draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    shares = [r / sum(raw) for r in raw]
    out = []
    for k, share in enumerate(shares):
        w = draw(st.lists(st.integers(0, 3), min_size=3, max_size=3).filter(any))
        out.append({"name": f"seg{k}", "share": share,
                    "price_sensitivity": {"mean": draw(num(0.2, 6.0)), "sd": draw(num(0.0, 2.0))},
                    "weights": dict(zip(DIMENSIONS, map(float, w))),
                    "need_prob": draw(num(0.05, 1.0)), "outside_utility": draw(num(-3.0, 5.0))})
        if draw(st.booleans()):  # visit rates that differ within the segment (gamma shape)
            out[-1]["need_shape"] = draw(num(0.01, 50.0) | st.sampled_from([0.001, 1e4]))
    return out


def _initial(draw, ids: list[str]) -> dict:
    """``market.initial``: active shares summing to at most 1, lost at most 1 - active."""
    out, left = {}, 1.0
    for fid in ids:
        if not draw(st.booleans()):
            continue
        active = round(left * draw(num(0.0, 1.0)), 3)
        left = max(0.0, left - active)
        out[fid] = {"active": active, "lost": round((1 - active) * draw(num(0.0, 1.0)), 3)}
    return out


def _params(draw, ctx) -> dict:
    p: dict = {"choice": {"inertia": draw(num(-1.0, 3.0)),
                          "temperature": draw(num(0.3, 3.0))},
               "churn": {"dormancy": draw(st.integers(1, 30)),
                         "incident_memory": draw(st.integers(0, 10))}}
    if draw(st.booleans()):
        p["experience"] = {"failure_max": draw(num(0.0, 1.0)),
                           "gain_performance": draw(num(0.0, 3.0))}
    if draw(st.booleans()):
        p["network"] = {"type": draw(st.sampled_from(["small_world", "random"])),
                        "degree": 2 * draw(st.integers(1, 6)), "rewire": draw(num(0.0, 1.0))}
    p["wom"] = {"enabled": draw(st.booleans())}
    if p["wom"]["enabled"] and draw(st.booleans()):
        p["wom"].update(prob_positive=draw(num(0.0, 1.0)), prob_negative=draw(num(0.0, 1.0)),
                        told_negative=draw(num(0.0, 20.0)))
    p["awareness"] = {"enabled": draw(st.booleans())}
    p["contagion"] = {"enabled": draw(st.booleans())}
    if p["contagion"]["enabled"] and draw(st.booleans()):
        p["contagion"].update(effect=draw(num(0.0, 5.0)), half_life=draw(num(0.5, 10.0)),
                              base_hazard=draw(st.none() | num(0.0, 0.5)))
    p["complaints"] = {"enabled": draw(st.booleans())}
    if p["complaints"]["enabled"] and draw(st.booleans()):
        p["complaints"].update(prob_dissatisfied=draw(num(0.0, 1.0)),
                               prob_failure=draw(num(0.0, 1.0)),
                               patience=draw(st.integers(0, 5)),
                               exit_unresolved=draw(num(0.0, 1.0)))
    p["loyalty_types"] = {"enabled": draw(st.booleans())}
    p["cohorts"] = {"enabled": draw(st.booleans()), "every": draw(st.integers(1, 6)),
                    "basis": draw(st.sampled_from(["margin", "revenue"])),
                    "window": draw(st.integers(1, 10))}
    if draw(st.booleans()):
        p["turnover"] = {"exit_rate": draw(num(0.0, 0.1)), "entry": draw(num(0.0, 1.0))}
    for key, block in MECHANISMS.items():
        p[key] = block(draw, ctx)
    if draw(st.booleans()):  # used only by firms with a staff block
        p["staff"] = _staff(draw, ctx)
    return p


# The newer optional mechanisms: each builder draws its ``params`` block, switched on or off
# (a block switched off may still carry values). ``NEEDS``: the strategy types that need a
# mechanism switched on (the schema refuses them otherwise), with that mechanism's key.


def _referrals(draw, ctx) -> dict:
    out = {"enabled": draw(st.booleans())}
    if draw(st.booleans()):
        out.update(satisfied=draw(num(0.0, 1.0)), prob_refer=draw(num(0.0, 1.0)),
                   trust_gain=draw(num(0.0, 1.0)), window=draw(st.integers(1, 30)))
    return out


def _dropout(draw, ctx) -> dict:
    out = {"enabled": draw(st.booleans())}
    if draw(st.booleans()):  # Beta(a, b): a, b > 0, up to sharp (large) ones
        out.update(a=draw(num(0.05, 5.0) | st.sampled_from([0.001, 1e4])),
                   b=draw(num(0.05, 20.0) | st.sampled_from([0.001, 1e4])),
                   satisfaction_effect=draw(num(0.0, 5.0) | num(0.0, 50.0)),
                   after_first=draw(st.booleans()))
        if draw(st.booleans()):  # a share who never drop out
            out["never"] = draw(num(0.0, 1.0))
    return out


def _arrivals(draw, ctx) -> dict:
    out = {"enabled": draw(st.booleans())}
    if out["enabled"] or draw(st.booleans()):  # (share 0 by default: nobody arrives late)
        # arrivals may be spread beyond the horizon
        out.update(share=draw(num(0.0, 1.0)), periods=draw(st.integers(1, ctx["horizon"] + 5)),
                   first_purchase=draw(st.booleans()))
        if draw(st.booleans()):  # arrivals per period in given proportions (some 0)
            weights = st.lists(num(0.0, 10.0, 1) | st.just(0.0), min_size=out["periods"],
                               max_size=out["periods"]).filter(lambda w: sum(w) > 0)
            out["weights"] = draw(weights)
    return out


def _occasions(draw, ctx) -> dict:
    """Purchase occasions (ODD 7.27): on only if every segment's need_prob is below 1."""
    return {"enabled": draw(st.booleans()) and max(ctx["need_probs"]) < 1.0}


def _brands(draw, ctx) -> dict:
    """Analysis windows in the scenario's unit (1 to the horizon), or its default ones."""
    out = {"enabled": draw(st.booleans())}
    if draw(st.booleans()):
        unit = ctx["period"]
        lengths = draw(st.lists(st.integers(1, ctx["horizon"]), min_size=1, max_size=4))
        out["windows"] = [f"{n} {unit}{draw(st.sampled_from(['', 's']))}" for n in lengths]
    return out


def _contacts(draw, ctx) -> dict:
    out = {"enabled": draw(st.booleans())}
    if draw(st.booleans()):
        out.update(change_rate=draw(num(0.0, 1.0)), levels=draw(st.integers(1, 10)),
                   after_window=draw(st.integers(1, 10)), affective_loss=draw(num(0.0, 1.0)),
                   break_trust_loss=draw(num(0.0, 1.0)))
        named = draw(st.lists(st.sampled_from(ctx["segments"]), unique=True))
        if named:
            out["segment_levels"] = {s: draw(st.integers(1, 10)) for s in named}
    return out


# Staff (ODD 7.26) is drawn per firm in ``_firm`` (a ``staff`` block, then maybe a
# ``staff_investment``) and ``params.staff`` in ``_params``, since it has no switch of its own.
# To add a mechanism with a switch: write a
# block builder like those above and add it here; write its strategy's builder, add it to
# BUILDERS and its type to NEEDS (or to STRATEGY_TYPES if it needs no mechanism); then add its
# specific checks to tests/test_properties.py (check_newer_mechanisms).
MECHANISMS = {"referrals": _referrals, "dropout": _dropout, "arrivals": _arrivals,
              "brands": _brands, "contacts": _contacts, "occasions": _occasions}
NEEDS = {"referral_reward": "referrals", "multi_level_contacts": "contacts"}


def _event(draw, ids: list[str], segments: list[str], horizon: int) -> dict:
    kind = draw(st.sampled_from(["set", "scale", "firm_enter", "firm_exit", "deregulate",
                                 "service_failure", "scandal"]))
    ev: dict = {"at": draw(st.integers(0, horizon - 1)), "type": kind}  # within the run
    firm = draw(st.sampled_from(ids))
    if kind in ("set", "scale"):
        if draw(st.booleans()):
            target = draw(st.sampled_from(sorted(PARAM_TARGETS)))
            lo, hi = PARAM_TARGETS[target]
            value = draw(st.integers(lo, hi)) if isinstance(lo, int) else draw(num(lo, hi))
            factor_lo, factor_hi = PARAM_SCALE_BOUNDS.get(target, PARAM_SCALE_DEFAULT)
        else:
            field = draw(st.sampled_from(FIRM_TARGETS))
            target = f"firms.{firm}.{field}"
            if field == "price":
                value = draw(num(10.0, 500.0, 2))
            elif field == "capacity":
                value = float(draw(st.integers(0, 5000)))
            elif field.startswith("costs."):
                value = draw(num(0.0, 2000.0, 2))
            else:
                value = draw(num(0.0, 1.0))
            # a price scaled to 0 is allowed by the schema; kept possible on purpose
            factor_lo, factor_hi = (0.0, 3.0)
            if field.startswith("bonds.") and draw(st.booleans()):
                ev["segment"] = draw(st.sampled_from(segments))
        ev["target"] = target
        if kind == "set":
            ev["value"] = value
        else:
            ev["factor"] = draw(num(factor_lo, factor_hi))
    elif kind in ("firm_enter", "firm_exit"):
        ev["firm"] = firm
    elif kind == "deregulate":
        if draw(st.booleans()):
            ev["entrant"] = firm
        if draw(st.booleans()):
            ev["incumbents"] = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        ev["bonds"] = draw(st.lists(st.sampled_from(BONDS), min_size=1, max_size=3, unique=True))
        ev["factor"] = draw(num(0.0, 1.0))
    else:
        ev.update(_crisis(draw, kind, firm))
    return ev


def _crisis(draw, kind: str, firm: str) -> dict:
    """The fields of a ``service_failure`` or ``scandal`` event at ``firm``."""
    out = {"firm": firm, "share": draw(num(0.0, 1.0))}
    if kind == "service_failure":
        out["dimension"] = draw(st.sampled_from(DIMENSIONS))
    out["severity"] = draw(num(0.0, 1.0))
    return out


def _crises_to_answer(draw, data: dict) -> list[dict]:
    """Per firm with a crisis response, most often a crisis it can answer within the run."""
    out = []
    for firm in data["firms"]:
        for s in firm["strategies"]:
            if s["type"] == "crisis_response" and draw(st.integers(0, 3)):
                kind = draw(st.sampled_from(["service_failure", "scandal"]))
                last = data["horizon"] - 1 - s["delay"]  # answered within the run
                at = draw(st.integers(min(1, last), last))  # once it has customers, mostly
                out.append({"at": at, "type": kind, **_crisis(draw, kind, firm["id"])})
    return out


@st.composite
def scenarios(draw, max_events: int = 4, min_agents: int = 200, max_agents: int = 1500):
    """A random valid scenario as a plain dict (validate it with ``validated``)."""
    horizon = draw(st.integers(3, 25))
    agents = draw(st.integers(min_agents, max_agents))
    # the real market: the agents' own number, or fewer or (many) more real customers
    population = draw(st.sampled_from([None, "smaller", "larger"]))
    if population == "smaller":
        population = draw(st.integers(50, agents))
    elif population == "larger":
        population = draw(st.integers(agents, 200_000))
    n_firms = draw(st.integers(1, 4))
    ids = [f"f{k}" for k in range(n_firms)]
    segments = _segments(draw)
    price_norm = draw(num(20.0, 500.0, 1))
    period = draw(st.none() | st.sampled_from(PERIODS))  # none: the default, week
    ctx = {"horizon": horizon, "population": population or agents, "price_norm": price_norm,
           "segments": [s["name"] for s in segments], "period": period or "week",
           "need_probs": [s["need_prob"] for s in segments]}
    market = {"customers": agents, "price_norm": price_norm, "segments": segments,
              "initial": _initial(draw, ids)}
    if population is not None:
        market["population"] = population
    data: dict = {"name": "property", "horizon": horizon}
    if period is not None:
        data["period"] = period
    data["seed"] = draw(st.integers(0, 2**32 - 1))
    data["market"] = market
    ctx["params"] = data["params"] = _params(draw, ctx)  # before the strategies that need them
    data["firms"] = [_firm(draw, fid, ctx) for fid in ids]
    events = draw(st.lists(st.just(None), max_size=max_events))
    events = [_event(draw, ids, ctx["segments"], horizon) for _ in events]
    events += _crises_to_answer(draw, data)
    if events:
        data["events"] = events
    order = ("name", "horizon", "period", "seed", "market", "firms", "params", "events")
    return {k: data[k] for k in order if k in data}  # the order a person would write


def validated(data: dict) -> Scenario:
    """The schema's view of a drawn dict (raises if the strategy drew something invalid)."""
    return Scenario.model_validate(data)


def as_yaml(data: dict) -> str:
    """The drawn scenario as YAML: save it and run ``python run.py run that.yaml``."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)
