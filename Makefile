# Activity Batch API: every developer and CI task. The first run creates the virtualenvs it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 (the Lambda runtime) where installed, pyenv's included; else the default python3.
PYTHON ?= $(shell for p in python3.13 $$(ls -d $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null | sort -V | tail -n 1) python3; do \
	if "$$p" -c 'import sys' >/dev/null 2>&1; then "$$p" -c 'import sys; print(sys.executable)'; break; fi; done)
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
CHECKOV := $(CHECKOV_VENV)/bin/checkov
TS_CLIENT := clients/typescript
HAVE_NODE := $(shell command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && echo yes)
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0

.PHONY: help venv run invoke token e2e test lint format openapi validate build bench clean fuzz load webhook-listen clients

# The local stack's modules import the layer's package the way pytest does (pyproject's pythonpath).
run invoke token e2e lint openapi load webhook-listen: export PYTHONPATH := $(CURDIR)/layers/shared:$(CURDIR)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Python writes bytecode on first import (only the modules actually used), even where the environment disables it:
# installs skip compiling everything up front, and later starts and test runs do not recompile on every import.
unexport PYTHONDONTWRITEBYTECODE

# uv (pinned, installed by pip into the venv) installs the pinned requirements several times faster than pip.
$(VENV)/.installed: requirements-dev.txt layers/shared/requirements.txt clients/python/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.txt
	@touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	@test -x $(SAM) || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	@touch $@

# checkov pins many packages of its own: its own virtualenv, like the SAM CLI.
$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

venv: $(VENV)/.installed ## Create the runtime/test virtualenv (.venv)

run: $(VENV)/.installed ## Run the API locally: moto (DynamoDB, Cognito) + demo data + HTTP API on 127.0.0.1:8000
	$(PY) -m local.stack

invoke: $(VENV)/.installed ## Run one handler against the running stack: make invoke FUNCTION=BatchGetFunction EVENT=events/batch_get.json
	@test -n "$(FUNCTION)" -a -n "$(EVENT)" || { echo "usage: make invoke FUNCTION=<logical id> EVENT=<events/file.json>"; exit 2; }
	@$(PY) -m local.invoke "$(FUNCTION)" "$(EVENT)"

# USER is also the login name in the environment: only a USER= given on the command line picks the demo user.
token: $(VENV)/.installed ## Print an access token from the running stack: make token USER=teacher@sunrise.example
	@$(PY) -m local.token "$(if $(filter command line,$(origin USER)),$(USER),teacher@sunrise.example)"

webhook-listen: $(VENV)/.installed ## Receive the running stack's webhooks: verified (standardwebhooks) and printed; PORT=4000 USER=admin@maple.example
	@$(PY) -m local.webhook_listen $(if $(PORT),--port $(PORT)) $(if $(filter command line,$(origin USER)),--user $(USER))

test: $(VENV)/.installed ## Run the whole test suite (unit, integration under moto, e2e over HTTP; the TypeScript client's with Node)
	@test "$(HAVE_NODE)" = yes || echo "Node.js (node and npm) is not installed: the TypeScript client's tests will be skipped"
	$(PY) -m pytest

e2e: $(VENV)/.installed ## Run only the end-to-end tests (they start their own stack on free ports)
	$(PY) -m pytest -m e2e tests/e2e

FUZZ_EXAMPLES ?= 500
fuzz: $(VENV)/.installed ## Longer schema fuzzing of every route through a local stack (FUZZ_EXAMPLES=500 per operation)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(PY) -m pytest -p no:cacheprovider tests/e2e/test_fuzz_schemathesis.py

load: $(VENV)/.installed ## Bounded load test on loopback: 20 clients for 20 s; fails on any 5xx or if no 429 appeared
	$(PY) -m local.load

lint: $(VENV)/.installed ## ruff, mypy, and the committed OpenAPI document and the clients' generated code are up to date
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy layers/shared functions local tests clients/python/src
	$(PY) -m local.openapi --check openapi.json
	@set -o pipefail; $(CLIENT_MODELS_GEN) | diff -q - $(CLIENT_MODELS) >/dev/null \
		|| { echo "$(CLIENT_MODELS) is not what openapi.json generates: run make clients"; exit 1; }
ifeq ($(HAVE_NODE),yes)
	@$(MAKE) --no-print-directory $(TS_CLIENT)/node_modules/.package-lock.json
	cd $(TS_CLIENT) && npm run --silent check-generated && npx --no-install tsc -p tsconfig.json --noEmit
	@test "$$(grep -c '"resolved"' $(TS_CLIENT)/package-lock.json)" = 0 || { echo "$(TS_CLIENT)/package-lock.json names a registry"; exit 1; }
else
	@echo "Node.js (node and npm) is not installed: the TypeScript client was not checked"
endif

format: $(VENV)/.installed ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: $(VENV)/.installed ## Regenerate openapi.json from the functions' routes
	$(PY) -m local.openapi --write openapi.json

# The clients' generated code (DESIGN 10, README "Clients"), from openapi.json: the Python models by
# datamodel-code-generator (formatted by ruff), the TypeScript types by openapi-typescript (its devDependency).
CLIENT_MODELS := clients/python/src/activity_batch_client/models.py
CLIENT_MODELS_GEN = $(PY) -m datamodel_code_generator --input openapi.json --input-file-type openapi \
	--output-model-type pydantic_v2.BaseModel --target-python-version 3.11 --collapse-root-models \
	--enum-field-as-literal all --use-annotated --field-constraints --strict-nullable --use-double-quotes \
	--disable-timestamp --formatters builtin --custom-file-header-path clients/python/models_header.txt \
	| $(VENV)/bin/ruff format --stdin-filename $(CLIENT_MODELS) -

$(TS_CLIENT)/node_modules/.package-lock.json: $(TS_CLIENT)/package-lock.json
	cd $(TS_CLIENT) && npm ci --prefer-offline --no-audit --no-fund

clients: $(VENV)/.installed ## Regenerate the clients' Python models and TypeScript types from openapi.json
	set -o pipefail; $(CLIENT_MODELS_GEN) > $(CLIENT_MODELS).tmp && mv $(CLIENT_MODELS).tmp $(CLIENT_MODELS)
ifeq ($(HAVE_NODE),yes)
	@$(MAKE) --no-print-directory $(TS_CLIENT)/node_modules/.package-lock.json
	cd $(TS_CLIENT) && npm run --silent generate
else
	@echo "Node.js (node and npm) is not installed: the TypeScript client's types were not regenerated"
endif

# checkov reads the SAM template itself (its cloudformation framework knows AWS::Serverless::*); --skip-download:
# no call to Prisma Cloud (no network). Checks that do not apply are skipped in template.yaml, each with its reason.
validate: $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed ## sam validate --lint, cfn-lint and checkov on template.yaml
	$(SAM) validate --lint --template template.yaml
	$(VENV)/bin/cfn-lint template.yaml
	$(CHECKOV) --file template.yaml --framework cloudformation --skip-download --compact --quiet

build: $(SAM_VENV)/.installed ## sam build (no container) of the functions and the shared layer
	PATH="$(dir $(PYTHON)):$$PATH" $(SAM) build --template template.yaml

# Benchmark-only packages (matplotlib, aws-xray-sdk) go into the same venv, only when `make bench` runs.
$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-bench.txt
	@touch $@

bench: export PYTHONPATH := $(CURDIR)/layers/shared:$(CURDIR)
bench: $(VENV)/.bench-installed ## Benchmarks (a few minutes): batching over HTTP, DynamoDB round trips, cold starts, warm latency
	$(PY) -m bench.run $(BENCH_ARGS)

clean: ## Remove virtualenvs and build output
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .local .pytest_cache .mypy_cache .ruff_cache
	rm -rf $(TS_CLIENT)/node_modules $(TS_CLIENT)/dist
