# Two commands work on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean dashboard chromium

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) run.py run scenarios/nanyuan_vs_eaton.yaml --out outputs/nanyuan_vs_eaton

test: $(STAMP) chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) bench/bench_core.py

clean:
	rm -rf $(VENV) outputs

# The dashboard's browser test drives Debian's chromium (never `playwright install`).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian chromium for the dashboard's browser test"; \
		apt-get update -qq && apt-get install -y -qq chromium; \
	else echo "apt-get is unavailable: cannot install chromium; the browser test will be skipped"; fi

# The classroom dashboard on http://127.0.0.1:8765/ (SCENARIO=... PORT=... to change).
dashboard: $(STAMP)
	$(PY) -m pip install --quiet -e ".[dashboard]"
	$(PY) run.py dashboard $(SCENARIO) --port $(or $(PORT),8765)
