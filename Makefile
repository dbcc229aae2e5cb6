# innsatstrapp workbench. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKERS ?= 2
PORT ?= 8866
APP ?=
CHROMIUM ?= /usr/bin/chromium
SOFFICE ?= soffice
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

## help: list the targets
.PHONY: help
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  make /'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@# setuptools warns on every editable install that a folder named like the package may
	@# shadow it; here that folder is the package itself, so the box is only noise
	PYTHONWARNINGS="ignore:Editable installation" \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check \
	  -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

## lock: pin every package of the environment, dependencies of dependencies too, in requirements.lock (pip-tools, from pyproject.toml)
.PHONY: lock
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.lock pyproject.toml

## install: create .venv (if absent) and install the workbench with its pinned dependencies
.PHONY: install
install: $(STAMP)

## reports: run every analysis for every municipality on the embedded data → reports/
.PHONY: reports
reports: $(STAMP)
	$(BIN)/workbench run --workers $(WORKERS)
	@echo "Rapportene ligger i $(CURDIR)/reports (åpne reports/index.html)"

## check: lint, then every test that starts no process, kernel, server or browser (about a minute)
.PHONY: check
check: $(STAMP) lint
	$(BIN)/python -m pytest -q -m "not slow and not browser"

## test: lint, then every test and every notebook (pytest + nbval), browser tests included
.PHONY: test
test: $(STAMP) lint browser
	$(BIN)/python -m pytest --nbval-lax

## browser: install Debian's Chromium for the browser tests if it is missing (apt; no browser download)
.PHONY: browser
browser:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "Installerer Debians chromium med apt …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

## preview: render each municipality's slides (PDF and one PNG per slide) and workbook (PDF) to look at, in reports/<nr>-<navn>/leveranse/forhandsvisning/ (installs Debian's LibreOffice with apt if missing)
.PHONY: preview
preview: office
	@for folder in reports/*/leveranse; do \
	  out=$$folder/forhandsvisning; rm -rf $$out; mkdir -p $$out/lysark $$out/arbeidsbok; \
	  $(SOFFICE) --headless --convert-to pdf --outdir $$out/lysark $$folder/*.pptx >/dev/null || exit 1; \
	  $(SOFFICE) --headless --convert-to pdf --outdir $$out/arbeidsbok $$folder/*.xlsx >/dev/null || exit 1; \
	  pdftoppm -r 50 -png $$out/lysark/*.pdf $$out/lysark/lysark || exit 1; \
	done
	@echo "Forhåndsvisninger: reports/*/leveranse/forhandsvisning/"

## office: install Debian's LibreOffice (Impress and Calc, without GUI) and poppler for make preview
.PHONY: office
office:
	@command -v $(SOFFICE) >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "Installerer Debians LibreOffice og poppler med apt …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libreoffice-impress-nogui libreoffice-calc-nogui poppler-utils >/dev/null; }

## lint: ruff over the package, tests, benchmarks and notebooks; notebooks stored without outputs
.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check workbench tests benchmarks notebooks
	$(BIN)/nbstripout --verify notebooks/*.ipynb notebooks/apps/*.ipynb

## validate: check every parameter and data file
.PHONY: validate
validate: $(STAMP)
	$(BIN)/workbench validate

## lab: open JupyterLab on notebooks/
.PHONY: lab
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

## app: serve the apps with Voilà on http://localhost:$(PORT) (all four, or APP=calculator|personas|housing|allocation)
.PHONY: app
app: $(STAMP)
	$(BIN)/workbench app $(APP) --port=$(PORT)

## benchmark: time the batch and the calculator's widget update, and print the figures
.PHONY: benchmark
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_widget.py
	$(BIN)/python benchmarks/bench_allocation.py
	$(BIN)/python benchmarks/bench_apps.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_figures.py
	$(BIN)/python benchmarks/bench_fleet.py --sample 40 --modes 1,2,deliver,dask

## strip: remove outputs from the notebooks before committing
.PHONY: strip
strip: $(STAMP)
	$(BIN)/nbstripout notebooks/*.ipynb notebooks/apps/*.ipynb

## clean: remove generated reports and caches (keeps .venv)
.PHONY: clean
clean:
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis test-artifacts
