"""The architecture of sim/ (docs/ARCHITECTURE.md): six floors, mechanisms side by side.

Floors, bottom up: 1 state (customers, step data, shared rules), 2 mechanisms and strategies,
3 model (firm, model, registry, scenario schema), 4 api (run, outputs), 5 cli, 6 the layers
on top (experiments, dashboard, validation, data, analysis). A module imports (at its top
level; imports inside functions and under TYPE_CHECKING are not dependencies) only from its
own floor or below, and no mechanism imports another mechanism.
"""

import ast
from pathlib import Path

import pytest

from sim.mechanisms import REGISTRY
from sim.step import Mechanism, Phase

SIM = Path(__file__).resolve().parents[1] / "sim"
STATE = {"constants", "config", "scale", "step", "customers", "network", "talk", "transitions",
         "analysis",
         "prices", "sampling", "trust"}
MECHANISMS = {"choice", "experience", "bonds", "churn", "accounting", "awareness", "wom",
              "referrals", "complaints", "contagion", "loyalty_types", "turnover", "cohorts",
              "events", "arrivals", "dropout", "purchases", "contacts", "staff", "occasions"}
MODEL = {"model", "firm", "metrics", "mechanisms"}
API = {"api", "output", "plots", "palette", "__init__"}
TOP = {"experiments", "dashboard", "validation", "data"}


def floor(module: str) -> int:
    """Floor of a module given as a dotted name under sim (e.g. "strategies.base")."""
    head, _, rest = module.partition(".")
    if head in STATE:
        return 1
    if head in MECHANISMS or (head == "strategies" and rest):
        return 2
    if head in MODEL or head == "scenario" or module == "strategies":
        return 3
    if head in API:
        return 4
    if head == "cli":
        return 5
    if head in TOP:
        return 6
    raise AssertionError(f"sim.{module} has no floor: add it to tests/test_architecture.py")


def modules() -> dict[str, Path]:
    out = {}
    for p in SIM.rglob("*.py"):
        parts = p.relative_to(SIM).with_suffix("").parts
        name = ".".join(parts[:-1]) if parts[-1] == "__init__" and len(parts) > 1 \
            else ".".join(parts)
        out[name] = p
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of sim imported at the top level of ``path`` (not lazily, not for typing)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
            mod = ".".join([*base, node.module] if node.module else base)
            cands = [mod, *(f"{mod}.{a.name}".strip(".") for a in node.names)]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
            mod = node.module.removeprefix("sim").lstrip(".")
            cands = [mod, *(f"{mod}.{a.name}".strip(".") for a in node.names)]
        else:
            continue
        found |= {c for c in cands if c in known and c != name}
    return found


def test_every_import_goes_to_the_same_floor_or_below():
    mods = modules()
    bad = [(m, d, floor(m), floor(d)) for m, p in mods.items()
           for d in imports(m, p, set(mods)) if floor(d) > floor(m)]
    assert bad == [], bad


def test_mechanisms_stand_side_by_side():
    mods = modules()
    for m in MECHANISMS:
        deps = imports(m, mods[m], set(mods))
        assert not deps & MECHANISMS, f"sim/{m}.py imports mechanisms {deps & MECHANISMS}"
    for m in [m for m in mods if m.startswith("strategies.")]:
        deps = imports(m, mods[m], set(mods))
        assert not {d.partition(".")[0] for d in deps} & MECHANISMS, (m, deps)


def test_at_most_six_floors():
    assert max(floor(m) for m in modules()) <= 6


@pytest.mark.parametrize("entry", REGISTRY, ids=[e.key for e in REGISTRY])
def test_each_mechanism_declares_itself(entry):
    cls = entry.load()
    assert issubclass(cls, Mechanism) and cls.key == entry.key
    assert set(cls.counts) <= set(cls.columns) and set(cls.defaults) == set(cls.columns)
    hooks = {Phase.START: "start", Phase.MASK: "mask", Phase.OCCASIONS: "occasions",
             Phase.SERVED: "served",
             Phase.BEFORE_LOSSES: "before_losses", Phase.LOSSES: "losses",
             Phase.AFTER_LOSSES: "after_losses", Phase.REMOVED: "removed",
             Phase.RECYCLED: "recycled", Phase.ROW: "row", Phase.END: "end"}
    for phase, name in hooks.items():
        overridden = getattr(cls, name) is not getattr(Mechanism, name)
        assert overridden == (phase in cls.phases), (entry.key, phase)
    from sim.metrics import COLUMNS
    assert set(cls.columns) <= set(COLUMNS)


def test_the_strategy_union_lists_every_registered_type():
    import typing

    from sim.strategies import REGISTRY as STRATEGIES
    from sim.strategies import StrategyConfig

    members = typing.get_args(typing.get_args(StrategyConfig)[0])
    assert {m for m in members} == {cfg for cfg, _ in STRATEGIES.values()}
