"""Readable errors for bad scenario input: file, field path, line, bad value, what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Problem:
    """One thing wrong with an input file or a command-line option.

    Attributes:
        path: The field path (``firms[1].price``) or the option (``--seed``).
        message: What is wrong and what is allowed.
        line: Line of the file the problem is on (None: no line, e.g. an option).
        value: The bad value (shown when ``has_value``).
        has_value: Whether ``value`` is shown.
        origin: Where the bad value came from when it is not the file itself, e.g.
            ``--set firms.eaton.price=-5`` or ``--periods 0``: shown instead of ``file:line``.
    """

    path: str
    message: str
    line: int | None = None
    value: object = None
    has_value: bool = False
    origin: str | None = None

    def render(self, file: str) -> str:
        """``file:line: path = value: message`` (``origin: path = value: message``)."""
        if self.origin:
            where = f"{self.origin} (command line)"
            message = self.message.removeprefix(f"{self.origin}: ")
            if self.path and self.origin.split(" ")[0] == self.path:  # the option itself
                return f"{where}: {message}"
            shown = f" = {self.value!r}" if self.has_value else ""
            return f"{where}: {self.path or '(top level)'}{shown}: {message}"
        else:
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


def fmt_path(loc: Iterable[object]) -> str:
    """('firms', 1, 'price') -> 'firms[1].price'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class LocatedError(ValueError):
    """A validator's error about a field other than the one validated (a cross-field check).

    ``loc`` is the path of the field it concerns, relative to the validated block; the loader
    reports the error at that field's line.
    """

    def __init__(self, loc: tuple[str | int, ...], message: str):
        self.loc = loc
        super().__init__(message)
