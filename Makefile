# The two commands that matter: `make run` (the whole platform, embedded engines) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# pgserver and the embedded engines look for a runtime dir; a fresh CI shell has none.
export XDG_RUNTIME_DIR ?= /tmp/runtime-$(shell id -u)

.PHONY: install run test test-quick lint format bench clean-data

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and exactly: any looser resolution pulls gigabytes of CUDA packages.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: install
	$(PY) -m embedded

# One pytest worker per core: each gets its own graph engine, vector shard and test database.
test: lint
	$(PY) -m pytest -n auto --dist loadgroup

# The quick loop: everything but the slow tests (real worker crashes, the launcher end to end).
test-quick: install
	$(PY) -m pytest -n auto --dist loadgroup -m "not slow"

# Style, types, the layering (pyproject.toml: import-linter contracts) and migrations in step with
# the models. The type check and the contracts read the settings, which need these set, not reached.
LINT_ENV := DATABASE_URL=postgres://lint@localhost/lint SECRET_KEY=lint-only
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(LINT_ENV) $(VENV)/bin/mypy backend graph vectors tasks embedded recommender
	$(LINT_ENV) $(VENV)/bin/lint-imports
	SECRET_KEY=lint-only $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every benchmark at one scale (small: minutes; medium: the committed report), then bench/REPORT.md
# and its plots under bench/report/. Not part of `make test`.
SCALE ?= small
bench: install
	$(PY) bench/report.py --scale $(SCALE)

clean-data:
	rm -rf .local
