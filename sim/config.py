"""The base of every schema block (pydantic): unknown keys and NaN/inf are refused.

Each mechanism module declares its own configuration block on this base; the scenario schema
(sim/scenario/schema.py) gathers them under ``params``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0, le=1e6)]
NonNeg = Annotated[float, Field(ge=0.0, le=1e6)]
Coefficient = Annotated[float, Field(ge=-100.0, le=100.0)]
# Time counters are 16-bit (sim/customers.py): periods stay below MAX_PERIODS and spans of
# time (offer lengths, times lost, dormancy, memories) below MAX_SPAN, so t - x always fits.
MAX_PERIODS = 20_000
MAX_SPAN = 10_000


class Block(BaseModel):
    """Base of every schema block."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)
