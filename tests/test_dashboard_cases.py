"""The Info tab texts (sim/dashboard/cases.py): every shipped case, both languages, real levers."""

import re
from pathlib import Path

import pytest

from sim.dashboard import cases
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
LANGS = ("en", "zh")
# `--set "expr with spaces"` or `--set path=value` (value up to the first non-ASCII-ish char)
SET = re.compile(r'--set "([^"]+)"|--set ([A-Za-z0-9_.]+=[A-Za-z0-9_.\[\]-]+)')


def test_shipped_cases_found() -> None:
    assert "nanyuan_vs_eaton" in SHIPPED and len(SHIPPED) >= 7


@pytest.mark.parametrize("stem", SHIPPED)
def test_every_case_has_info_in_both_languages(stem: str) -> None:
    assert stem in cases.INFO, f"scenarios/{stem}.yaml has no Info entry in cases.py"
    entry = cases.INFO[stem]
    for lang in LANGS:
        text = entry.get(lang)
        assert isinstance(text, dict), f"{stem}: no {lang!r} texts"
        assert set(text) == {"story", "try", "assume"}, f"{stem}/{lang}: fields {sorted(text)}"
        assert isinstance(text["story"], str) and text["story"].strip(), f"{stem}/{lang}: story"
        for key in ("try", "assume"):
            items = text[key]
            assert isinstance(items, list) and items, f"{stem}/{lang}: {key} empty"
            assert all(isinstance(x, str) and x.strip() for x in items), f"{stem}/{lang}: {key}"
    for key in ("try", "assume"):
        assert len(entry["en"][key]) == len(entry["zh"][key]), f"{stem}: {key} en/zh differ"


@pytest.mark.parametrize("stem", SHIPPED)
def test_info_returns_the_case_text(stem: str) -> None:
    path = f"scenarios/{stem}.yaml"
    for lang in LANGS:
        text = cases.info(path, "fallback description", lang)
        assert text == cases.INFO[stem][lang]
        assert text["story"] != "fallback description"


def test_chinese_texts_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for stem, entry in cases.INFO.items():
        zh = entry["zh"]
        for s in [zh["story"], *zh["try"], *zh["assume"]]:
            assert han.search(s), f"{stem}: zh text without Chinese: {s!r}"


@pytest.mark.parametrize("stem", SHIPPED)
def test_set_overrides_in_the_texts_load(stem: str) -> None:
    """Every `--set` an Info text suggests is accepted by the scenario loader."""
    entry = cases.INFO.get(stem, {})
    exprs = set()
    for text in entry.values():
        for s in [text["story"], *text["try"], *text["assume"]]:
            for quoted, plain in SET.findall(s):
                exprs.add(quoted or plain.rstrip("."))
    for expr in sorted(exprs):
        load_scenario(ROOT / "scenarios" / f"{stem}.yaml", [expr])
