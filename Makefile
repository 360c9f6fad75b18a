# Two commands on a fresh machine: `make plan` (installs, prints the dev plan) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev

.PHONY: install plan plan-all test lint typecheck unit bench package clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

plan: $(VENV)/.installed
	$(PY) -m ops plan --stack $(STACK)

plan-all: $(VENV)/.installed
	for stack in dev test prod; do $(PY) -m ops plan --stack $$stack --json > /dev/null || exit 1; done

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check components ops bench tests __main__.py

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck unit

bench: install
	$(PY) -m bench

package: $(VENV)/.installed
	$(PY) -m ops.function_package --output dist/function.zip

clean:
	rm -rf $(VENV) node_modules dist build .pytest_cache .mypy_cache .ruff_cache
