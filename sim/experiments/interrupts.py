"""Interrupts of a sweep: SIGINT and SIGTERM become KeyboardInterrupt, never mid-step.

While a sweep runs, both signals raise ``KeyboardInterrupt`` in the sweep process, so it
stops its workers, writes its manifest and keeps its finished runs. Within ``critical()``
(starting a worker process, writing a file), the interrupt waits until the block ends: a
worker half-way through its start could not be terminated and would outlive the sweep.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _State:
    depth = 0
    pending: int | None = None


def _handler(signum: int, frame: FrameType | None) -> None:
    """Raise KeyboardInterrupt now, or at the end of the critical block."""
    if _State.depth:
        _State.pending = signum
        return
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def critical() -> Iterator[None]:
    """A block that an interrupt does not cut short (it is raised when the block ends)."""
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
        if not _State.depth and _State.pending is not None:
            signum, _State.pending = _State.pending, None
            raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise KeyboardInterrupt (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
