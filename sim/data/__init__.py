"""Real data: import a transaction log into observed curves, and a BG/NBD baseline.

See docs/data.md. ``read_log`` validates a log, ``import_log`` computes its curves,
``write_import`` writes them, ``bgnbd_forecast`` fits and forecasts the baseline.
"""

from .baseline import BGNBD, Forecast, bgnbd_forecast, expected_repeat, fit_bgnbd
from .importer import Imported, import_log, write_import
from .log import CDNOW, LogSpec, read_log, spec_for

__all__ = ["BGNBD", "CDNOW", "Forecast", "Imported", "LogSpec", "bgnbd_forecast",
           "expected_repeat", "fit_bgnbd", "import_log", "read_log", "spec_for",
           "write_import"]
