# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The suite runs on PYTEST_WORKERS processes (pytest-xdist); each test file stays on one worker, so module-scoped
# fixtures are built once. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
# Bytecode and pytest's rewritten modules are cached in __pycache__ (ignored by git) even where
# PYTHONDONTWRITEBYTECODE is set: the tests that start Python subprocesses then import compiled modules.
TEST_ENV := PYTHONDONTWRITEBYTECODE=
# The one Lambda runtime: the package is built for it and the stack's PythonRuntime default equals it.
LAMBDA_RUNTIME := $(shell cat lambda-runtime.txt)
PACKAGE_DIR ?= dist

.PHONY: demo test bench package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

$(STAMP): $(BIN)/python setup.py
	$(BIN)/python -m pip install --quiet -e '.[dev,pipelines]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m mcgov.demo

test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# `make bench BENCH_FLAGS=--write-docs` records the run in benchmarks/results.json and regenerates the docs' figures.
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_FLAGS)

# dist/mcgov-lambda.zip for Lambda's $(LAMBDA_RUNTIME) (manylinux x86_64), whatever Python runs the build.
package: $(STAMP)
	$(BIN)/python tools/package_lambda.py --runtime $(LAMBDA_RUNTIME) --out $(PACKAGE_DIR)

clean:
	rm -rf $(VENV) out build dist *.egg-info
