.PHONY: run test lint ci

run:  ## set up everything and run the portal with demo data
	scripts/run.sh

test:  ## run the whole test suite
	scripts/test.sh

lint:
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/lint-imports

ci:
	bash .ci/run
