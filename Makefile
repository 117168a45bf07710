# Activity Batch API: every developer and CI task. The first run creates the virtualenvs it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 (the Lambda runtime) where installed, pyenv's included; else the default python3.
PYTHON ?= $(shell for p in python3.13 $$(ls -d $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null | sort -V | tail -n 1) python3; do \
	if "$$p" -c 'import sys' >/dev/null 2>&1; then "$$p" -c 'import sys; print(sys.executable)'; break; fi; done)
VENV := .venv
SAM_VENV := .venv-sam
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0

.PHONY: help venv run test lint format openapi validate build bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt layers/shared/requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	@test -x $(SAM) || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	@touch $@

venv: $(VENV)/.installed ## Create the runtime/test virtualenv (.venv)

test: $(VENV)/.installed ## Run the whole test suite (unit, integration under moto)
	$(PY) -m pytest

lint: $(VENV)/.installed ## ruff, mypy, and the committed OpenAPI document is up to date
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy layers/shared functions local tests
	$(PY) -m local.openapi --check openapi.json

format: $(VENV)/.installed ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: $(VENV)/.installed ## Regenerate openapi.json from the functions' routes
	$(PY) -m local.openapi --write openapi.json

validate: $(VENV)/.installed $(SAM_VENV)/.installed ## sam validate --lint and cfn-lint on template.yaml
	$(SAM) validate --lint --template template.yaml
	$(VENV)/bin/cfn-lint template.yaml

build: $(SAM_VENV)/.installed ## sam build (no container) of the functions and the shared layer
	PATH="$(dir $(PYTHON)):$$PATH" $(SAM) build --template template.yaml

clean: ## Remove virtualenvs and build output
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .local .pytest_cache .mypy_cache .ruff_cache
