"""Load a scenario YAML safely, apply overrides, validate it, and explain any problem.

Every problem names the file, the field path, the line, the bad value and what is allowed;
unknown keys get a did-you-mean. Nothing is run or written for an invalid file.
"""

from __future__ import annotations

import difflib
import os
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from ..customers import estimate_bytes
from .errors import InputError, Problem, fmt_path
from .schema import Scenario

TEMPORARY_FACTOR = 1.6  # peak step memory relative to the customer arrays (see bench/)


def read_yaml(path) -> tuple[object, dict]:
    """Parse ``path`` with the safe loader; return (data, {path tuple: line number})."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, [Problem("", f"cannot read file: {e}")]) from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            lines: dict = {}
            _walk(node, (), lines, path)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = f"YAML syntax error: {e.problem or e.context}"
        raise InputError(path, [Problem("", msg, mark.line + 1 if mark else None)]) from None
    except yaml.YAMLError as e:
        raise InputError(path, [Problem("", f"YAML error: {e}")]) from None
    return data, lines


def _walk(node, loc, lines, path) -> None:
    """Record the line of every key and item; refuse duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for k, v in node.value:
            key = k.value
            if key in seen:
                raise InputError(path, [Problem(fmt_path(loc + (key,)), "duplicate key",
                                                k.start_mark.line + 1)])
            seen.add(key)
            lines[loc + (key,)] = k.start_mark.line + 1
            _walk(v, loc + (key,), lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            lines[loc + (i,)] = v.start_mark.line + 1
            _walk(v, loc + (i,), lines, path)


def apply_override(data: dict, expr: str, file: str) -> tuple:
    """Apply ``a.b.c=VALUE`` (VALUE parsed as YAML) to ``data``; list items by index or id."""
    key, sep, raw = expr.partition("=")
    if not sep or not key:
        raise InputError(file, [Problem(expr, "an override is path.to.key=VALUE")])
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    parts, node, loc = key.split("."), data, ()
    for part in parts[:-1]:
        node, step = _child(node, part, loc, file, expr)
        loc += (step,)
    last = parts[-1]
    if isinstance(node, list):
        _, step = _child(node, last, loc, file, expr)
        node[step] = value
    elif isinstance(node, dict):
        node[last] = value
        step = last
    else:
        raise InputError(file, [Problem(fmt_path(loc), f"--set {expr}: not a mapping or list")])
    return loc + (step,)


def _child(node, part, loc, file, expr):
    """Step into ``part`` of a dict or list (list items by index, id, name or type)."""
    if isinstance(node, dict):  # a missing block is created; validation checks its name
        return node.setdefault(part, {}), part
    if isinstance(node, list):
        if part.lstrip("-").isdigit() and -len(node) <= int(part) < len(node):
            return node[int(part)], int(part) % len(node)
        for i, item in enumerate(node):
            keys = (item.get("id"), item.get("name"), item.get("type")) if isinstance(item, dict) \
                else ()
            if part in keys:
                return item, i
        names = [str(it.get("id") or it.get("name") or it.get("type")) for it in node
                 if isinstance(it, dict)]
        msg = f"--set {expr}: no item {part!r}; items are {names} or indices 0..{len(node) - 1}"
        raise InputError(file, [Problem(fmt_path(loc), msg)])
    raise InputError(file, [Problem(fmt_path(loc + (part,)),
                                    f"--set {expr}: {fmt_path(loc) or 'the top level'} is a "
                                    f"value, not a mapping or list")])


def load_document(path, model: type[BaseModel], what: str):
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


def load_scenario(path, overrides=(), customers: int | None = None,
                  periods: int | None = None) -> Scenario:
    """Read, override and validate a scenario file. Raises ``InputError`` on any problem."""
    file = str(path)
    data, lines = read_yaml(file)
    if not isinstance(data, dict):
        raise InputError(file, [Problem("", "a scenario must be a mapping of keys to values", 1)])
    for expr in overrides:
        lines[apply_override(data, expr, file)] = None
    if customers is not None:
        set_agents(data, customers)
    if periods is not None:
        data["horizon"] = periods
    scenario = validate(Scenario, data, lines, file)
    check_memory(scenario, lines, file)
    return scenario


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


def validate(model: type[BaseModel], data, lines: dict, file: str):
    """Validate ``data`` against ``model``; raise an ``InputError`` that explains every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InputError(file, [_problem(err, model, data, lines) for err in e.errors()]) from None


def _problem(err, model, data, lines) -> Problem:
    """Turn one pydantic error into a Problem with the data path, line and value."""
    loc, node = _data_loc(err["loc"], data)
    line = _line(loc, lines)
    path = fmt_path(loc)
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1], data)
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        return Problem(path, f"unknown key{hint} Allowed keys: {', '.join(allowed)}", line)
    if kind == "missing":
        return Problem(path, "required field is missing", line)
    msg = msg.removeprefix("Value error, ")
    return Problem(path, msg, line, node, has_value=not isinstance(node, (dict, list)))


def _data_loc(loc, data):
    """Drop the union tags pydantic puts in ``loc``; return (clean loc, value at it)."""
    clean, node = (), data
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


def _line(loc, lines):
    """Line of ``loc`` or of its nearest parent known to the YAML."""
    for k in range(len(loc), -1, -1):
        if lines.get(tuple(loc[:k])):
            return lines[tuple(loc[:k])]
    return None


def _allowed_keys(model, loc, data) -> list[str]:
    """Field names of the schema block at ``loc`` (following lists, dicts and unions)."""
    tp, node = model, data
    for part in loc:
        node = node[part] if isinstance(node, (dict, list)) else None
        tp = _step_type(tp, part, node)
    tp = _unwrap(tp, node)
    return sorted(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _step_type(tp, part, node):
    """The annotation one step down from ``tp`` at ``part``."""
    tp = _unwrap(tp, node)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp.model_fields[part].annotation
    args = typing.get_args(tp)
    if typing.get_origin(tp) is list:
        return args[0]
    if typing.get_origin(tp) is dict:
        return args[1]
    return tp


def _unwrap(tp, node):
    """Strip Annotated / Optional; pick a tagged union's member from ``node['type']``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            tag = node.get("type") if isinstance(node, dict) else None
            match = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)
                     and tag in typing.get_args(m.model_fields.get("type").annotation
                                                if "type" in m.model_fields else None)]
            tp = match[0] if match else members[0]
        else:
            return tp


def check_memory(scenario: Scenario, lines: dict, file: str) -> None:
    """Refuse a population whose arrays would not fit in this machine's memory."""
    need = estimate_bytes(scenario.market.customers, len(scenario.firms)) * TEMPORARY_FACTOR
    avail = available_memory()
    if need > 0.8 * avail:
        msg = (f"{scenario.market.customers:,} customers x {len(scenario.firms)} firms need about "
               f"{need / 2**30:.1f} GiB; this machine has {avail / 2**30:.1f} GiB available")
        loc = ("market", "customers")
        raise InputError(file, [Problem(fmt_path(loc), msg, _line(loc, lines),
                                        scenario.market.customers, True)])


def available_memory() -> int:
    """Bytes of memory available (MemAvailable, else physical memory)."""
    try:
        with open("/proc/meminfo") as fh:
            for row in fh:
                if row.startswith("MemAvailable:"):
                    return int(row.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
