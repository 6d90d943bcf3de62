# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: demo test lint bench install install-test system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

# The runtime install (what `make demo` needs).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Everything the tests need: Python extras, plus Chromium, PostgreSQL and Java from Debian.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test system-deps

system-deps:
	bash scripts/system-deps.sh

demo: $(VENV)/.installed
	$(BIN)/scaleup demo --port $(PORT)

test: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/ruff format --check src tests bench

bench: install-test
	$(BIN)/python bench/compute.py
	$(BIN)/python bench/serve.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache test-output
