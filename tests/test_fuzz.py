"""Issue 14's fuzz test: random mutations of the shipped scenarios through check and run.

400 mutations (values replaced by out-of-range numbers, wrong types, deleted keys, unknown keys,
huge lists, YAML tricks, random --set overrides) go through ``run.py check`` in this process;
each valid one then through a short ``run.py run --periods 3 --customers 300``. Every answer
is exit 0 or 2 (never 1), without a traceback, within 30 s; nothing is left beside the output
folder, the process never passes 2 GB and starts no lasting child process. A handful go
through subprocesses as a user would run them, under a 2 GB address-space limit.

The in-process runs skip the figures (tests/test_figures.py covers them; the subprocess runs
draw them), which keeps the test near a minute.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim.output
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
N_MUTATIONS = 400
N_SUBPROCESS = 6
TWO_GB = 2 * 2**30

BAD_NUMBERS: list[Any] = [-1, 0, -1e308, 1e308, 1e20, 2**64, -(2**63), 0.5, 3, 1.5, 1e-300,
                          math.nan, math.inf, -math.inf, 20_001, 10**12]
WRONG_TYPES: list[Any] = ["abc", "", [1, 2], {"x": 1}, None, True, False, [], {}, "1e3",
                          [[1]], "firms", "0x10"]
UNKNOWN_KEYS = ["extra", "colour", "Price", "prise", "firm", "segment", "typ", "<<", "1"]


def paths(node: Any, loc: tuple = ()) -> Iterator[tuple]:
    """Every key and item path of a parsed YAML document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield loc + (k,)
            yield from paths(v, loc + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield loc + (i,)
            yield from paths(v, loc + (i,))


def parent(data: Any, loc: tuple) -> Any:
    for part in loc[:-1]:
        data = data[part]
    return data


def mutate(rng: random.Random, data: dict, simple: bool = False) -> tuple[str, list[str]]:
    """Mutate ``data`` in place (or add a text-level trick); return (YAML text, --set)."""
    kinds = ["number", "number", "type", "type", "delete", "delete", "unknown", "duplicate"]
    if not simple:
        kinds += ["huge", "set", "set", "text", "several"]
    kind = rng.choice(kinds)
    every = list(paths(data))
    loc = rng.choice(every)
    host = parent(data, loc)
    key = loc[-1]
    overrides: list[str] = []
    if kind == "number":
        host[key] = rng.choice(BAD_NUMBERS)
    elif kind == "type":
        host[key] = copy.deepcopy(rng.choice(WRONG_TYPES))
    elif kind == "delete":
        del host[key]
    elif kind == "unknown":
        target = host[key] if isinstance(host[key], dict) else host
        if isinstance(target, dict):
            target[rng.choice(UNKNOWN_KEYS)] = rng.choice(BAD_NUMBERS + WRONG_TYPES[:3])
        else:
            data[rng.choice(UNKNOWN_KEYS)] = 1
    elif kind == "huge":
        lists = [p for p in every if isinstance(parent(data, p)[p[-1]], list)]
        if lists:
            p = rng.choice(lists)
            items = parent(data, p)[p[-1]]
            size = rng.choice([100, 600, 120_000])
            if size > 10_000:  # plain values, more than the YAML node limit: written as text
                parent(data, p)[p[-1]] = f"HUGE_LIST_{size}"
            else:
                item = items[0] if items else 1
                parent(data, p)[p[-1]] = [copy.deepcopy(item) for _ in range(size)]
    elif kind == "duplicate":
        if isinstance(host, list):
            host.append(copy.deepcopy(host[key]))
        else:
            host[key] = [host[key], host[key]]
    elif kind == "several":
        for _ in range(rng.randint(2, 5)):
            mutate(rng, data, simple=True)
    if kind == "set":
        dotted = ".".join(str(p) for p in loc)
        value = rng.choice(["-1", "abc", "[1,2]", "{a: 1}", "1e400", "null", ".nan", "0",
                            "&a [*a]", "999999999999", "true", "-5"])
        overrides = [f"{dotted}={value}"]
        if rng.random() < 0.3:
            overrides.append(rng.choice(["firms.-1.price=3", "firms.9.price=3", "=3", "a..b=1",
                                         "market.segments.0.share=0.5", "horizon=2",
                                         "events.0.at=99999", "params.network.degree=1000"]))
    if simple:
        return "", overrides
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1000)
    for size in (120_000,):
        text = text.replace(f"HUGE_LIST_{size}", "[" + ", ".join(["1"] * size) + "]")
    if kind == "text":
        trick = rng.choice([
            "? [a, b]\n: 1\n", "x: &a [*a]\n", "deep: " + "[" * 120 + "]" * 120 + "\n",
            "bomb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
                f"bomb{k}: &b{k} [" + ", ".join([f"*b{k - 1}"] * 10) + "]\n"
                for k in range(1, 9)),
            "horizon: 5\nhorizon: 6\n", "\t- bad indent\n", "name: !!python/name:os.system\n",
            "name: [unclosed\n", "\x00\n", "...\n---\nname: two documents\n"])
        text = trick + text if rng.random() < 0.5 else text + trick
    return text, overrides


@functools.cache
def mutations() -> list[tuple[str, str, list[str]]]:
    """The mutations, built once per session (not at collection)."""
    rng = random.Random(14)
    originals = {p: yaml.safe_load(p.read_text()) for p in SCENARIOS}
    out = []
    for k in range(N_MUTATIONS):
        path = SCENARIOS[k % len(SCENARIOS)]
        data = copy.deepcopy(originals[path])
        text, overrides = mutate(rng, data)
        out.append((f"{k:03d}_{path.stem}", text, overrides))
    return out


def _children() -> list[int]:
    """Live child processes of this process (zombies excluded).

    multiprocessing's resource tracker is left out: tqdm's lock starts it once per process,
    and it ends with the process.
    """
    me, out = str(os.getpid()), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[1] == me and fields[0] != "Z":
            cmd = (entry / "cmdline").read_bytes() if (entry / "cmdline").exists() else b""
            if b"resource_tracker" not in cmd:
                out.append(int(entry.name))
    return out


def test_mutations_in_process(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sim.output, "plot_all", lambda *a, **k: [])
    children = set(_children())
    codes = {"check": {0: 0, 2: 0}, "run": {0: 0, 2: 0}}
    for name, text, overrides in mutations():
        folder = tmp_path / name
        folder.mkdir()
        path = folder / "s.yaml"
        path.write_text(text, encoding="utf-8")
        sets = [a for o in overrides for a in ("--set", o)]
        start = time.perf_counter()
        code = main(["check", str(path), *sets])
        out, err = capsys.readouterr()
        assert time.perf_counter() - start < 30, name
        assert code in (0, 2), (name, err)
        assert "Traceback" not in err and "internal error" not in err, (name, err)
        if code == 2:
            assert "invalid input in" in err and "problem" in err, (name, err)
        codes["check"][code] += 1
        if code == 0:
            start = time.perf_counter()
            code = main(["run", str(path), "--periods", "3", "--customers", "300", *sets,
                         "--out", str(folder / "out")])
            out, err = capsys.readouterr()
            assert time.perf_counter() - start < 30, name
            assert code in (0, 2), (name, err)
            assert "Traceback" not in err and "internal error" not in err, (name, err)
            codes["run"][code] += 1
            expected = {"s.yaml", "out"} if code == 0 else {"s.yaml"}
            assert {p.name for p in folder.iterdir()} == expected, name
        else:
            assert [p.name for p in folder.iterdir()] == ["s.yaml"], name
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert peak < TWO_GB
    deadline = time.monotonic() + 10  # a child that is still exiting gets a moment
    while set(_children()) - children and time.monotonic() < deadline:
        time.sleep(0.2)
    left = set(_children()) - children
    assert not left, [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in left]
    # the mutations exercise both answers
    assert codes["check"][0] >= 40 and codes["check"][2] >= 150, codes
    assert codes["run"][0] >= 30, codes


def _session_ended(pgid: int, wait: float = 10.0) -> bool:
    """Whether every process of session ``pgid`` has ended (helpers get ``wait`` s to exit)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("k", range(N_SUBPROCESS))
def test_mutations_as_a_user_runs_them(tmp_path, k):
    # spread over the list: both valid and invalid ones
    name, text, overrides = mutations()[(k * 67) % N_MUTATIONS]
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    sets = [a for o in overrides for a in ("--set", o)]

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (TWO_GB + 2**29, TWO_GB + 2**29))

    for args in (["check", str(path), *sets],
                 ["run", str(path), "--periods", "3", "--customers", "300", *sets,
                  "--out", str(tmp_path / "out")]):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=cap, start_new_session=True)
        stdout, stderr = proc.communicate(timeout=60)
        r = subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)
        assert time.perf_counter() - start < 30, name
        assert _session_ended(proc.pid), name  # nothing of its session is left running
        assert r.returncode in (0, 2), (name, r.stderr)
        assert "Traceback" not in r.stderr, (name, r.stderr)
        if r.returncode == 2:
            break
    names = {p.name for p in tmp_path.iterdir()}
    assert names <= {"s.yaml", "out"}, names
    if "out" in names:
        assert (tmp_path / "out" / "churn.png").is_file()
