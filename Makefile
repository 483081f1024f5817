# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The one Lambda runtime: the package is built for it and the stack's PythonRuntime default equals it.
LAMBDA_RUNTIME := $(shell cat lambda-runtime.txt)
PACKAGE_DIR ?= dist

.PHONY: demo test bench package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

# setuptools reports every editable install with an "Editable installation." warning (the finder it uses for the
# package_dir layout); that one message is filtered out by name, every other warning still shows.
$(STAMP): $(BIN)/python setup.py
	PYTHONWARNINGS='ignore:Editable installation:UserWarning' $(BIN)/python -m pip install --quiet -e '.[dev,pipelines]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m mcgov.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# `make bench BENCH_FLAGS=--write-docs` records the run in benchmarks/results.json and regenerates the docs' figures.
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_FLAGS)

# dist/mcgov-lambda.zip for Lambda's $(LAMBDA_RUNTIME) (manylinux x86_64), whatever Python runs the build.
package: $(STAMP)
	$(BIN)/python tools/package_lambda.py --runtime $(LAMBDA_RUNTIME) --out $(PACKAGE_DIR)

clean:
	rm -rf $(VENV) out build dist *.egg-info
