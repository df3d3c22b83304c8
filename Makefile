# `make run` and `make test` are all a new machine needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/calkeep
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-sqlite test-postgres lint corpus bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/calkeep run

test: $(VENV)/.installed-dev
	$(BIN)/ruff check calkeep tests bench
	$(BIN)/ruff format --check calkeep tests bench
	$(BIN)/mypy calkeep
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.installed-dev
	@echo "== tests on SQLite"
	env -u DATABASE_URL $(BIN)/pytest -n 2 -q

# PostgreSQL runs when a server answers; CI sets CALKEEP_REQUIRE_POSTGRES=1 to make it mandatory.
test-postgres: $(VENV)/.installed-dev
	@if $(BIN)/python -m calkeep.lib.pgcheck "$(PG_TEST_URL)"; then \
		echo "== tests on PostgreSQL"; \
		DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -n 2 -q; \
	elif [ "$$CALKEEP_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL is required (CALKEEP_REQUIRE_POSTGRES=1) but $(PG_TEST_URL) does not answer"; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(PG_TEST_URL): skipped the second run"; \
	fi

corpus: $(VENV)/.installed
	$(PYTHON) ../shared/corpus/check_corpus.py --project $(CURDIR)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
