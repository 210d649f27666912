"""What ``run.py schema`` prints: the JSON Schema (with the limits) and a table of fields.

``field_table()`` lists every field of a scenario file with its type, allowed range and default,
one row per field, blocks followed into (strategies and events per ``type``).
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from . import limits
from .schema import Scenario

LIMITS_NOTE = ("Limits checked before any work starts (raise one deliberately with its "
               "environment variable): " + limits.describe() + ".")


def json_schema() -> dict[str, Any]:
    """The scenario JSON Schema, with the work limits in its descriptions."""
    schema = Scenario.model_json_schema()
    schema["description"] = f"{schema.get('description', '').strip()}\n\n{LIMITS_NOTE}".strip()
    props = schema.get("properties", {})
    note = (f" Agents x periods may be at most {limits.AGENT_PERIODS.default:,} "
            f"({limits.AGENT_PERIODS.env}).")
    if "horizon" in props:
        props["horizon"]["description"] = props["horizon"].get("description", "") + note
    market = schema.get("$defs", {}).get("Market", {}).get("properties", {})
    if "customers" in market:
        market["customers"]["description"] = (market["customers"].get("description", "") + note
                                              + " The memory a run needs must fit in what this "
                                                "process may use.")
    return schema


def field_rows(model: type[BaseModel] = Scenario, prefix: str = "") -> list[tuple[str, ...]]:
    """(field, type, range, default, description) for every field of ``model``, depth first."""
    rows: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        tp = info.annotation
        rows.append((path, _type_name(tp), _range(info), _default(info),
                     " ".join((info.description or "").split())))
        for sub_prefix, sub in _blocks(tp, path):
            rows += field_rows(sub, sub_prefix)
    return rows


def field_table(model: type[BaseModel] = Scenario) -> str:
    """The fields of ``model`` as an aligned text table, with the limits underneath."""
    head = ("field", "type", "range", "default", "meaning")
    rows = [head, *field_rows(model)]
    widths = [min(max(len(r[k]) for r in rows), cap) for k, cap in enumerate((58, 30, 22, 16))]
    lines = []
    for k, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) if len(row[i]) <= widths[i] else row[i]
                 for i in range(4)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths) + "  -------")
    lines += ["", "x[]: an item of list x; x[type=t]: an item whose type is t; x.<name>: the "
              "value for a name (e.g. a firm id).", LIMITS_NOTE]
    return "\n".join(lines)


def _blocks(tp: Any, path: str) -> list[tuple[str, type[BaseModel]]]:
    """Schema blocks one step inside annotation ``tp`` (lists, mappings, tagged unions)."""
    tp = _strip(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [(path, tp)]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list and args:
        return [(p if p.startswith(f"{path}[type=") else p.replace(path, f"{path}[]", 1), m)
                for p, m in _blocks(args[0], path)]
    if origin is dict and len(args) == 2:
        return [(p.replace(path, f"{path}.<name>", 1), m) for p, m in _blocks(args[1], path)]
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        models = [m for a in members for _, m in _blocks(a, path)]
        if len(models) > 1:
            out = []
            for m in models:
                tag = typing.get_args(m.model_fields["type"].annotation) \
                    if "type" in m.model_fields else ()
                out.append((f"{path}[type={tag[0]}]" if tag else path, m))
            return out
        return [(path, m) for m in models]
    return []


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _type_name(tp: Any) -> str:
    """A short readable name of annotation ``tp``."""
    tp = _strip(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return "one of " + "|".join(str(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"name -> {_type_name(args[1])}" if len(args) == 2 else "mapping"
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        names = []
        for m in members:
            m = _strip(m)
            if isinstance(m, type) and issubclass(m, BaseModel) and "type" in m.model_fields:
                names.append("block by type (rows below)")
            else:
                names.append(_type_name(m))
        text = " or ".join(dict.fromkeys(names))
        return f"{text} (or null)" if len(members) < len(args) else text
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "block"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + "|".join(str(e.value) for e in tp)
    return {bool: "true/false", int: "integer", float: "number", str: "text"}.get(tp, str(tp))


def _range(info: FieldInfo) -> str:
    """The allowed range from the field's constraints, e.g. ``0 <= x <= 1``."""
    lo = hi = ""
    extra: list[str] = []
    for m in _metadata(info):
        if isinstance(m, at.Ge):
            lo = f"{_num(m.ge)} <= "
        elif isinstance(m, at.Gt):
            lo = f"{_num(m.gt)} < "
        elif isinstance(m, at.Le):
            hi = f" <= {_num(m.le)}"
        elif isinstance(m, at.Lt):
            hi = f" < {_num(m.lt)}"
        elif isinstance(m, at.MinLen):
            extra.append(f"length >= {m.min_length}")
        elif isinstance(m, at.MaxLen):
            extra.append(f"length <= {m.max_length}")
        elif getattr(m, "pattern", None):
            extra.append(f"matches {m.pattern}")
    bounds = f"{lo}x{hi}" if lo or hi else ""
    return ", ".join([b for b in [bounds, *extra] if b])


def _metadata(info: FieldInfo) -> list[Any]:
    """The field's constraints, including those inside an ``Annotated`` alias."""
    out = list(info.metadata)
    tp = info.annotation
    while typing.get_origin(tp) is typing.Annotated:
        for extra in typing.get_args(tp)[1:]:
            out += list(getattr(extra, "metadata", []) or [])
            if not isinstance(extra, FieldInfo):
                out.append(extra)
        tp = typing.get_args(tp)[0]
    return out


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return f"{value:.0e}".replace("e+0", "e").replace("e+", "e")
    if isinstance(value, int) and abs(value) >= 1_000_000:
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _default(info: FieldInfo) -> str:
    """The default as written in a scenario (``required`` when there is none)."""
    if info.default_factory is not None:
        try:
            value = info.default_factory()  # type: ignore[call-arg]
        except TypeError:
            return "(computed)"
    elif info.default is PydanticUndefined:
        return "required"
    else:
        value = info.default
    if isinstance(value, BaseModel):
        return "(block defaults)"
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, dict)) and not value:
        return "[]" if isinstance(value, list) else "{}"
    return str(value)
