# The one entry point: CI calls the same recipes (see .ci/run).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test lint format typecheck pytest messages bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.synced

## Start the app on its embedded defaults (SQLite, demo data from the seeds) and print its URL.
run: install
	PORT=$(PORT) $(BIN)/python manage.py serve

## Everything CI checks: lint, type check, the whole test suite.
test: lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy clinicdesk

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

## Extract strings into the catalogues and compile them. An app with its own locale/ folder
## keeps its strings there (in Spanish at least); the project catalogue holds the rest.
LANGS := -l es -l fr -l ar -l zh_Hans -l de -l ru
APP_CATALOGUES := $(patsubst %/locale,%,$(wildcard clinicdesk/*/locale))
MAKEMESSAGES := env -u DJANGO_SETTINGS_MODULE $(CURDIR)/$(BIN)/django-admin makemessages --no-location --no-obsolete
COMPILEMESSAGES := env -u DJANGO_SETTINGS_MODULE $(CURDIR)/$(BIN)/django-admin compilemessages
messages: install
	cd clinicdesk && $(MAKEMESSAGES) $(LANGS) $(foreach app,$(APP_CATALOGUES),--ignore='$(notdir $(app))/*')
	cd clinicdesk && $(COMPILEMESSAGES)
	for app in $(APP_CATALOGUES); do \
	  (cd $$app && $(MAKEMESSAGES) -l es && $(COMPILEMESSAGES)) || exit 1; \
	done

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) data .pytest_cache .mypy_cache .ruff_cache
