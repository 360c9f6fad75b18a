# Two commands on a fresh machine: `make plan` (installs, prints the dev plan) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev

.PHONY: install graphviz plan plan-all test lint typecheck unit bench package generate-local clean
GRAPHVIZ_HINT := Graphviz is required for python -m ops diagram and its tests: apt-get install graphviz, brew install graphviz, or https://graphviz.org/download/

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Graphviz is a system package: installed with apt-get where that is allowed (root, or passwordless sudo on CI
# agents), elsewhere the hint says how.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi; \
	  if [ "$$sudo" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else echo "$(GRAPHVIZ_HINT)" >&2; exit 1; fi; }

install: $(VENV)/.installed node_modules/.installed graphviz

plan: $(VENV)/.installed
	$(PY) -m ops plan --stack $(STACK)

plan-all: $(VENV)/.installed
	for stack in dev test prod; do $(PY) -m ops plan --stack $$stack --json > /dev/null || exit 1; done

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# Two workers: the suite is CPU-bound and CI has two cores (pytest-xdist; `PYTEST_WORKERS=0` runs in one process).
PYTEST_WORKERS ?= 2
unit: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint typecheck unit

bench: install
	$(PY) -m bench

package: $(VENV)/.installed
	$(PY) -m tools.function_package --output dist/function.zip

# Start Azurite, generate one batch into bronze, show it, stop Azurite.
generate-local: install
	$(PY) -m tools.generate_local --rows 1000 --seed 42 --date 2026-11-01

clean:
	rm -rf $(VENV) node_modules dist build .pytest_cache .mypy_cache .ruff_cache
