"""Issue 14: --help and README's command-line section match the parser; schema --fields."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from sim.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
OWN = ("run", "check", "schema")  # the commands sim/cli.py defines


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def commands() -> dict[str, argparse.ArgumentParser]:
    ap = build_parser()
    sub = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions if a.help != argparse.SUPPRESS
            for o in a.option_strings if o.startswith("--") and o != "--help"}


def documented() -> dict[str, set[str]]:
    """{command: options} from the usage lines of README's command-line section."""
    block = section("Command line").split("```")[1]
    out: dict[str, set[str]] = {}
    current = None
    for row in block.splitlines():
        m = re.match(r"python run\.py (\w+)", row.strip())
        if m:
            current = m.group(1)
            out.setdefault(current, set())
        if current:
            text = row.split("#")[0]
            out[current] |= set(re.findall(r"--[a-z][a-z-]*", text))
    return out


def test_readme_usage_lines_match_the_parser():
    parsers = commands()
    docs = documented()
    assert set(OWN) <= set(docs)
    for name, opts in docs.items():
        assert name in parsers, f"README documents a command the parser lacks: {name}"
        assert opts <= options(parsers[name]), (name, opts - options(parsers[name]))
    for name in OWN:
        assert options(parsers[name]) <= docs[name], (name, options(parsers[name]) - docs[name])


def test_every_command_named_in_the_section_exists():
    parsers = commands()
    text = section("Command line")
    for name in re.findall(r"`(\w+)`", text.split("`python run.py COMMAND --help`")[1]
                           .split("\n\n")[0]):
        assert name in parsers, name


@pytest.mark.parametrize("name", OWN)
def test_help_describes_every_option(capsys, name):
    assert main([name, "--help"]) == 0
    text = capsys.readouterr().out
    parser = commands()[name]
    for action in parser._actions:
        if action.option_strings and action.help != argparse.SUPPRESS:
            assert action.help, (name, action.option_strings)
            assert action.option_strings[-1] in text
    assert parser.description


def test_help_texts_state_what_the_code_does(capsys):
    main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--force" in text and "replace" in text
    assert "events at or after T are dropped with a warning" in text
    assert "0 to 9223372036854775807" in text


def test_schema_fields_table(capsys):
    assert main(["schema", "--fields"]) == 0
    text = capsys.readouterr().out
    rows = {r.split()[0]: r for r in text.splitlines() if r.strip()}
    assert re.search(r"^field\s+type\s+range\s+default", text)
    assert re.search(r"horizon\s+integer\s+1 <= x <= 20000\s+104", rows["horizon"])
    assert "0 <= x <= 1" in rows["firms[].service.value"] and "0.7" in rows["firms[].service.value"]
    assert "required" in rows["firms[].price"] and "0 < x <= 1e9" in rows["firms[].price"]
    assert "firms[].strategies[type=price_promotion].discount" in rows
    assert "events[type=deregulate].factor" in rows
    assert "market.initial.<name>.active" in rows
    assert "LOYALTYSIM_MAX_AGENT_PERIODS" in text and "LOYALTYSIM_MAX_YAML_BYTES" in text


def test_schema_json_states_the_limits(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "LOYALTYSIM_MAX_YAML_NODES" in schema["description"]
    assert "LOYALTYSIM_MAX_AGENT_PERIODS" in schema["properties"]["horizon"]["description"]
    assert "price_promotion" in json.dumps(schema)


def test_makefile_compat_prints_counts_and_chromium_is_quiet():
    text = (ROOT / "Makefile").read_text()
    compat = text[text.index("\ncompat:"):]
    assert "pytest -q" not in compat.split("\n\n")[0]  # addopts has -q: -qq hides the counts
    assert "passed" in text and "skipped" in text and "junitxml" in text
    chromium = text[text.index("\nchromium:"):]
    chromium = chromium[:chromium.index("\n\n")]
    assert ">$(CHROMIUM_LOG) 2>&1" in chromium and "tail -n 20" in chromium
