"""loyaltysim: an agent-based market simulator of customer loyalty, churn and win-back."""

__version__ = "0.1.0"

from .api import RunResult, run  # noqa: E402
from .model import Market  # noqa: E402
from .scenario import InputError, Scenario, load_scenario  # noqa: E402

__all__ = ["InputError", "Market", "RunResult", "Scenario", "__version__", "load_scenario", "run"]
