"""Sweep outputs a reader can trust: Hive datasets for pyarrow, DuckDB and polars, and CSV
numbers without single-precision noise."""

import re

import pandas as pd
import pytest
import yaml
from test_experiments_support import CASE

from sim.cli import main
from sim.experiments import load_plan, load_results, run_sweep
from sim.experiments.rounding import round_frame, round_significant

pa = pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A two-variant sweep whose variant names hold '=' (as in winback_variants.yaml)."""
    folder = tmp_path_factory.mktemp("hive")
    exp = folder / "exp.yaml"
    exp.write_text(yaml.safe_dump({
        "scenario": str(CASE), "overrides": ["market.customers=200", "horizon=6"],
        "replications": 2, "seed": 5,
        "design": {"type": "variants", "variants": [
            {"name": "eaton=price_promotion", "overrides": ["firms.eaton.price=380"]},
            {"name": "eaton=relationship", "overrides": ["firms.eaton.price=400"]}]}}))
    out = folder / "sweep"
    assert run_sweep(load_plan(exp), out, workers=1).ok == 4
    return out


EXPECTED = {("eaton=price_promotion", 0), ("eaton=relationship", 1)}


def _check(df: pd.DataFrame) -> None:
    assert len(df) == 4 * 6 * 2
    pairs = set(zip(df["variant"], df["variant_index"].astype(int)))
    assert pairs == EXPECTED
    assert df["seed"].notna().all() and df.groupby("replication")["seed"].nunique().eq(1).all()


def test_every_file_holds_the_variant_and_the_seed(sweep):
    import pyarrow.parquet as pq

    files = sorted((sweep / "runs").glob("*/*.parquet"))
    assert [f.parent.name for f in files] == ["variant_index=0"] * 2 + ["variant_index=1"] * 2
    for f in files:
        t = pq.read_table(f).to_pandas()
        assert {"variant", "seed", "run", "replication"} <= set(t.columns)
        assert t["variant"].nunique() == 1 and t["seed"].nunique() == 1


def test_pyarrow_reads_the_hive_dataset(sweep):
    import pyarrow.dataset as ds

    _check(ds.dataset(sweep / "runs", format="parquet", partitioning="hive").to_table()
           .to_pandas())
    _check(pd.read_parquet(sweep / "runs"))
    _check(load_results(sweep))


def test_duckdb_reads_the_hive_dataset(sweep):
    duckdb = pytest.importorskip("duckdb")
    glob = str(sweep / "runs" / "*" / "*.parquet")
    df = duckdb.sql(f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true)").df()
    _check(df)
    assert str(df["variant_index"].dtype).startswith("int")


def test_polars_reads_the_hive_dataset(sweep):
    pl = pytest.importorskip("polars")
    df = pl.read_parquet(str(sweep / "runs" / "**" / "*.parquet"), hive_partitioning=True)
    assert df.schema["variant_index"].is_integer()
    _check(df.to_pandas())


def test_rounding_removes_single_precision_noise():
    got = round_significant([0.30000001192092896, 123456789.123, -0.000123456789, 0.0, 2.5])
    assert [repr(float(x)) for x in got] == ["0.3", "123457000.0", "-0.000123457", "0.0", "2.5"]
    df = round_frame(pd.DataFrame({"x": [0.1 + 0.2], "n": [3], "s": ["a"]}))
    assert df.to_csv(index=False) == "x,n,s\n0.3,3,a\n"


def test_report_csv_numbers_have_at_most_six_significant_digits(sweep):
    assert main(["report", str(sweep), "--no-plots"]) == 0
    for name in ("bands.csv", "runs_summary.csv", "comparison.csv"):
        text = (sweep / "report" / name).read_text()
        numbers = re.findall(r"(?<![\w.])-?\d+\.\d+(?:e[-+]\d+)?", text)
        assert numbers, name
        for x in numbers:
            digits = re.sub(r"e.*|[-.]", "", x).strip("0")
            assert len(digits) <= 6, (name, x)
