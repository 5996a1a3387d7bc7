# `make up` runs the platform with demo data; `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CACHE := $(or $(LINEAGE_GRAPH_CACHE_DIR),$(HOME)/.cache/lineage-graph)
OPA := $(CACHE)/bin/opa
REGAL := $(CACHE)/bin/regal
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: install provision up test lint typecheck policy-check pytest bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

provision: install
	$(BIN)/lineage-graph provision

up: provision
	$(BIN)/lineage-graph up

test: provision lint typecheck policy-check pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

policy-check: provision
	OPA=$(OPA) REGAL=$(REGAL) bash policies/check.sh

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Every scenario at 100k plus the scaling curve at 10k; writes bench/results/latest.json.
bench: provision
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
