"""What every strategy shares: its YAML block's base schema and its runtime interface.

A strategy type is one small module: a ``Config`` schema (a pydantic model whose ``type``
field names it) and a ``Strategy`` subclass whose ``act`` is called once per period, after
churn detection. Register it in ``sim/strategies/__init__.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Block(BaseModel):
    """Base of every strategy schema block: unknown keys and NaN/inf are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)


class StrategyConfig(Block):
    """Fields every strategy has: when it is in force."""

    start: int = Field(0, ge=0, le=20_000, description="first period the strategy is in force")
    end: int | None = Field(None, ge=0, le=20_000,
                            description="period it stops (exclusive); null = never")

    @model_validator(mode="after")
    def _window(self):
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self

    def in_force(self, t: int) -> bool:
        """Whether the strategy acts in period ``t``."""
        return t >= self.start and (self.end is None or t < self.end)


class Strategy(ABC):
    """Runtime side of a strategy: holds its config and any state it keeps between periods.

    Attributes:
        cfg: The validated config block.
        category: Budget category a budget rule may scale ("service", "relationship",
            "promotion") or None if the strategy spends nothing discretionary.
    """

    category: str | None = None

    def __init__(self, cfg: StrategyConfig):
        self.cfg = cfg

    def scale(self, firm) -> float:
        """The share of this strategy's planned spend the firm's budget currently allows."""
        return firm.budget_scale.get(self.category, 1.0) if self.category else 1.0

    @abstractmethod
    def act(self, firm, model) -> None:
        """Act for ``firm`` in the current period (``model.t``)."""


def pick(rng, candidates, k: int):
    """Choose ``k`` indices at random without replacement from ``candidates`` (all if fewer)."""
    if k >= candidates.size:
        return candidates
    if k <= 0:
        return candidates[:0]
    return rng.choice(candidates, size=k, replace=False, shuffle=False)
