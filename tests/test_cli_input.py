"""Issue 14, run/check side: every bad input answered with exit 2 and a placed message.

Each message names the file or the option, the field path, the line (cross-field errors
included; none for a value from the command line), the bad value and what is allowed; no
traceback; nothing written.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
CASE_FILE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"
CASE = CASE_FILE.read_text()
WATER = ROOT / "scenarios" / "water_utility_monopoly.yaml"
SHORT = ["--customers", "300", "--periods", "3"]


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``run.py args`` in this process: (exit status, stdout, stderr)."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def line_of(text: str, needle: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ---------------------------------------------------------------- command-line options

def test_negative_seed_is_refused(tmp_path, capsys):
    code, _, err = call(capsys, "run", CASE_FILE, "--seed", "-1", *SHORT, "--out", tmp_path / "o")
    assert code == 2
    assert "--seed -1 (command line)" in err and "0 to 9223372036854775807" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("kind", ["file", "under_file", "unwritable"])
def test_bad_out_is_refused_before_the_run(tmp_path, capsys, kind):
    (tmp_path / "f").write_text("keep me")
    out = {"file": tmp_path / "f", "under_file": tmp_path / "f" / "x",
           "unwritable": Path("/proc/loyaltysim-test/out")}[kind]
    start = time.perf_counter()
    code, _, err = call(capsys, "run", CASE_FILE, "--out", out)  # the full case: refused at once
    assert code == 2 and time.perf_counter() - start < 10
    assert f"--out {out} (command line)" in err
    assert {"file": "is a file", "under_file": "which is a file",
            "unwritable": "cannot be created"}[kind] in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]
    assert (tmp_path / "f").read_text() == "keep me"


def test_rerun_into_out_is_refused_or_replaced_whole(tmp_path, capsys):
    out = tmp_path / "o"
    assert call(capsys, "run", CASE_FILE, *SHORT, "--out", out)[0] == 0
    (out / "stale.csv").write_text("from an earlier run")
    (out / "customers.csv").write_text("an earlier --follow")
    code, _, err = call(capsys, "run", CASE_FILE, *SHORT, "--out", out)
    assert code == 2 and "--force" in err and (out / "stale.csv").exists()
    code, _, _ = call(capsys, "run", CASE_FILE, *SHORT, "--out", out, "--force")
    assert code == 0
    assert not (out / "stale.csv").exists() and not (out / "customers.csv").exists()
    assert (out / "run.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]  # no temporary folders left


def test_force_replaces_only_a_run_folder(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    code, _, err = call(capsys, "run", CASE_FILE, *SHORT, "--out", out, "--force")
    assert code == 2 and "not a run's outputs" in err
    assert (out / "thesis.tex").read_text() == "precious"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert call(capsys, "run", CASE_FILE, *SHORT, "--out", empty)[0] == 0


def test_failed_run_leaves_nothing(tmp_path, capsys, monkeypatch):
    import sim.api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(sim.api, "run", broken)
    out = tmp_path / "a" / "b" / "o"
    code, _, err = call(capsys, "run", CASE_FILE, *SHORT, "--out", out)
    assert code == 1 and "simulated failure" in err
    assert list(tmp_path.iterdir()) == []


def test_outputs_follow_the_umask(tmp_path, capsys):
    import os

    old = os.umask(0o022)
    try:
        assert call(capsys, "run", CASE_FILE, *SHORT, "--out", tmp_path / "o")[0] == 0
    finally:
        os.umask(old)
    assert (tmp_path / "o").stat().st_mode & 0o777 == 0o755


# ---------------------------------------------------------------- YAML structure and limits

def test_list_as_mapping_key(tmp_path, capsys):
    path = write(tmp_path, CASE.replace("horizon: 260", "? [a, b]\n: 1\nhorizon: 260", 1))
    code, _, err = call(capsys, "check", path)
    assert code == 2 and f"{path}:{line_of(path.read_text(), '? [a, b]')}:" in err
    assert "a list is used as a key" in err and "plain names" in err


def test_self_referencing_alias(tmp_path, capsys):
    path = write(tmp_path, "name: &a [x, *a]\n")
    code, _, err = call(capsys, "check", path)
    assert code == 2 and f"{path}:1:" in err and "*a refers to a block that contains it" in err


def test_deep_nesting_is_refused(tmp_path, capsys):
    path = write(tmp_path, "name: " + "[" * 300 + "]" * 300 + "\n")
    code, _, err = call(capsys, "check", path)
    assert code == 2 and "nested more than 40 levels" in err and "LOYALTYSIM_MAX_YAML_DEPTH" in err
    deep_alias = "a: &a [[[[[[[[[[x]]]]]]]]]]\n" + "".join(
        f"b{k}: &b{k} [[[[[[[[[[*{'a' if k == 0 else f'b{k - 1}'}]]]]]]]]]]\n" for k in range(4))
    code, _, err = call(capsys, "check", write(tmp_path, deep_alias, "deep.yaml"))
    assert code == 2 and "nested more than 40 levels deep once its aliases are expanded" in err


def test_alias_bomb_refused_fast_with_little_memory(tmp_path):
    rows = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 12)]
    path = write(tmp_path, "\n".join(rows) + "\n")

    def cap() -> None:  # 1.5 GB of address space: the expanded bomb would need terabytes
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**29, 3 * 2**29))

    start = time.perf_counter()
    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "check", str(path)],
                       capture_output=True, text=True, preexec_fn=cap, timeout=60)
    assert r.returncode == 2, r.stderr
    assert time.perf_counter() - start < 15
    assert "more than 100,000 values" in r.stderr and "LOYALTYSIM_MAX_YAML_NODES" in r.stderr
    assert "Traceback" not in r.stderr


def test_file_size_limit_and_how_to_raise_it(tmp_path, capsys, monkeypatch):
    big = write(tmp_path, CASE + "#" + "x" * 1_000_000 + "\n")
    code, _, err = call(capsys, "check", big)
    assert code == 2 and "larger than the limit of 1,000,000 bytes" in err
    assert "LOYALTYSIM_MAX_YAML_BYTES" in err
    monkeypatch.setenv("LOYALTYSIM_MAX_YAML_BYTES", "2000000")
    assert call(capsys, "check", big)[0] == 0
    monkeypatch.setenv("LOYALTYSIM_MAX_YAML_BYTES", "lots")
    code, _, err = call(capsys, "check", big)
    assert code == 2 and "environment LOYALTYSIM_MAX_YAML_BYTES" in err and "'lots'" in err


def test_agent_periods_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LOYALTYSIM_MAX_AGENT_PERIODS", "1000000")
    code, _, err = call(capsys, "check", CASE_FILE)
    assert code == 2
    assert f"{CASE_FILE}:{line_of(CASE, '  customers: 20000')}: market.customers = 20000" in err
    assert "20,000 agents x 260 weeks = 5,200,000 agent-periods exceed the limit" in err
    assert "LOYALTYSIM_MAX_AGENT_PERIODS=5200000" in err
    code, _, err = call(capsys, "check", CASE_FILE, "--customers", "5000")
    assert code == 2 and "--customers 5000 (command line)" in err
    assert call(capsys, "check", CASE_FILE, "--customers", "3000")[0] == 0


def test_memory_limit_of_the_process_is_respected():
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "check", str(CASE_FILE),
                        "--customers", "5000000", "--periods", "10"],
                       capture_output=True, text=True, preexec_fn=cap, timeout=60)
    assert r.returncode == 2, r.stderr
    assert "--customers 5000000 (command line)" in r.stderr
    assert "RLIMIT_AS" in r.stderr and "GiB" in r.stderr and "agents fit" in r.stderr


def test_memory_check_names_the_tightest_bound(monkeypatch):
    from sim.scenario import load_scenario, memory

    sc = load_scenario(CASE_FILE)
    monkeypatch.setattr(memory, "allowed_memory",
                        lambda: (float(150 * 2**20), "the container's memory limit (x)"))
    msg = memory.check_resources(sc)
    assert msg is not None and "container's memory limit" in msg
    assert "network of degree 12" in msg
    monkeypatch.setattr(memory, "allowed_memory", lambda: (float(64 * 2**30), "plenty"))
    assert memory.check_resources(sc) is None


# ---------------------------------------------------------------- --set overrides

@pytest.mark.parametrize("expr,fragments", [
    ("market=[1,2]", ["market = [1, 2]", "expected a block of key: value pairs, got a list"]),
    ("market=abc", ["market = 'abc'", "expected a block of key: value pairs, got text"]),
    ("firms.-1.price=5", ["firms: no item '-1'", "counting from the end is not supported",
                          "['nanyuan', 'eaton'] or indices 0..1"]),
    ("firms.eaton.price=-5", ["firms[1].price = -5", "greater than 0"]),
    ("firms.eaton.prise=3", ["firms[1].prise", "did you mean 'price'"]),
    ("firms.eaton.id=nanyuan", ["firms", "firm ids must be unique"]),
    ("market.segments.0.share=0.9", ["market.segments", "sum to 1"]),
    ("horizon=abc", ["horizon = 'abc'", "integer"]),
    ("name=&a [*a]", ["refers to a block that contains it"]),
    ("firms..price=3", ["empty name in the path"]),
])
def test_set_errors_point_at_the_option(capsys, expr, fragments):
    code, _, err = call(capsys, "check", CASE_FILE, "--set", expr)
    assert code == 2
    assert f"--set {expr} (command line)" in err
    assert f"{CASE_FILE}:" not in err  # no line of the YAML file for a command-line value
    for frag in fragments:
        assert frag in err, (frag, err)


def test_periods_and_customers_errors_name_the_option(capsys, tmp_path):
    code, _, err = call(capsys, "run", CASE_FILE, "--periods", "0", "--out", tmp_path / "o")
    assert code == 2 and "--periods 0 (command line): horizon = 0" in err
    code, _, err = call(capsys, "check", CASE_FILE, "--customers", "-3")
    assert code == 2 and "--customers -3 (command line): market.customers = -3" in err


# ---------------------------------------------------------------- cross-field errors

@pytest.mark.parametrize("old,new,needle,fragments", [
    ("  - id: eaton", "  - id: nanyuan", "  - id: nanyuan",
     ["firms", "firm ids must be unique"]),
    ("    nanyuan: {active: 0.15", "    nanyan: {active: 0.15", "nanyan:",
     ["market.initial.nanyan", "unknown firms ['nanyan']"]),
])
def test_cross_field_errors_have_a_line(tmp_path, capsys, old, new, needle, fragments):
    assert old in CASE
    text = CASE.replace(old, new, 1)
    path = write(tmp_path, text)
    code, _, err = call(capsys, "check", path)
    assert code == 2 and "(top level)" not in err
    for frag in fragments:
        assert frag in err, (frag, err)
    line = line_of(text, needle)
    if needle == "  - id: nanyuan":  # the error concerns the list of firms
        line = line_of(text, "firms:")
    assert f"{path}:{line}:" in err


def test_pdca_without_service_investment_points_at_the_strategy(tmp_path, capsys):
    text = """name: t
horizon: 10
market:
  customers: 500
  segments:
    - {name: a, share: 1}
firms:
  - id: x
    price: 100
    strategies:
      - {type: pdca}
"""
    path = write(tmp_path, text)
    code, _, err = call(capsys, "check", path)
    assert code == 2 and f"{path}:11: firms[0].strategies[0]:" in err and "pdca" in err


def test_event_errors_have_the_event_line(tmp_path, capsys):
    text = WATER.read_text()
    bad = text.replace("entrant: new_water", "entrant: new_watr", 1)
    assert bad != text
    path = write(tmp_path, bad)
    code, _, err = call(capsys, "check", path)
    assert code == 2 and "(top level)" not in err and "unknown firm 'new_watr'" in err
    assert f"{path}:{line_of(bad, '  - at: 36')}: events[0]" in err


# ---------------------------------------------------------------- events and the horizon

def test_event_after_the_horizon_is_an_error(tmp_path, capsys):
    text = WATER.read_text().replace("horizon: 72", "horizon: 30", 1)
    path = write(tmp_path, text)
    code, _, err = call(capsys, "check", path)
    assert code == 2
    assert f"{path}:{line_of(text, '  - at: 36')}: events[0].at = 36" in err
    assert "events happen at periods 0..29" in err
    # the file's own events beyond its own horizon stay an error with --periods
    code, _, err = call(capsys, "run", path, "--periods", "40", "--customers", "300",
                        "--out", tmp_path / "o")
    assert code == 2 and "the file's own horizon (30)" in err and not (tmp_path / "o").exists()


def test_periods_drops_later_events_with_a_warning(tmp_path, capsys):
    code, _, err = call(capsys, "run", WATER, *SHORT, "--out", tmp_path / "o")
    assert code == 0
    assert "warning:" in err and "events[0] at 36 is dropped: --periods 3 ends the run" in err
    assert "Traceback" not in err and "HorizonWarning" not in err


def test_python_api_warns_too(tmp_path):
    import warnings

    from sim.scenario import load_scenario
    from sim.scenario.loader import HorizonWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sc = load_scenario(WATER, periods=10)
    assert sc.events == [] and any(issubclass(w.category, HorizonWarning) for w in caught)
