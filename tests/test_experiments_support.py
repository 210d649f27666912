"""Helpers shared by the experiment tests: tiny experiment files and result comparison."""

from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"


def write_experiment(folder: Path, name: str = "exp.yaml", customers: int = 400,
                     horizon: int = 12, replications: int = 2, values=(0.1, 0.3),
                     **extra) -> Path:
    """A small grid experiment over Eaton's general discount, written to ``folder/name``."""
    data = {
        "name": "tiny grid",
        "scenario": str(CASE),
        "overrides": [f"market.customers={customers}", f"horizon={horizon}"],
        "replications": replications,
        "seed": 42,
        "design": {"type": "grid", "factors": [
            {"path": "firms.eaton.strategies.3.discount", "name": "depth",
             "values": list(values)}]},
        "outputs": ["customers_active", "won_back"],
    }
    data.update(extra)
    path = Path(folder) / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_files(out: Path) -> list[str]:
    """Sorted relative paths of the complete run files of a sweep folder (no temporaries)."""
    return sorted(str(p.relative_to(out)) for p in Path(out).glob("runs/*/*.parquet")
                  if not p.name.startswith(".tmp-"))


def temp_files(out: Path) -> list[str]:
    """Temporary files a killed writer may have left in a sweep folder."""
    return sorted(str(p.relative_to(out)) for p in Path(out).glob("runs/*/.tmp-*"))


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Results in a fixed row and column order, for exact comparison."""
    df = df.sort_values(["run", "period", "firm"]).reset_index(drop=True)
    return df[sorted(df.columns)]

