# Two commands for a newcomer: `make run` (install and run the example review) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV))/bin
CORES ?= 2
# The venv's snakemake, slrflow and python come first on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: run test lint typecheck install install-dev clean

# Snakemake ends with the PRISMA summary, where to look and how to start screening (the workflow's onsuccess).
run: $(VENV)/.installed
	@echo "==> running the example review with snakemake on $(CORES) cores"
	snakemake --cores $(CORES)

test: $(VENV)/.installed-dev lint typecheck
	pytest

lint: $(VENV)/.installed-dev
	ruff check .
	ruff format --check .
	snakefmt --check Snakefile workflow/Snakefile workflow/rules
	snakemake --lint

# mypy over workflow/slrflow, configured in pyproject.toml ([tool.mypy]).
typecheck: $(VENV)/.installed-dev
	mypy

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	@echo "==> creating the virtual environment $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pip lists each package as it collects and installs it: the progress of the longest step.
# The ranking model's wheels are installed by hash first (requirements-onnx.txt), so pip finds them in place.
$(VENV)/.installed: pyproject.toml requirements-onnx.txt | $(VENV)/bin/python
	@echo "==> installing slrflow and the libraries it needs into $(VENV) (a few minutes the first time)"
	$(BIN)/python -m pip install --no-deps --require-hashes -r requirements-onnx.txt
	$(BIN)/python -m pip install -e .
	@echo "==> installed: $(BIN)/slrflow and $(BIN)/snakemake"
	touch $@

# The tests cover the torch MiniLM model too; /opt/wheels, where present, holds the CPU build of torch.
$(VENV)/.installed-dev: pyproject.toml requirements-onnx.txt | $(VENV)/bin/python
	@echo "==> installing slrflow with the development and embeddings extras into $(VENV) (several minutes the first time)"
	$(BIN)/python -m pip install --no-deps --require-hashes -r requirements-onnx.txt
	$(BIN)/python -m pip install $(if $(wildcard /opt/wheels),--find-links /opt/wheels) -e '.[dev,embeddings]'
	touch $(VENV)/.installed $@

clean:
	rm -rf results/* .snakemake
	git checkout -- results/README.md
