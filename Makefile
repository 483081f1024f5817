# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The one Lambda runtime: the package is built for it and the stack's PythonRuntime default equals it.
LAMBDA_RUNTIME := $(shell cat lambda-runtime.txt)
PACKAGE_DIR ?= dist

.PHONY: demo test lint import-tree bench package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

$(STAMP): $(BIN)/python setup.py
	$(BIN)/python -m pip install --quiet -e '.[dev,pipelines]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m mcgov.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The installed layout as a tree of links (mcgov/steps -> steps/ ...): the editable install maps the folders with an
# import hook that import-linter and editors cannot follow, so they read this tree (pyproject.toml: [tool.pyright]).
IMPORT_TREE := build/import-tree
import-tree:
	rm -rf $(IMPORT_TREE) && mkdir -p $(IMPORT_TREE)/mcgov
	ln -s $(CURDIR)/mcgov/*.py $(IMPORT_TREE)/mcgov/
	for folder in steps pipelines share_policies emulator demo; do ln -s $(CURDIR)/$$folder $(IMPORT_TREE)/mcgov/; done

lint: $(STAMP) import-tree
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd $(IMPORT_TREE) && $(CURDIR)/$(BIN)/lint-imports --no-cache $(CURDIR)/pyproject.toml

# `make bench BENCH_FLAGS=--write-docs` records the run in benchmarks/results.json and regenerates the docs' figures.
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_FLAGS)

# dist/mcgov-lambda.zip for Lambda's $(LAMBDA_RUNTIME) (manylinux x86_64), whatever Python runs the build.
package: $(STAMP)
	$(BIN)/python tools/package_lambda.py --runtime $(LAMBDA_RUNTIME) --out $(PACKAGE_DIR)

clean:
	rm -rf $(VENV) out build dist *.egg-info
