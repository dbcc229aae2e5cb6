# innsatstrapp workbench. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKERS ?= 2
PORT ?= 8866
APP ?= calculator

## help: list the targets
.PHONY: help
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  make /'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

## install: create .venv (if absent) and install the workbench with its pinned dependencies
.PHONY: install
install: $(STAMP)

## reports: run every analysis for every municipality on the embedded data → reports/
.PHONY: reports
reports: $(STAMP)
	$(BIN)/workbench run --workers $(WORKERS)
	@echo "Rapportene ligger i $(CURDIR)/reports (åpne reports/index.html)"

## test: lint, then every test and every notebook (pytest + nbval)
.PHONY: test
test: $(STAMP) lint
	$(BIN)/python -m pytest --nbval-lax

## lint: ruff over the package, tests, benchmarks and notebooks; notebooks stored without outputs
.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check workbench tests benchmarks notebooks
	$(BIN)/nbstripout --verify notebooks/*.ipynb

## validate: check every parameter and data file
.PHONY: validate
validate: $(STAMP)
	$(BIN)/workbench validate

## lab: open JupyterLab on notebooks/
.PHONY: lab
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## app: serve an analysis as a Voilà app on http://localhost:$(PORT) (APP=calculator or personas)
.PHONY: app
app: $(STAMP)
	$(BIN)/voila notebooks/$(APP).ipynb --port=$(PORT) --no-browser --Voila.ip=127.0.0.1

## benchmark: time the batch and the calculator's widget update, and print the figures
.PHONY: benchmark
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_widget.py
	$(BIN)/python benchmarks/bench_allocation.py
	$(BIN)/python benchmarks/bench_batch.py

## strip: remove outputs from the notebooks before committing
.PHONY: strip
strip: $(STAMP)
	$(BIN)/nbstripout notebooks/*.ipynb

## clean: remove generated reports and caches (keeps .venv)
.PHONY: clean
clean:
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis test-artifacts
