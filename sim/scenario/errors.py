"""Readable errors for bad scenario input: file, field path, line, bad value, what is allowed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One thing wrong with an input file."""

    path: str
    message: str
    line: int | None = None
    value: object = None
    has_value: bool = False

    def render(self, file: str) -> str:
        """``file:line: path = value: message``."""
        where = f"{file}:{self.line}" if self.line else file
        field = self.path or "(top level)"
        shown = f" = {self.value!r}" if self.has_value else ""
        return f"{where}: {field}{shown}: {self.message}"


class InputError(Exception):
    """Invalid input (scenario, experiment, override). The CLI prints it and exits with 2."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file, self.problems = file, problems
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"invalid input in {self.file} ({len(self.problems)} problem"
        head += "s):" if len(self.problems) != 1 else "):"
        return "\n".join([head, *("  " + p.render(self.file) for p in self.problems)])


def fmt_path(loc) -> str:
    """('firms', 1, 'price') -> 'firms[1].price'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
