# Earshot: `make run` starts the demo on the embedded default; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench setup check-services messages clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Earshot needs $(PYTHON) on PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

# Embedded default: SQLite and audio under var/, a Celery broker on local files, demo data.
run: $(STAMP)
	@bash scripts/run

check-services: $(STAMP)
	@$(PY) scripts/check_services.py

test: $(STAMP) check-services
	@bash scripts/install-system-packages
	@# axe-core for the browser tests' accessibility checks, at package-lock.json's version.
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --ignore-scripts --no-audit --no-fund
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) check-services
	@mkdir -p bench/results
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache node_modules

# Extract new UI strings into locale/nl/LC_MESSAGES/django.po (existing translations are
# kept), then refuse untranslated or fuzzy entries and compile django.mo.
messages: $(STAMP)
	EARSHOT_DEBUG=1 $(PY) manage.py makemessages -l nl --ignore=.venv --ignore=var --ignore=node_modules --no-location
	$(PY) scripts/check_translations.py
