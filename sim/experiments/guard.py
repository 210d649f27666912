"""Detect a sweep started at import time of a script that lacks ``if __name__ == "__main__":``.

Worker processes (forkserver or spawn, and Dask's local workers) import the main script
again. Without the guard, each worker would start the experiment itself at import, fail, and
every run would end as ``WorkerDied``. The sweep refuses to start instead, and says why.
"""

from __future__ import annotations

import ast
import multiprocessing
import sys
from pathlib import Path
from types import FrameType, ModuleType


class MissingMainGuard(RuntimeError):
    """A sweep was started from the top level of a script without the ``__main__`` guard."""


GUARD_HELP = ("worker processes import the main script again, so a script that starts a "
              "sweep must do it under `if __name__ == \"__main__\":`, e.g.\n\n"
              "    from sim.experiments import run_experiment\n\n"
              "    if __name__ == \"__main__\":\n"
              "        df = run_experiment(\"scenarios/experiments/winback_variants.yaml\")\n")


def check_main_guard() -> None:
    """Raise ``MissingMainGuard`` if called from unguarded top-level code of ``__main__``."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise MissingMainGuard(f"a worker process is importing the main script: {GUARD_HELP}")
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or not Path(path).is_file():
        return
    line = _main_line(main)
    if line is None:
        return
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return
    if not _guarded(tree, line):
        raise MissingMainGuard(f"{path}, line {line}: the sweep starts when the script is "
                               f"imported; {GUARD_HELP}")


def _main_line(main: ModuleType | None) -> int | None:
    """The line of the main script's top-level code that is running now, if any."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals is vars(main):
            return frame.f_lineno
        frame = frame.f_back
    return None


def _guarded(tree: ast.Module, line: int) -> bool:
    """Whether ``line`` is inside the body of an ``if __name__ == "__main__":`` block."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test) and node.body:
            if node.body[0].lineno <= line <= (node.body[-1].end_lineno or line):
                return True
    return False


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    consts = [s.value for s in sides if isinstance(s, ast.Constant)]
    return names == ["__name__"] and consts == ["__main__"]
