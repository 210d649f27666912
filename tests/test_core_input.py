"""Bad input: file, field path, line, bad value, what is allowed; exit 2; nothing written."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASE = (ROOT / "scenarios" / "nanyuan_vs_eaton.yaml").read_text()


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], capture_output=True,
                          text=True, cwd=cwd)


def line_of(text, needle):
    return next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)


# (what to replace in the case file, by what) -> fragments the message must hold
BAD = [
    ("    discount: 0.4", "    discont: 0.4",
     ["firms[1].strategies[2].discont", "unknown key", "did you mean 'discount'"]),
    ("  customers: 20000", "  customers: -5", ["market.customers", "-5", "greater than or equal"]),
    ("    price: 400\n    service", "    price: .nan\n    service", ["firms[0].price", "finite"]),
    ("  price_norm: 400", "  price_norm: .inf", ["market.price_norm", "finite"]),
    ("  customers: 20000", "  customers: lots", ["market.customers", "'lots'", "integer"]),
    ("      share: 0.35", "      share: 0.55", ["market.segments", "sum to 1"]),
    ("  population: 20000", "  population: 0", ["market.population", "greater than or equal"]),
    ("  population: 20000         # potential guests in the catchment area (real people)\n"
     "  customers: 20000", "  population: 2000000000\n  customers: 1500000000",
     ["market.customers", "GiB"]),
    ("      - type: price_promotion          # the long",
     "      - type: price_slashing          # the long",
     ["firms[1].strategies[3]", "price_slashing", "price_promotion"]),
    ("        target: all", "        target: everyone", ["target", "'everyone'", "'all'"]),
    ("horizon: 260", "horizon: 260\nhorizon: 10", ["horizon", "duplicate key"]),
    ("  - id: eaton", "  - id: Eaton Hotel", ["firms[1].id", "pattern"]),
    ("    nanyuan: {active: 0.15", "    nanyan: {active: 0.15", ["unknown firms", "nanyan"]),
    ("        discount: 0.4", "        discount: [0.4", ["YAML syntax error"]),
]


@pytest.mark.parametrize("old,new,fragments", BAD, ids=[b[1].strip()[:20] for b in BAD])
def test_bad_file_gives_a_clear_error(tmp_path, old, new, fragments):
    assert old in CASE
    text = CASE.replace(old, new, 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    r = cli("run", str(path), "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert str(path) in r.stderr
    for frag in fragments:
        assert frag in r.stderr, (frag, r.stderr)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]


def test_error_names_the_line(tmp_path):
    text = CASE.replace("    discount: 0.4", "    discount: 1.4", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    r = cli("check", str(path))
    assert r.returncode == 2
    assert f"{path}:{line_of(text, 'discount: 1.4')}:" in r.stderr
    assert "1.4" in r.stderr and "less than 1" in r.stderr


def test_missing_file_and_non_mapping(tmp_path):
    r = cli("check", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2 and "cannot read file" in r.stderr
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    r = cli("check", str(tmp_path / "list.yaml"))
    assert r.returncode == 2 and "mapping" in r.stderr


def test_unsafe_yaml_is_refused(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hi']\n")
    r = cli("check", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_bad_override_paths(tmp_path):
    r = cli("run", "scenarios/nanyuan_vs_eaton.yaml", "--set", "firms.ritz.price=3",
            "--out", str(tmp_path / "o"), cwd=ROOT)
    assert r.returncode == 2 and "no item 'ritz'" in r.stderr and "eaton" in r.stderr
    r = cli("check", "scenarios/nanyuan_vs_eaton.yaml", "--set", "firms.eaton.prise=3", cwd=ROOT)
    assert r.returncode == 2 and "did you mean 'price'" in r.stderr
    r = cli("check", "scenarios/nanyuan_vs_eaton.yaml", "--set", "noequals", cwd=ROOT)
    assert r.returncode == 2 and "path.to.key=VALUE" in r.stderr
    assert not (tmp_path / "o").exists()
