# The two set-up commands of the README: `make serve` and `make test`.
# Each creates .venv and installs what it needs; running them again is quick.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: serve test build lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

serve: $(STAMP)
	$(BIN)/lamcoop build
	$(BIN)/lamcoop serve

build: $(STAMP)
	$(BIN)/lamcoop build

test: $(TEST_STAMP)
	sh scripts/system-deps.sh
	$(BIN)/ruff check graph_loader sparql_endpoint tests bench
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) lamcoop-store dumps
