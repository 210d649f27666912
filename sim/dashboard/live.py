"""Live levers: change a running market between two periods, exactly as a scenario could.

Every live change is written into the market's own scenario (``market.spec``) and into its
running firms in the same way, so ``market.spec`` dumped as YAML reproduces the run, changes
included (``export``):

* list price: set on the firm now, and written as a ``set`` event at the current period;
* service budget: the spend of the service strategies in force changes now. A scenario cannot
  say "this spend from period t" (a service strategy out of force still pulls service toward
  its floor, so two windows are not the same run), so the exported YAML has the new budget
  from the start and says so (``Setting.inexact``);
* win-back offer: price offers to lost customers and/or personal contacts with them start or
  end now (a kind the firm never had starts from ``DEFAULTS``).

Only the public parts of the core are used: ``Market.spec``, ``Market.firms``, a firm's
``strategies``, ``price`` and ``cfg``, and ``sim.strategies.build``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..scenario.events import SetEvent
from ..strategies import REGISTRY, build
from .levers import grid_step, nice

if TYPE_CHECKING:
    from ..firm import Firm
    from ..model import Market
    from ..strategies import Strategy

WINBACK = ("price", "contact", "both", "none")
KINDS = {"price": ("price_promotion", "lost"), "contact": ("relationship_investment", "lost")}
DEFAULTS = {
    "price": {"type": "price_promotion", "target": "lost", "discount": 0.3, "reach": 0.2,
              "offer_length": 8, "cost_per_offer": 5},
    "contact": {"type": "relationship_investment", "target": "lost", "contacts": 100,
                "cost_per_contact": 60},
}


@dataclass(frozen=True)
class LiveLever:
    """A lever that acts on a running market.

    Attributes:
        firm: Firm id.
        what: "price", "budget" or "winback".
        value: Current value (float, or one of ``WINBACK``).
        lo: Smallest value (numbers).
        hi: Largest value (numbers).
        step: Slider step (numbers).
    """

    firm: str
    what: str
    value: float | str
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0

    @property
    def key(self) -> str:
        """Unique key, e.g. ``eaton__price``."""
        return f"{self.firm}__{self.what}"

    def check(self, value: Any) -> float | str:
        """``value`` if it is allowed, else ValueError (every input goes through here)."""
        if self.what == "winback":
            if value not in WINBACK:
                raise ValueError(f"win-back offer must be one of {WINBACK}, got {value!r}")
            return value
        x = float(value)
        if not self.lo <= x <= self.hi:
            raise ValueError(f"{self.key} must be within {self.lo}..{self.hi}, got {x}")
        return x


def _in_force(firm: Firm, t: int, type_: str,
              target: str | None = None) -> list[Strategy[Any]]:
    return [s for s in firm.strategies if s.cfg.type == type_ and s.cfg.in_force(t)
            and (target is None or getattr(s.cfg, "target", None) == target)]


def budget(firm: Firm, t: int) -> float:
    """Service spend per period the firm plans now (before any budget cut)."""
    return sum(sum(s.cfg.spend.model_dump().values())
               for s in _in_force(firm, t, "service_investment"))


def winback(firm: Firm, t: int) -> str:
    """Which win-back offers the firm makes now: one of ``WINBACK``."""
    on = [k for k, (type_, target) in KINDS.items() if _in_force(firm, t, type_, target)]
    return "both" if len(on) == 2 else on[0] if on else "none"


def levers(market: Market) -> list[LiveLever]:
    """The live levers of every firm, at their current values (three per firm)."""
    out: list[LiveLever] = []
    t = market.t
    for firm in market.firms:
        base = float(firm.cfg.price)
        step = grid_step(base, base * 1.5)
        out.append(LiveLever(firm.fid, "price", firm.price, 0.0 + step * round(base * 0.5 / step),
                             step * round(base * 1.5 / step), step))
        spend = budget(firm, t)
        if _in_force(firm, t, "service_investment") or spend:
            hi = nice(3 * spend) if spend else 30_000.0
            out.append(LiveLever(firm.fid, "budget", spend, 0.0, hi, grid_step(spend, hi)))
        out.append(LiveLever(firm.fid, "winback", winback(firm, t)))
    return out


def apply(market: Market, lever: LiveLever, value: object) -> None:
    """Make ``lever`` take ``value`` from the current period on (bounds-checked)."""
    checked = lever.check(value)
    firm = next(f for f in market.firms if f.fid == lever.firm)
    if isinstance(checked, str):
        _winback(market, firm, checked)
    elif lever.what == "price":
        _price(market, firm, checked)
    else:
        _budget(market, firm, checked)


def _price(market: Market, firm: Firm, value: float) -> None:
    ev = SetEvent(type="set", at=market.t, target=f"firms.{firm.fid}.price", value=value,
                  note="live lever")
    market.spec.events.append(ev)
    firm.price = float(value)


def _budget(market: Market, firm: Firm, total: float) -> None:
    for s in _in_force(firm, market.t, "service_investment"):
        spend = s.cfg.spend.model_dump()
        old = sum(spend.values())
        shares = {d: (v / old if old else 1 / 3) for d, v in spend.items()}
        s.cfg.spend = type(s.cfg.spend)(**{d: round(total * sh, 2) for d, sh in shares.items()})


def _winback(market: Market, firm: Firm, choice: str) -> None:
    t = market.t
    for kind, (type_, target) in KINDS.items():
        want = choice in (kind, "both")
        running = _in_force(firm, t, type_, target)
        if running and not want:
            for s in running:
                _end(firm, s, t)
        elif want and not running:
            _start(firm, kind, t)


def _end(firm: Firm, s: Strategy[Any], t: int) -> None:
    """End strategy ``s`` at ``t`` (drop it if it starts now: it has not acted yet)."""
    specs = firm.cfg.strategies
    if s.cfg.start >= t:
        specs.remove(s.cfg)
        firm.strategies.remove(s)
    else:
        s.cfg.end = t


def _start(firm: Firm, kind: str, t: int) -> None:
    """Start a win-back strategy of ``kind``: the firm's last one again, or the default."""
    type_, target = KINDS[kind]
    old = [c for c in firm.cfg.strategies if c.type == type_ and
           getattr(c, "target", None) == target]
    if old:
        cfg = old[-1].model_copy(update={"start": t, "end": None})
    else:
        cfg = REGISTRY[type_][0](**{**DEFAULTS[kind], "start": t})
    firm.cfg.strategies.append(cfg)
    firm.strategies.append(build(cfg))
