# Two commands on a fresh machine: `make plan` (installs, prints the dev plan) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev

.PHONY: install plan plan-all test lint typecheck unit bench package generate-local clean

# Everything installs into the checkout (.venv, node_modules), as the user who runs make: nothing needs root.
# pip prints a line per package it collects and installs, npm a summary; both take about a minute on a fresh clone.
$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "pip: installing the pinned Python packages into $(VENV)..."
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt -c constraints.txt
	touch $@

# Node.js packages for the tests and the diagram: Azurite (storage emulator) and Graphviz compiled to WebAssembly.
node_modules/.installed: package.json package-lock.json
	@echo "npm: installing the pinned Node.js packages into node_modules..."
	npm ci --no-audit --no-fund --no-update-notifier
	touch $@

install: $(VENV)/.installed node_modules/.installed

plan: $(VENV)/.installed
	$(PY) -m ops plan --stack $(STACK)

plan-all: $(VENV)/.installed
	for stack in dev test prod; do $(PY) -m ops plan --stack $$stack --json > /dev/null || exit 1; done

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy prints nothing until it is done (about a minute without its cache), so say what it is doing.
typecheck: $(VENV)/.installed
	@echo "mypy: type-checking $$(find . -name '*.py' -not -path './.venv/*' -not -path './node_modules/*' \
	  -not -path './build/*' -not -path './dist/*' | wc -l) Python files (pyproject.toml, [tool.mypy])..."
	$(VENV)/bin/mypy

# Two workers: the suite is CPU-bound and CI has two cores (pytest-xdist; `PYTEST_WORKERS=0` runs in one process).
# Python writes its bytecode cache (__pycache__, ignored by git) even where the environment says not to
# (PYTHONDONTWRITEBYTECODE, common in container images): the CLI cases start fresh interpreters that would
# otherwise compile the project again, each of them.
PYTEST_WORKERS ?= 2
unit: install
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

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
