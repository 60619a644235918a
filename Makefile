# Earshot: `make run` starts the demo on the embedded default; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench setup check-services messages clean

# The venv and its packages: uv (pinned, from the package index) when it can be had, else pip;
# EARSHOT_INSTALLER=pip forces pip. scripts/install-packages says which and how long it took.
$(STAMP): pyproject.toml
	@PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/install-packages
	@touch $(STAMP)

setup: $(STAMP)

# Embedded default: SQLite and audio under var/, a Celery broker on local files, demo data.
# When make started, so scripts/run can say how long the first page took, installing included.
RUN_STARTED := $(shell date +%s)
run: $(STAMP)
	@EARSHOT_RUN_STARTED=$(RUN_STARTED) bash scripts/run

check-services: $(STAMP)
	@$(PY) scripts/check_services.py

# One worker per core of the two-core machines it runs on (more would only queue for the CPU;
# at most four fit the Redis databases 12-15). `make test TEST_WORKERS=0` runs in one process;
# PYTEST_ARGS comes last, so it can override either option.
TEST_WORKERS ?= 2
test: $(STAMP) check-services
	@bash scripts/install-system-packages
	@# axe-core for the browser tests' accessibility checks, at package-lock.json's version.
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --ignore-scripts --no-audit --no-fund
	@# Parallel workers (pytest-xdist), each with its own test database, Redis database (12 + n
	@# unless CELERY_BROKER_URL names another first one) and var/ folder; the ten slowest at the end.
	$(PY) -m pytest -n $(TEST_WORKERS) --durations=10 $(PYTEST_ARGS)

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
