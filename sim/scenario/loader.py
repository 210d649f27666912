"""Load a scenario YAML safely, apply overrides, validate it, and explain any problem.

Every problem names the file (or the command-line option it came from), the field path, the
line, the bad value and what is allowed; unknown keys get a did-you-mean. Nothing is run or
written for an invalid file. The YAML is bounded before it is built (``limits.py``): its size,
its nodes once aliases are expanded (an alias bomb is refused from its events, without
expanding it) and its nesting depth; a self-referencing alias is refused.
"""

from __future__ import annotations

import difflib
import re
import typing
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import limits
from .errors import InputError, Problem, fmt_path
from .memory import check_resources
from .schema import Scenario

Loc = tuple[Any, ...]
Lines = dict[Loc, int | None]
Origins = dict[Loc, str]
SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class HorizonWarning(UserWarning):
    """Events dropped because ``--periods`` ends the run before they happen."""


def read_yaml(path: str | Path) -> tuple[object, Lines]:
    """Parse ``path`` with the safe loader; return (data, {path tuple: line number}).

    Raises:
        InputError: The file cannot be read, is too large, is not valid YAML, or its aliases
            expand beyond the limits or refer to themselves.
    """
    path = str(path)
    cap = limits.YAML_BYTES.value()
    try:
        with open(path, "rb") as fh:  # read at most cap + 1 bytes: /dev/zero stays bounded
            raw = fh.read(cap + 1)
    except OSError as e:
        raise InputError(path, [Problem("", f"cannot read file: {e.strerror or e}")]) from None
    if len(raw) > cap:
        msg = (f"the file is larger than the limit of {cap:,} bytes ({limits.YAML_BYTES.env}); "
               f"a scenario is usually under 20 kB; {limits.YAML_BYTES.how_to_raise()}")
        raise InputError(path, [Problem("", msg)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, [Problem("", f"cannot read file: not UTF-8 text ({e.reason} at "
                                            f"byte {e.start})")]) from None
    return parse_yaml(text, path)


def parse_yaml(text: str, file: str, origin: str | None = None) -> tuple[object, Lines]:
    """Parse YAML ``text`` within the limits; return (data, lines).

    Args:
        text: The YAML.
        file: The file it came from (for messages).
        origin: The command-line option it came from (``--set ...``), if any.
    """
    try:
        _scan(text, file, origin)
        loader = SafeLoader(text)
        try:
            node = loader.get_single_node()
            lines: Lines = {}
            if node is not None:
                _walk(node, (), lines, file, loader, origin)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = f"YAML syntax error: {e.problem or e.context}"
        line = mark.line + 1 if mark and origin is None else None
        raise InputError(file, [Problem("", msg, line, origin=origin)]) from None
    except yaml.YAMLError as e:
        raise InputError(file, [Problem("", f"YAML error: {e}", origin=origin)]) from None
    except RecursionError:  # belt and braces: _scan bounds the depth first
        raise InputError(file, [Problem("", "YAML nested too deeply", origin=origin)]) from None
    return data, lines


def _scan(text: str, file: str, origin: str | None) -> None:
    """Walk the YAML events once and refuse it before anything is built.

    Counts the nodes the document would have with every alias expanded, and its depth, from
    the sizes of the anchored nodes (an alias bomb is measured, never expanded); refuses an
    alias to a node that contains it.
    """
    max_nodes, max_depth = limits.YAML_NODES.value(), limits.YAML_DEPTH.value()
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, depth) of its node
    stack: list[list] = []  # open blocks: [anchor, nodes inside, depth inside]
    total = 0
    loader = SafeLoader(text)

    def refuse(msg: str, event: yaml.Event) -> typing.NoReturn:
        line = event.start_mark.line + 1 if event.start_mark and origin is None else None
        raise InputError(file, [Problem("", msg, line, origin=origin)])

    def add(nodes: int, depth: int, event: yaml.Event) -> None:
        nonlocal total
        total += nodes
        if total > max_nodes:
            refuse(f"the YAML has more than {max_nodes:,} values, keys and blocks once its "
                   f"aliases are expanded (limit {limits.YAML_NODES.env}); "
                   f"{limits.YAML_NODES.how_to_raise()}", event)
        if len(stack) + depth > max_depth:
            refuse(f"the YAML is nested more than {max_depth} levels deep once its aliases are "
                   f"expanded (limit {limits.YAML_DEPTH.env}); "
                   f"{limits.YAML_DEPTH.how_to_raise()}", event)
        if stack:
            stack[-1][1] += nodes
            stack[-1][2] = max(stack[-1][2], depth)

    try:
        while loader.check_event():
            ev = loader.get_event()
            if isinstance(ev, yaml.ScalarEvent):
                add(1, 0, ev)
                if ev.anchor:
                    sizes[ev.anchor] = (1, 0)
            elif isinstance(ev, yaml.AliasEvent):
                if any(frame[0] == ev.anchor for frame in stack):
                    refuse(f"the alias *{ev.anchor} refers to a block that contains it (a "
                           "self-referencing alias has no end); repeat the values instead",
                           ev)
                # an undefined alias: the composer says so
                nodes, depth = sizes.get(ev.anchor or "", (1, 0))
                add(nodes, depth, ev)
            elif isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                add(1, 1, ev)
                stack.append([ev.anchor, 0, 0])
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, inside, depth = stack.pop()
                if stack:  # the block's own node was counted at its start
                    stack[-1][1] += inside
                    stack[-1][2] = max(stack[-1][2], depth + 1)
                if anchor:
                    sizes[anchor] = (inside + 1, depth + 1)
    finally:
        loader.dispose()


def _walk(node: yaml.Node, loc: Loc, lines: Lines, path: str, loader: Any,
          origin: str | None) -> None:
    """Record the line of every key and item; refuse duplicate and non-scalar keys."""
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for k, v in node.value:
            line = k.start_mark.line + 1
            if not isinstance(k, yaml.ScalarNode):
                kind = "list" if isinstance(k, yaml.SequenceNode) else "mapping"
                raise InputError(path, [Problem(fmt_path(loc), f"a {kind} is used as a key; "
                                                "keys must be plain names (text or numbers)",
                                                None if origin else line, origin=origin)])
            key = loader.construct_object(k)
            if key is None or isinstance(key, (bool, float)) or not isinstance(key, (str, int)):
                key = k.value  # null, booleans and numbers as keys: compared as written
            if key in seen:
                raise InputError(path, [Problem(fmt_path(loc + (key,)), "duplicate key",
                                                None if origin else line, origin=origin)])
            seen.add(key)
            lines[loc + (key,)] = line
            _walk(v, loc + (key,), lines, path, loader, origin)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            lines[loc + (i,)] = v.start_mark.line + 1
            _walk(v, loc + (i,), lines, path, loader, origin)


def apply_override(data: dict, expr: str, file: str) -> Loc:
    """Apply ``a.b.c=VALUE`` (VALUE parsed as YAML) to ``data``; list items by index or id.

    Returns:
        The data path the override set. Raises ``InputError`` (naming the option) if the path
        does not exist or the value is not valid YAML within the limits.
    """
    origin = f"--set {expr}"
    key, sep, raw = expr.partition("=")
    if not sep or not key:
        raise InputError(file, [Problem("--set", f"{origin}: an override is path.to.key=VALUE",
                                        origin=origin)])
    parts = key.split(".")
    if any(not p.strip() for p in parts):
        raise InputError(file, [Problem(key, f"{origin}: empty name in the path (two dots, or a "
                                             "dot at an end); a path is like firms.eaton.price",
                                        origin=origin)])
    try:
        value, _ = parse_yaml(raw, file, origin)
    except InputError as e:
        if not any("limit" in p.message or "alias" in p.message for p in e.problems):
            value = raw  # not YAML: taken as text, validation says if text is wrong there
        else:
            raise
    node: Any = data
    loc: Loc = ()
    for part in parts[:-1]:
        node, step = _child(node, part, loc, file, expr, create=True)
        loc += (step,)
    last = parts[-1]
    if isinstance(node, list):
        _, step = _child(node, last, loc, file, expr, create=False)
        node[step] = value
    elif isinstance(node, dict):
        node[last] = value
        step = last
    else:
        raise InputError(file, [Problem(fmt_path(loc), f"{origin}: not a mapping or list",
                                        origin=origin)])
    return loc + (step,)


def _child(node: Any, part: str, loc: Loc, file: str, expr: str,
           create: bool) -> tuple[Any, Any]:
    """Step into ``part`` of a dict or list (list items by index, id, name or type)."""
    origin = f"--set {expr}"
    if isinstance(node, dict):  # a missing block is created; validation checks its name
        if create and node.get(part) is None:
            node[part] = {}
        return node[part], part
    if isinstance(node, list):
        if part.isdigit() and int(part) < len(node):
            return node[int(part)], int(part)
        for i, item in enumerate(node):
            keys = (item.get("id"), item.get("name"), item.get("type")) if isinstance(item, dict) \
                else ()
            if part in keys:
                return item, i
        names = [str(it.get("id") or it.get("name") or it.get("type")) for it in node
                 if isinstance(it, dict)]
        span = f"indices 0..{len(node) - 1}" if node else "no indices (the list is empty)"
        neg = " (counting from the end is not supported)" if re.fullmatch(r"-\d+", part) else ""
        msg = f"{origin}: no item {part!r}{neg}; items are {names} or {span}"
        raise InputError(file, [Problem(fmt_path(loc), msg, origin=origin)])
    where = fmt_path(loc) or "the top level"
    raise InputError(file, [Problem(fmt_path(loc + (part,)), f"{origin}: {where} is a value, "
                                    "not a mapping or list", origin=origin)])


def load_document(path: str | Path, model: type[BaseModel], what: str) -> tuple[Any, dict, Lines]:
    """Read a YAML file that must be a mapping and validate it against ``model``.

    Args:
        path: The file.
        model: The schema (e.g. an experiment or a calibration).
        what: What the file is, for the error message ("an experiment", ...).

    Returns:
        (validated model, raw data, {path tuple: line}); raises ``InputError`` on any problem.
    """
    file = str(path)
    raw, lines = read_yaml(file)
    if not isinstance(raw, dict):
        raise InputError(file, [Problem("", f"{what} must be a mapping of keys to values", 1)])
    return validate(model, raw, lines, file), raw, lines


def load_scenario(path: str | Path, overrides: Iterable[str] = (), customers: int | None = None,
                  periods: int | None = None) -> Scenario:
    """Read, override and validate a scenario file. Raises ``InputError`` on any problem.

    ``periods`` shortens (or lengthens) the run: events of the file at or after ``periods``
    but before the file's own horizon are dropped with a ``HorizonWarning``; an event at or
    after the file's own horizon is an error either way.
    """
    file = str(path)
    data, lines = read_yaml(file)
    if not isinstance(data, dict):
        raise InputError(file, [Problem("", "a scenario must be a mapping of keys to values", 1)])
    origins: Origins = {}
    for expr in overrides:
        loc = apply_override(data, expr, file)
        lines[loc] = None
        origins[loc] = f"--set {expr}"
    if customers is not None:
        set_agents(data, customers)
        origins[("market", "customers")] = f"--customers {customers}"
    if periods is not None:
        _drop_late_events(data, lines, periods, file)
        data["horizon"] = periods
        origins[("horizon",)] = f"--periods {periods}"
    scenario = validate(Scenario, data, lines, file, origins)
    check_memory(scenario, lines, file, origins)
    return scenario


def _drop_late_events(data: dict, lines: Lines, periods: int, file: str) -> None:
    """Drop the events ``--periods`` cuts off; refuse events beyond the file's own horizon."""
    events = data.get("events")
    horizon = data.get("horizon", Scenario.model_fields["horizon"].default)
    if not isinstance(events, list) or isinstance(horizon, bool) or not isinstance(horizon, int) \
            or isinstance(periods, bool) or not isinstance(periods, int):
        return  # validation reports the wrong types
    problems, keep = [], []
    for k, ev in enumerate(events):
        at = ev.get("at") if isinstance(ev, dict) else None
        if isinstance(at, int) and not isinstance(at, bool) and at >= horizon:
            loc = ("events", k, "at")
            problems.append(Problem(fmt_path(loc), f"the event is at or after the file's own "
                                    f"horizon ({horizon}); events happen at periods "
                                    f"0..{horizon - 1}", _line(loc, lines), at, True))
        elif isinstance(at, int) and not isinstance(at, bool) and at >= periods:
            warnings.warn(HorizonWarning(
                f"{file}: events[{k}] at {at} is dropped: --periods {periods} ends the run "
                f"before it"), stacklevel=3)
        else:
            keep.append(k)
    if problems:
        raise InputError(file, problems)
    if len(keep) == len(events):
        return
    moved = {}
    for j, k in enumerate(keep):
        for loc, line in list(lines.items()):
            if loc[:2] == ("events", k):
                moved[("events", j, *loc[2:])] = line
    for loc in [loc for loc in lines if loc[:1] == ("events",) and len(loc) > 1]:
        del lines[loc]
    lines.update(moved)
    data["events"] = [events[k] for k in keep]


def set_agents(data: dict, customers: int) -> None:
    """Simulate the market with ``customers`` agents; its population stays what the file says.

    A file without ``market.population`` describes a market of ``market.customers`` real
    customers (each agent one customer): that number becomes the population.
    """
    market = data.setdefault("market", {})
    if isinstance(market, dict):
        if "population" not in market and "customers" in market:
            market["population"] = market["customers"]
        market["customers"] = customers


def validate(model: type[BaseModel], data: object, lines: Lines, file: str,
             origins: Origins | None = None) -> Any:
    """Validate ``data`` against ``model``; raise an ``InputError`` that explains every problem.

    Args:
        model: The schema.
        data: The parsed YAML (after overrides).
        lines: ``{data path: line}`` from ``read_yaml``.
        file: The file, for messages.
        origins: ``{data path: option}`` for values set on the command line: problems at or
            under them name the option instead of a line of the file.
    """
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = [_problem(err, model, data, lines, origins or {}) for err in e.errors()]
        raise InputError(file, problems) from None
    except RecursionError:  # a self-referencing structure built in Python, not from YAML
        raise InputError(file, [Problem("", "the data refers to itself")]) from None


def _problem(err: Any, model: type[BaseModel], data: object, lines: Lines,
             origins: Origins) -> Problem:
    """Turn one pydantic error into a Problem with the data path, line (or option) and value."""
    loc, node = _data_loc(err["loc"], data)
    kind, msg = err["type"], err["msg"]
    cross = _cross_field_loc(err, loc, data)
    if cross is not None:  # a model validator's error: place it in the block it concerns
        loc, node = cross, _at(data, cross)
    origin = _origin(loc, origins, cross is not None or kind == "value_error")
    line = None if origin else _line(loc, lines)
    path = fmt_path(loc)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1], data)
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        return Problem(path, f"unknown key{hint} Allowed keys: {', '.join(allowed)}", line,
                       origin=origin)
    if kind == "missing":
        return Problem(path, "required field is missing", line, origin=origin)
    msg = msg.removeprefix("Value error, ")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        msg = f"expected a block of key: value pairs, got {_kind(node)}"
    elif kind == "list_type":
        msg = f"expected a list, got {_kind(node)}"
    shown = not isinstance(node, (dict, list)) or (origin is not None and cross is None)
    return Problem(path, msg, line, node, has_value=shown, origin=origin)


def _kind(value: object) -> str:
    """'a list', 'text', 'a number', ... for messages."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of key: value pairs"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _origin(loc: Loc, origins: Origins, cross: bool) -> str | None:
    """The command-line option that set ``loc`` or a block holding it.

    For a cross-field error about a block, an option that set a value inside it also counts.
    """
    for o in sorted(origins, key=len, reverse=True):
        if loc[:len(o)] == o or (cross and loc and o[:len(loc)] == loc):
            return origins[o]
    return None


def _cross_field_loc(err: Any, loc: Loc, data: object) -> Loc | None:
    """The data path a model validator's error concerns (None for an ordinary field error).

    A validator may raise an error with a ``loc`` attribute (relative to its block);
    otherwise the message is read for the path it names (``events[2]``,
    ``market.initial.x``, ``firm 'eaton'``).
    """
    if err["type"] != "value_error":
        return None
    exc = (err.get("ctx") or {}).get("error")
    sub = getattr(exc, "loc", None)
    if sub is not None:
        return tuple(loc) + tuple(sub)
    if loc:
        return None  # a block's own validator: the error is placed at that block
    found = _loc_in_message(str(err["msg"]).removeprefix("Value error, "), loc, data)
    return found if found and found != tuple(loc) else None


def _loc_in_message(msg: str, base: Loc, data: object) -> Loc | None:
    """The deepest existing data path the message names, relative to ``base``."""
    block = _at(data, base)
    m = re.match(r"firm '([a-z0-9_]+)'(?:, (\w+))?", msg)
    if m and isinstance(block, dict) and isinstance(block.get("firms"), list):
        firms = block["firms"]
        for i, f in enumerate(firms):
            if isinstance(f, dict) and f.get("id") == m.group(1):
                kind = m.group(2) or ("pdca" if "pdca" in msg else None)
                listed = f.get("strategies")
                strategies: list[Any] = listed if isinstance(listed, list) else []
                for j, s in enumerate(strategies):
                    if isinstance(s, dict) and s.get("type") == kind:
                        return (*base, "firms", i, "strategies", j)
                return (*base, "firms", i)
    m = re.search(r"\bunknown firms \[([^\]]*)\]", msg)
    if m and "market.initial" in msg:
        first = m.group(1).split(",")[0].strip().strip("'\"")
        return (*base, "market", "initial", first)
    best: Loc | None = None
    for token in re.findall(r"[a-z_][a-z0-9_]*(?:(?:\.[a-z_][a-z0-9_]*)|(?:\[\d+\]))*", msg):
        parts: list[Any] = []
        for name, index in re.findall(r"([a-z_][a-z0-9_]*)|\[(\d+)\]", token):
            parts.append(int(index) if index else name)
        for k in range(len(parts), 0, -1):
            here = (*base, *parts[:k])
            if _at(data, here) is not None and (best is None or len(here) > len(best)):
                best = here
                break
    if best is None and re.search(r"\bfirm ids\b", msg):
        best = (*base, "firms")
    if best is None and re.search(r"\binitial active shares\b", msg):
        best = (*base, "market", "initial")
    return best


def _at(data: object, loc: Sequence[Any]) -> Any:
    """The value at data path ``loc`` (None if there is none)."""
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _data_loc(loc: Sequence[Any], data: object) -> tuple[Loc, Any]:
    """Drop the union tags pydantic puts in ``loc``; return (clean loc, value at it)."""
    clean: Loc = ()
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict) and node.get("type") == part:
            continue
        elif isinstance(part, str) and "[" in part:  # e.g. function-after[...]: a validator
            continue
        else:
            clean += (part,)
            node = None
            continue
        clean += (part,)
    return clean, node


def _line(loc: Sequence[Any], lines: Lines) -> int | None:
    """Line of ``loc`` or of its nearest parent known to the YAML."""
    for k in range(len(loc), -1, -1):
        if lines.get(tuple(loc[:k])):
            return lines[tuple(loc[:k])]
    return None


def _allowed_keys(model: type[BaseModel], loc: Sequence[Any], data: object) -> list[str]:
    """Field names of the schema block at ``loc`` (following lists, dicts and unions)."""
    tp: Any = model
    node: Any = data
    for part in loc:
        node = _at(node, (part,)) if isinstance(node, (dict, list)) else None
        tp = _step_type(tp, part, node)
    tp = _unwrap(tp, node)
    return sorted(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _step_type(tp: Any, part: Any, node: Any) -> Any:
    """The annotation one step down from ``tp`` at ``part``."""
    tp = _unwrap(tp, node)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(part)
        return field.annotation if field is not None else None
    args = typing.get_args(tp)
    if typing.get_origin(tp) is list:
        return args[0]
    if typing.get_origin(tp) is dict:
        return args[1]
    return tp


def _unwrap(tp: Any, node: Any) -> Any:
    """Strip Annotated / Optional; pick a tagged union's member from ``node['type']``."""
    import types

    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            tag = node.get("type") if isinstance(node, dict) else None
            match = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)
                     and "type" in m.model_fields
                     and tag in typing.get_args(m.model_fields["type"].annotation)]
            tp = match[0] if match else members[0]
        else:
            return tp


def check_memory(scenario: Scenario, lines: Lines, file: str,
                 origins: Origins | None = None) -> None:
    """Refuse a run over the agents x periods limit or beyond this process's memory.

    Kept under this name for the experiments (``sim/experiments/plan.py``); the memory
    estimate is in ``sim/scenario/memory.py``.
    """
    origins = origins or {}
    m = scenario.market
    loc = ("market", "customers")
    problems = []
    agents = m.customers or 0  # set by the schema's validator
    work = agents * scenario.horizon
    cap = limits.AGENT_PERIODS.value()
    if work > cap:
        origin = origins.get(loc) or origins.get(("horizon",))
        msg = (f"{m.customers:,} agents x {scenario.horizon:,} {scenario.period}s = {work:,} "
               f"agent-periods exceed the limit of {cap:,} ({limits.AGENT_PERIODS.env}); fewer "
               f"agents (--customers) simulate the same market with more noise; "
               f"{limits.AGENT_PERIODS.how_to_raise(work)}")
        problems.append(Problem(fmt_path(loc), msg, None if origin else _line(loc, lines),
                                m.customers, True, origin=origin))
    memory = check_resources(scenario)
    if memory is not None:
        origin = origins.get(loc)
        problems.append(Problem(fmt_path(loc), memory, None if origin else _line(loc, lines),
                                m.customers, True, origin=origin))
    if problems:
        raise InputError(file, problems)
