"""Limits on an experiment's work: checked before anything is expanded or run, raisable."""

import time

import pytest
import yaml
from test_experiments_support import CASE, write_experiment

from sim.cli import main
from sim.experiments import load_plan
from sim.experiments.limits import design_points
from sim.experiments.schema import Experiment
from sim.scenario import InputError


def _errors(path) -> list[str]:
    with pytest.raises(InputError) as e:
        load_plan(path)
    return [p.render(e.value.file) for p in e.value.problems]


def _write(tmp_path, text: str):
    path = tmp_path / "exp.yaml"
    path.write_text(text.replace("CASE", str(CASE)))
    return path


def test_a_grid_of_a_billion_points_is_refused_at_once(tmp_path):
    factors = "".join(f"    - {{path: params.x{i}, name: x{i}, values: [0,1,2,3,4,5,6,7,8,9]}}\n"
                      for i in range(9))
    path = _write(tmp_path, f"scenario: CASE\ndesign:\n  type: grid\n  factors:\n{factors}")
    start = time.perf_counter()
    (msg,) = _errors(path)
    assert time.perf_counter() - start < 5
    assert msg.endswith("exp.yaml:4: design.factors = 1000000000: 1,000,000,000 design points "
                        "exceed the limit of 10,000 (limits.points); to run that many "
                        "deliberately, add `limits: {points: 1000000000}` to the experiment "
                        "file")


@pytest.mark.parametrize("design, points", [
    ("{type: latin_hypercube, samples: 1000000, factors: [F]}", 1_000_000),
    ("{type: sobol, samples: 65536, factors: [F, G]}", 65536 * 4),
    ("{type: morris, trajectories: 20000, factors: [F]}", 40_000),
])
def test_sampled_designs_over_the_limit_are_refused(tmp_path, design, points):
    f = "{path: firms.eaton.price, name: pe, low: 300, high: 500}"
    g = "{path: firms.nanyuan.price, name: pn, low: 300, high: 500}"
    path = _write(tmp_path, f"scenario: CASE\ndesign: {design.replace('F', f).replace('G', g)}\n")
    (msg,) = _errors(path)
    assert f":2: design = {points}: {points:,} design points exceed the limit of 10,000 " \
           f"(limits.points)" in msg and f"`limits: {{points: {points}}}`" in msg


def test_replications_over_the_limit_name_the_limit_and_the_way_out(tmp_path, capsys):
    path = _write(tmp_path, "scenario: CASE\nreplications: 100000\n")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "exp.yaml:2: replications = 100000: 100,000 replications exceed the limit of " \
           "1,000 (limits.replications); to run that many deliberately, add " \
           "`limits: {replications: 100000}`" in err
    assert "Traceback" not in err and not out.exists()


def test_runs_over_the_limit(tmp_path):
    path = write_experiment(tmp_path, replications=600, values=list(range(200)))
    (msg,) = _errors(path)
    assert "replications = 120000: 200 design points x 600 replications = 120,000 runs " \
           "exceed the limit of 100,000 (limits.runs)" in msg


def test_limits_can_be_raised_deliberately(tmp_path):
    path = write_experiment(tmp_path, replications=3, values=(0.1, 0.2, 0.3),
                            limits={"points": 2, "runs": 6})
    msgs = _errors(path)
    assert any("3 design points exceed the limit of 2 (limits.points)" in m for m in msgs)
    data = yaml.safe_load(path.read_text())
    data["limits"] = {"points": 3, "runs": 9}
    path.write_text(yaml.safe_dump(data))
    assert len(load_plan(path).tasks()) == 9


def test_limits_are_stated_in_the_schema():
    schema = Experiment.model_json_schema()
    limits = schema["$defs"]["Limits"]["properties"]
    assert {k: v["default"] for k, v in limits.items()} == {
        "points": 10_000, "replications": 1_000, "runs": 100_000}
    assert "limits.replications" in schema["properties"]["replications"]["description"]
    for design in ("GridDesign", "LatinHypercubeDesign", "SobolDesign", "MorrisDesign"):
        assert "limits.points" in yaml.safe_dump(schema["$defs"][design])


def test_design_points_match_the_expanded_designs(tmp_path):
    f = [{"path": "firms.eaton.price", "name": "pe", "low": 300, "high": 500},
         {"path": "firms.nanyuan.price", "name": "pn", "low": 300, "high": 500}]
    for design in ({"type": "sobol", "samples": 8, "factors": f},
                   {"type": "sobol", "samples": 8, "second_order": True, "factors": f},
                   {"type": "morris", "trajectories": 3, "factors": f},
                   {"type": "latin_hypercube", "samples": 5, "factors": f}):
        path = tmp_path / "exp.yaml"
        path.write_text(yaml.safe_dump({"scenario": str(CASE), "design": design}))
        plan = load_plan(path)
        assert design_points(plan.experiment) == len(plan.points)
