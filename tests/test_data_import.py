"""Import of transaction logs: validation errors, curves against independent counts, CDNOW."""

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sim.cli import main
from sim.data import CDNOW, LogSpec, import_log, read_log, write_import
from sim.scenario import InputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "cdnow" / "CDNOW_sample.txt"
MASTER = ROOT / "data" / "cdnow" / "CDNOW_master.txt"

HAND = """customer_id,date,amount
a,2024-01-01,10
a,2024-01-01,5
b,2024-01-03,20
a,2024-01-09,7
c,2024-01-10,30
b,2024-01-20,0
a,2024-01-22,1
"""


def write(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def fails(tmp_path, capsys, text, *options, name="log.csv"):
    """Run the import of a bad log; check exit 2, no traceback, nothing written."""
    path = write(tmp_path, text, name)
    out = tmp_path / "out"
    assert main(["data", "import", str(path), "--out", str(out), *options]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary folder left
    return err


# --- errors --------------------------------------------------------------------------------

def test_missing_column_names_the_columns_and_the_option(tmp_path, capsys):
    err = fails(tmp_path, capsys, "id,date,amount\na,2024-01-01,1\n")
    assert "log.csv:1: customer_id: missing column; the file has ['id', 'date', 'amount']" in err
    assert "--id-col" in err


def test_unparsable_date_has_line_value_and_format(tmp_path, capsys):
    err = fails(tmp_path, capsys, "customer_id,date,amount\na,2024-01-01,1\nb,2024-13-45,2\n")
    assert "log.csv:3: date = '2024-13-45': cannot read the date; expected the format ISO" in err
    assert "--date-format" in err


def test_date_format_option(tmp_path, capsys):
    err = fails(tmp_path, capsys, "customer_id,date,amount\na,2024-01-31,1\n",
                "--date-format", "%d/%m/%Y")
    assert "log.csv:2: date = '2024-01-31': cannot read the date; expected the format " \
           "%d/%m/%Y" in err


def test_negative_and_non_numeric_amounts(tmp_path, capsys):
    text = "customer_id,date,amount\na,2024-01-01,1\nb,2024-01-02,-5\nc,2024-01-03,abc\n"
    err = fails(tmp_path, capsys, text)
    assert "invalid input in" in err and "(2 problems)" in err
    assert "log.csv:3: amount = '-5': negative amount; amounts are 0 or more" in err
    assert "log.csv:4: amount = 'abc': not a number; amounts are numbers 0 or more" in err


def test_empty_file_and_header_only(tmp_path, capsys):
    assert "the log is empty: no transactions" in fails(tmp_path, capsys, "")
    err = fails(tmp_path, capsys, "customer_id,date,amount\n\n")
    assert "the log is empty" in err


def test_duplicate_rows_name_both_lines(tmp_path, capsys):
    text = "customer_id,date,amount\na,2024-01-01,1\nb,2024-01-02,2\na,2024-01-01,1\n"
    err = fails(tmp_path, capsys, text)
    assert "log.csv:4: (row) = 'a 2024-01-01 1': duplicate of line 2" in err
    assert "--duplicates keep" in err


def test_duplicates_keep_and_drop(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\na,2024-01-01,1\na,2024-01-01,1\n")
    assert read_log(path, LogSpec(duplicates="keep"))["amount"].sum() == 2
    assert read_log(path, LogSpec(duplicates="drop"))["amount"].sum() == 1


def test_many_bad_rows_are_capped(tmp_path, capsys):
    text = "customer_id,date,amount\n" + "".join(f"a{i},2024-01-01,-1\n" for i in range(25))
    err = fails(tmp_path, capsys, text)
    assert "... and 15 more bad rows" in err


def test_line_numbers_count_blank_lines(tmp_path, capsys):
    err = fails(tmp_path, capsys, "customer_id,date,amount\n\na,2024-01-01,1\n\nb,x,1\n")
    assert "log.csv:5: date = 'x'" in err


def test_missing_file_and_non_empty_out(tmp_path, capsys):
    assert main(["data", "import", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv: LOG: no such file" in capsys.readouterr().err
    path = write(tmp_path, HAND)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert main(["data", "import", str(path), "--out", str(out)]) == 2
    assert "exists and is not empty" in capsys.readouterr().err
    assert main(["data", "import", str(path), "--out", str(out), "--force"]) == 0
    assert (out / "observed.csv").is_file()


def test_parquet_rows_are_numbered(tmp_path):
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"cust": ["a", "b", "c"], "when": pd.to_datetime(["2024-01-01"] * 3),
                       "amount": [1.0, -2.0, 3.0]})
    df.to_parquet(tmp_path / "log.parquet")
    spec = LogSpec(id_col="cust", date_col="when")
    with pytest.raises(InputError) as e:
        read_log(tmp_path / "log.parquet", spec)
    assert "log.parquet:2: amount = -2.0: negative amount" in str(e.value)
    df["amount"] = [1.0, 2.0, 3.0]
    df.to_parquet(tmp_path / "log.parquet")
    assert len(read_log(tmp_path / "log.parquet", spec)) == 3


# --- curves --------------------------------------------------------------------------------

def test_hand_made_log_curves(tmp_path, capsys):
    path = write(tmp_path, HAND)
    out = tmp_path / "out"
    assert main(["data", "import", str(path), "--out", str(out)]) == 0
    assert "3 customers" in capsys.readouterr().out
    obs = pd.read_csv(out / "observed.csv")
    assert obs["period"].tolist() == [1, 2, 3, 4]
    assert obs["start"].tolist() == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]
    assert obs["customers_active"].tolist() == [2, 2, 1, 1]
    assert obs["new_customers"].tolist() == [2, 1, 0, 0]
    assert obs["customers_acquired"].tolist() == [2, 3, 3, 3]
    assert obs["transactions"].tolist() == [2, 2, 1, 1]  # a's two rows on 1 Jan are one
    assert obs["repeat_transactions"].tolist() == [0, 1, 1, 1]
    assert obs["repeat_transactions_cumulative"].tolist() == [0, 1, 2, 3]
    assert obs["revenue"].tolist() == [35, 37, 0, 1]
    assert obs["active_share"].round(4).tolist() == [1, 0.6667, 0.3333, 0.3333]
    coh = pd.read_csv(out / "cohorts.csv")
    c1, c2 = coh[coh["cohort"] == 1], coh[coh["cohort"] == 2]
    assert c1["cohort_size"].iloc[0] == 2 and c2["cohort_size"].iloc[0] == 1
    assert c1["surviving"].tolist() == [2, 2, 2, 1]
    assert c1["active"].tolist() == [2, 1, 1, 1]
    assert c2["age"].tolist() == [0, 1, 2] and c2["surviving"].tolist() == [1, 0, 0]
    gaps = pd.read_csv(out / "interpurchase.csv")
    assert gaps["days"].tolist() == [8, 13, 17] and gaps["count"].tolist() == [1, 1, 1]
    for f in ("summary.txt", "import.json", "transactions.csv", "customers.png",
              "repeat_transactions.png", "revenue.png", "cohorts.png", "interpurchase.png"):
        assert (out / f).is_file(), f


def _naive_counts(rows, period_of):
    """Per period: active, new, repeat transactions and revenue, by plain loops."""
    seen_day, first_period = set(), {}
    active, new, repeat, revenue = (defaultdict(int) for _ in range(4))
    buyers = defaultdict(set)
    for cust, day, amount in sorted(rows, key=lambda r: (r[0], r[1])):
        p = period_of(day)
        revenue[p] += amount
        buyers[p].add(cust)
        if (cust, day) in seen_day:
            continue
        seen_day.add((cust, day))
        if cust not in first_period:
            first_period[cust] = p
            new[p] += 1
        else:
            repeat[p] += 1
    for p, who in buyers.items():
        active[p] = len(who)
    return active, new, repeat, revenue


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_curves_match_independent_counts(tmp_path, period):
    rng = random.Random(3)
    d0 = date(2023, 11, 27)
    rows = [(f"c{rng.randrange(40)}", d0 + timedelta(days=rng.randrange(120)),
             rng.randrange(0, 5000) / 100) for _ in range(400)]
    text = "customer_id,date,amount\n" + "".join(f"{c},{d},{a}\n" for c, d, a in rows)
    first = min(d for _, d, _ in rows)

    def period_of(day):
        if period == "day":
            return (day - first).days + 1
        if period == "week":
            return (day - first).days // 7 + 1
        return (day.year - first.year) * 12 + day.month - first.month + 1

    active, new, repeat, revenue = _naive_counts(rows, period_of)
    spec = LogSpec(duplicates="keep")
    obs = import_log(write(tmp_path, text), spec, period).observed.set_index("period")
    for p in obs.index:
        assert obs.at[p, "customers_active"] == active[p]
        assert obs.at[p, "new_customers"] == new[p]
        assert obs.at[p, "repeat_transactions"] == repeat[p]
        assert obs.at[p, "revenue"] == pytest.approx(revenue[p], abs=0.011)
    assert obs["new_customers"].sum() == len({c for c, _, _ in rows})
    assert len(obs) == max(period_of(d) for _, d, _ in rows)


def test_observed_columns_are_calibration_targets(tmp_path):
    from sim.experiments.observed import read_observed

    imp = import_log(write(tmp_path, HAND))
    out = write_import(imp, tmp_path / "out")
    numeric = [c for c in imp.observed.columns if c not in ("period", "start")]
    for col in numeric:
        spec = SimpleNamespace(file="observed.csv", period="period", value=col, offset=0)
        df = read_observed(out / "observed.csv", spec, "cal.yaml", {})
        assert df[col].tolist() == pytest.approx(imp.observed[col].tolist()), col


def test_start_option_shifts_the_periods(tmp_path):
    imp = import_log(write(tmp_path, HAND), start="2023-12-28")
    assert imp.observed["period"].tolist() == [1, 2, 3, 4]
    assert imp.observed["new_customers"].tolist() == [2, 1, 0, 0]  # 28 Dec - 3 Jan, ...
    with pytest.raises(InputError, match="start on or before it"):
        import_log(write(tmp_path, HAND), start="2024-01-05")


# --- CDNOW ---------------------------------------------------------------------------------

def test_cdnow_sample_known_figures(tmp_path, capsys):
    out = tmp_path / "cdnow"
    assert main(["data", "import", str(SAMPLE), "--format", "cdnow", "--out", str(out)]) == 0
    assert "2,357 customers" in capsys.readouterr().out
    obs = pd.read_csv(out / "observed.csv")
    assert len(obs) == 78 and obs["start"].iloc[0] == "1997-01-01"
    assert obs["new_customers"].sum() == 2357
    assert obs["new_customers"].iloc[12:].sum() == 0  # all acquired in the first quarter
    assert obs["transactions"].sum() == 6696  # customer-days of 6,919 orders
    assert obs["repeat_transactions_cumulative"].iloc[38] == 2457  # Fader, Hardie & Lee 2005
    assert obs["repeat_transactions_cumulative"].iloc[-1] == 4339
    assert obs["revenue"].sum() == pytest.approx(244091.94, abs=0.05)


def test_cdnow_master_and_the_preset():
    log = read_log(MASTER, CDNOW)
    assert len(log) == 69659 and log["customer"].nunique() == 23570
    assert log["date"].min() == pd.Timestamp("1997-01-01")
    assert log["date"].max() == pd.Timestamp("1998-06-30")
    with pytest.raises(InputError, match="duplicate of line"):  # CDNOW has identical orders
        read_log(SAMPLE, LogSpec(fmt="cdnow", amount_col="dollar_value",
                                 date_format="%Y%m%d"))


def test_cdnow_bad_line_is_reported(tmp_path, capsys):
    text = " 00001 19970101  1   11.77\n 00002 19970112  1\n"
    err = fails(tmp_path, capsys, text, "--format", "cdnow", name="cd.txt")
    assert "cd.txt:2: (line) = '00002 19970112  1': expected 4 whitespace-separated" in err


def test_every_kind_of_problem_is_reported_at_once(tmp_path, capsys):
    text = ("customer_id,date,amount\na,2024-01-01,1\nb,2024-13-45,2\n,2024-01-03,4\n"
            "a,2024-01-01,1\n")
    err = fails(tmp_path, capsys, text)
    assert "(3 problems)" in err
    assert err.index("log.csv:3: date") < err.index("log.csv:4: customer_id = '': empty") \
        < err.index("log.csv:5: (row)")


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    import sim.data.plots

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sim.data.plots, "plot_import", broken)
    imp = import_log(write(tmp_path, HAND))
    with pytest.raises(RuntimeError):
        write_import(imp, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv"]


def test_dates_with_times_and_mixed_offsets_keep_their_local_day(tmp_path):
    text = ("customer_id,date,amount\na,2024-01-01T23:30:00+02:00,1\n"
            "b,2024-01-02 10:00:00-05:00,2\nc,2024-01-03,3\n")
    log = read_log(write(tmp_path, text))
    assert log["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-02",
                                                             "2024-01-03"]
