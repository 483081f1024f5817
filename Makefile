# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv when missing.
# .venv holds the SageMaker Python SDK v3 (extra `pipelines`); .venv-v2 holds v2 and the stepfunctions SDK (extras
# `pipelines-v2`, `stepfunctions`) for `make test-v2` (the authoring tests under v2) and `make asl`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENV_V2 := .venv-v2
BIN_V2 := $(VENV_V2)/bin
STAMP_V2 := $(VENV_V2)/.installed
# The authoring tests that run under SDK v2 too (tests/sdk_v2 holds those that need the stepfunctions SDK).
V2_TESTS := tests/test_pipeline_governance.py tests/test_pipeline_sdk.py tests/sdk_v2
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

.PHONY: demo test test-v2 asl lint import-tree bench package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

# setuptools reports every editable install with an "Editable installation." warning (the finder it uses for the
# package_dir layout); that one message is filtered out by name, every other warning still shows.
$(STAMP): $(BIN)/python setup.py
	PYTHONWARNINGS='ignore:Editable installation:UserWarning' $(BIN)/python -m pip install --quiet -e '.[dev,pipelines]'
	touch $(STAMP)

$(BIN_V2)/python:
	$(PYTHON) -m venv $(VENV_V2)
	$(BIN_V2)/python -m pip install --quiet --upgrade pip wheel

$(STAMP_V2): $(BIN_V2)/python setup.py
	$(BIN_V2)/python -m pip install --quiet -e '.[dev,pipelines-v2,stepfunctions]'
	touch $(STAMP_V2)

demo: $(STAMP)
	$(BIN)/python -m mcgov.demo

test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-v2: $(STAMP_V2)
	$(BIN_V2)/python -m pytest -q $(V2_TESTS)

# Regenerate the shipped ASL (steps/workflow/*.asl.json) with the stepfunctions SDK; `make test-v2` checks it is current.
asl: $(STAMP_V2)
	$(BIN_V2)/python -m mcgov.pipelines.asl_files
# The installed layout as a tree of links (mcgov/steps -> steps/ ...): the editable install maps the folders with an
# import hook that import-linter, mypy and editors cannot follow, so they read this tree (pyproject.toml: [tool.pyright],
# [tool.mypy]).
IMPORT_TREE := build/import-tree
import-tree:
	rm -rf $(IMPORT_TREE) && mkdir -p $(IMPORT_TREE)/mcgov
	ln -s $(CURDIR)/mcgov/*.py $(IMPORT_TREE)/mcgov/
	for folder in steps pipelines share_policies emulator demo; do ln -s $(CURDIR)/$$folder $(IMPORT_TREE)/mcgov/; done

lint: $(STAMP) import-tree
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd $(IMPORT_TREE) && $(CURDIR)/$(BIN)/lint-imports --no-cache $(CURDIR)/pyproject.toml
	$(BIN)/mypy

# `make bench BENCH_FLAGS=--write-docs` records the run in benchmarks/results.json and regenerates the docs' figures.
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_FLAGS)

# dist/mcgov-lambda.zip for Lambda's $(LAMBDA_RUNTIME) (manylinux x86_64), whatever Python runs the build
# (`mcgov stack package` is the same packager, for a wheel install).
package: $(STAMP)
	$(BIN)/python -m mcgov.steps.stack.lambda_package --runtime $(LAMBDA_RUNTIME) --out $(PACKAGE_DIR)

clean:
	rm -rf $(VENV) $(VENV_V2) out build dist *.egg-info
