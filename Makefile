# Qingfeng — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QINGFENG_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test test-postgres test-e2e lint bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "需要 Python 3.11 或更高版本"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

## Set up, migrate the embedded SQLite database, load demo data if empty, and serve.
run: $(STAMP)
	$(BIN)/qingfeng init
	$(BIN)/qingfeng demo --if-empty
	$(BIN)/qingfeng serve --host 127.0.0.1 --port 5000 --with-scheduler

## Every test this machine can run: on SQLite, then on PostgreSQL when
## QINGFENG_TEST_POSTGRES_URL is set. Skipped tests are listed with their reason.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest
	@if [ -n "$$QINGFENG_TEST_POSTGRES_URL" ]; then \
		echo "== 在 PostgreSQL 上运行全部测试：$$QINGFENG_TEST_POSTGRES_URL"; \
		QINGFENG_TEST_DATABASE_URL="$$QINGFENG_TEST_POSTGRES_URL" $(BIN)/python -m pytest; \
	else \
		echo "== 跳过 PostgreSQL：未设置 QINGFENG_TEST_POSTGRES_URL（例如 postgresql://postgres@127.0.0.1:5432/test）"; \
	fi

test-postgres: $(STAMP)
	QINGFENG_TEST_DATABASE_URL="$${QINGFENG_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}" \
		$(BIN)/python -m pytest

test-e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache test-artifacts
