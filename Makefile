# The two set-up commands of the README: `make serve` and `make test`.
# Each creates .venv and installs what it needs; running them again is quick.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# The query editor, from the npm registry, into the package's static files.
YASGUI_VERSION := 4.6.2
YASGUI_DIR := sparql_endpoint/static/yasgui
YASGUI := $(YASGUI_DIR)/yasgui.min.js
# The JavaScript linked-data clients the tests run (Comunica), pinned by their lock file.
CLIENTS := tests/clients/node_modules/.package-lock.json
# Test processes: one per CPU and one more, to use the CPU a test leaves while it waits
# for a server or a signal (one per CPU left a quarter idle; two more were slower: 10:34).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) + 1)')

.PHONY: serve test build lint bench clean yasgui translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

serve: $(STAMP) $(YASGUI)
	$(BIN)/lamcoop build
	$(BIN)/lamcoop serve

build: $(STAMP) $(YASGUI)
	$(BIN)/lamcoop build

test: $(TEST_STAMP) $(YASGUI) $(CLIENTS)
	sh scripts/system-deps.sh
	$(BIN)/ruff check graph_loader sparql_endpoint tests bench scripts
	$(BIN)/ruff format --check graph_loader sparql_endpoint tests bench scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -P bench/load.py
	$(BIN)/python -P bench/http.py

clean:
	rm -rf $(VENV) lamcoop-store dumps

yasgui: $(YASGUI)

# The interface's words: extract every message of the templates and the Python code
# (babel.cfg) and update the Persian and Chinese catalogues. New messages come out empty (and
# similar ones fuzzy): translate them in the .po files; tests/test_interface_text.py fails
# until every message has a translation. The catalogues are compiled when the app starts.
TRANSLATIONS := sparql_endpoint/translations
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext --no-location --sort-output \
	  --omit-header -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
	  --ignore-obsolete --ignore-pot-creation-date -w 100
	rm -f $(TRANSLATIONS)/messages.pot

$(CLIENTS): tests/clients/package.json tests/clients/package-lock.json
	cd tests/clients && npm ci --silent --no-audit --no-fund \
	  || echo "npm could not install Comunica: the tests that run it skip"

$(YASGUI):
	mkdir -p $(YASGUI_DIR)
	cd $(YASGUI_DIR) && npm pack --silent @zazuko/yasgui@$(YASGUI_VERSION) >/dev/null \
	  && tar xzf zazuko-yasgui-$(YASGUI_VERSION).tgz --strip-components=2 \
	     package/build/yasgui.min.js package/build/yasgui.min.css \
	  && rm -f zazuko-yasgui-$(YASGUI_VERSION).tgz \
	  || echo "npm could not fetch YASGUI: /sparql offers a plain query form instead"
