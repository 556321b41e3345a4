# The two commands that matter: `make run` (the whole platform, embedded engines) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# pgserver and the embedded engines look for a runtime dir; a fresh CI shell has none.
export XDG_RUNTIME_DIR ?= /tmp/runtime-$(shell id -u)

.PHONY: install run test lint format bench clean-data

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

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/bench_catalog.py --quick
	$(PY) bench/bench_sync.py --quick
	$(PY) bench/bench_graph.py --quick
	$(PY) bench/bench_vectors.py --quick

clean-data:
	rm -rf .local
