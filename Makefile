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

## help: vis målene
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

## lock: lås versjonen av hver pakke i miljøet, også avhengighetenes avhengigheter, i requirements.lock (pip-tools, fra pyproject.toml)
.PHONY: lock
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.lock pyproject.toml

## install: lag .venv (om den mangler) og installer workbench med de låste pakkene
.PHONY: install
install: $(STAMP)

## reports: kjør alle analysene for alle kommunene på de innebygde dataene → reports/
.PHONY: reports
reports: $(STAMP)
	$(BIN)/workbench run --workers $(WORKERS)
	@echo "Rapportene ligger i $(CURDIR)/reports (åpne reports/index.html)"

## check: lint, så alle tester som ikke starter prosesser, kjerner, servere eller nettleser (om lag ett minutt)
.PHONY: check
check: $(STAMP) lint
	$(BIN)/python -m pytest -q -m "not slow and not browser"

## test: lint, så alle tester og alle notatbøker (pytest + nbval), nettlesertestene med
.PHONY: test
test: $(STAMP) lint browser
	$(BIN)/python -m pytest --nbval-lax

## browser: installer Debians Chromium for nettlesertestene om den mangler (apt; ingen nedlasting av nettleser)
.PHONY: browser
browser:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "Installerer Debians chromium med apt …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

## preview: lag forhåndsvisning av hver kommunes lysark (PDF og én PNG per lysark) og arbeidsbok (PDF) i reports/<nr>-<navn>/deliverables/preview/ (installerer Debians LibreOffice med apt om den mangler)
.PHONY: preview
preview: office
	@for folder in reports/*/deliverables; do \
	  out=$$folder/preview; rm -rf $$out; mkdir -p $$out/slides $$out/workbook; \
	  $(SOFFICE) --headless --convert-to pdf --outdir $$out/slides $$folder/*.pptx >/dev/null || exit 1; \
	  $(SOFFICE) --headless --convert-to pdf --outdir $$out/workbook $$folder/*.xlsx >/dev/null || exit 1; \
	  pdftoppm -r 50 -png $$out/slides/*.pdf $$out/slides/slide || exit 1; \
	done
	@echo "Forhåndsvisninger: reports/*/deliverables/preview/"

## office: installer Debians LibreOffice (Impress og Calc, uten skjermbilde) og poppler for make preview
.PHONY: office
office:
	@command -v $(SOFFICE) >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "Installerer Debians LibreOffice og poppler med apt …"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libreoffice-impress-nogui libreoffice-calc-nogui poppler-utils >/dev/null; }

## lint: ruff over pakken, testene, målingene og notatbøkene; notatbøkene lagres uten utdata
.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check workbench tests benchmarks notebooks
	$(BIN)/nbstripout --verify notebooks/*.ipynb notebooks/apps/*.ipynb

## validate: kontroller alle parameter- og datafiler
.PHONY: validate
validate: $(STAMP)
	$(BIN)/workbench validate

## lab: åpne JupyterLab i notebooks/
.PHONY: lab
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

## app: vis appene med Voilà på http://localhost:$(PORT) (alle fire, eller APP=calculator|personas|housing|allocation)
.PHONY: app
app: $(STAMP)
	$(BIN)/workbench app $(APP) --port=$(PORT)

## benchmark: mål tiden for batchen og kalkulatorens oppdatering, og skriv ut tallene
.PHONY: benchmark
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_widget.py
	$(BIN)/python benchmarks/bench_allocation.py
	$(BIN)/python benchmarks/bench_apps.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_figures.py
	$(BIN)/python benchmarks/bench_fleet.py --sample 40 --modes 1,2,deliver,dask

## strip: fjern utdata fra notatbøkene før de sjekkes inn
.PHONY: strip
strip: $(STAMP)
	$(BIN)/nbstripout notebooks/*.ipynb notebooks/apps/*.ipynb

## clean: fjern genererte rapporter og hurtigbuffere (beholder .venv)
.PHONY: clean
clean:
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis test-artifacts
