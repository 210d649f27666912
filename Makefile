# Two commands work on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench clean dashboard chromium compat

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) run.py run scenarios/nanyuan_vs_eaton.yaml --out outputs/nanyuan_vs_eaton --force

test: $(STAMP) chromium
	$(VENV)/bin/ruff check .
	$(MAKE) --no-print-directory typecheck
	$(PY) -m pytest
	$(MAKE) --no-print-directory compat

# The model on the newest Mesa as well: Python 3.12 with Mesa 3.5 (skipped without a Python
# 3.12: pyenv's, else python3.12 on the PATH).
COMPAT_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.12)
COMPAT_VENV := .venv-mesa35
COMPAT_TESTS := tests/test_core_*.py tests/test_analysis.py tests/test_turnover.py \
	tests/test_events.py tests/test_cohorts.py tests/test_wom.py
# One line of counts at the end (the project's addopts already hold -q: a second -q would hide
# pytest's own summary).
COMPAT_COUNTS := import sys, platform, mesa, xml.etree.ElementTree as E; \
	r = E.parse(sys.argv[1]).getroot(); s = r if r.tag == "testsuite" else r[0]; \
	t, f, e, k = (int(s.get(a, 0)) for a in ("tests", "failures", "errors", "skipped")); \
	print(f"compat: Python {platform.python_version()}, Mesa {mesa.__version__}: {t} tests, " \
	      f"{t - f - e - k} passed, {f + e} failed, {k} skipped")
compat:
	@if $(COMPAT_PYTHON) --version >/dev/null 2>&1; then \
		echo "compat: $$($(COMPAT_PYTHON) --version) with Mesa 3.5"; \
		test -x $(COMPAT_VENV)/bin/python || $(COMPAT_PYTHON) -m venv $(COMPAT_VENV); \
		$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e . \
			"mesa>=3.5,<3.6" "pytest>=8" || exit 1; \
		$(COMPAT_VENV)/bin/python -m pytest -p no:cacheprovider \
			--junitxml=$(COMPAT_VENV)/compat-junit.xml $(COMPAT_TESTS); status=$$?; \
		$(COMPAT_VENV)/bin/python -c '$(COMPAT_COUNTS)' $(COMPAT_VENV)/compat-junit.xml; \
		exit $$status; \
	else echo "compat: $(COMPAT_PYTHON) not found, Mesa 3.5 check skipped"; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# mypy over sim/ and run.py, configured in pyproject.toml ([tool.mypy])
typecheck: $(STAMP)
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench_core.py

clean:
	rm -rf $(VENV) $(COMPAT_VENV) outputs

# The dashboard's browser test drives Debian's chromium (never `playwright install`).
CHROMIUM_LOG := $(VENV)/chromium-apt.log
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian chromium for the dashboard's browser test (apt log: $(CHROMIUM_LOG))"; \
		mkdir -p $(VENV); \
		if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
				>$(CHROMIUM_LOG) 2>&1; then \
			echo "chromium installed: $$(/usr/bin/chromium --version 2>/dev/null)"; \
		else echo "chromium install failed; the end of $(CHROMIUM_LOG):"; \
			tail -n 20 $(CHROMIUM_LOG); exit 1; fi; \
	else echo "apt-get is unavailable: cannot install chromium; the browser test will be skipped"; fi

# The classroom dashboard on http://127.0.0.1:8765/ (SCENARIO=... PORT=... to change); it opens
# Nanyuan vs Eaton. Offline once `make test` (or `make run`) has installed .venv: the dev extra
# holds the dashboard's pinned packages, so nothing is installed here.
dashboard: $(STAMP)
	$(PY) run.py dashboard $(SCENARIO) --port $(or $(PORT),8765)
