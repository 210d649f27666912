"""What every strategy shares: its YAML block's base schema and its runtime interface.

A strategy type is one small module: a ``Config`` schema (a pydantic model whose ``type``
field names it) and a ``Strategy`` subclass whose ``act(levers)`` is called once per period,
when the firms act (the first phase of the period). Register it in
``sim/strategies/__init__.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

import numpy as np
from pydantic import Field, model_validator

from ..config import Block
from ..sampling import pick
from .levers import Levers

__all__ = ["Block", "Strategy", "StrategyConfig", "pick"]


class StrategyConfig(Block):
    """Fields every strategy has: when it is in force."""

    start: int = Field(0, ge=0, le=20_000, description="first period the strategy is in force")
    end: int | None = Field(None, ge=0, le=20_000,
                            description="period it stops (exclusive); null = never")

    @model_validator(mode="after")
    def _window(self) -> StrategyConfig:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self

    def in_force(self, t: int) -> bool:
        """Whether the strategy acts in period ``t``."""
        return t >= self.start and (self.end is None or t < self.end)


C = TypeVar("C", bound=StrategyConfig)


class Strategy(ABC, Generic[C]):
    """Runtime side of a strategy: holds its config and any state it keeps between periods.

    A strategy sees its firm only through ``Levers`` (sim/strategies/levers.py).

    Attributes:
        cfg: The validated config block.
        category: Budget category a budget rule may scale ("service", "relationship",
            "promotion") or None if the strategy spends nothing discretionary.
    """

    category: str | None = None

    def __init__(self, cfg: C):
        self.cfg: C = cfg

    def scale(self, firm: Levers) -> float:
        """The share of this strategy's planned spend the firm's budget currently allows."""
        return firm.budget(self.category)

    @abstractmethod
    def act(self, firm: Levers) -> None:
        """Act for the firm in the current period (``firm.t``)."""

    def on_served(self, firm: Levers, ids: np.ndarray, paid: np.ndarray) -> None:  # noqa: B027
        """Customers ``ids`` bought from the firm at prices ``paid`` (default: nothing)."""
