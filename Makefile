# The few commands people type. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-deps test-prefect test-airflow lint bench bench-serve clean

$(BIN)/dataguard: pyproject.toml
	$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"; exit 2; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/dataguard
	$(BIN)/dataguard demo --dir dataguard-demo

# The tests start their own PostgreSQL and MariaDB servers and drive Chromium; this installs
# the Debian packages when they are missing (a no-op otherwise; needs root or sudo).
test-deps:
	bash .ci/install-test-deps.sh

test: $(BIN)/dataguard test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

# The Prefect and Airflow examples run for real in venvs of their own (see the extras in
# pyproject.toml): Prefect pins older apprise and python-dateutil than ours, Airflow is heavy.
# CI runs test-prefect; test-airflow is run by hand (docs/automation.md#orchestrators).
.venv-%/bin/pytest: pyproject.toml
	$(PYTHON) -m venv .venv-$*
	.venv-$*/bin/pip install --quiet --upgrade pip
	.venv-$*/bin/pip install --quiet -e '.[dev,$*]'
	@touch $@

test-prefect: .venv-prefect/bin/pytest
	.venv-prefect/bin/pytest tests/test_example_prefect.py

test-airflow: .venv-airflow/bin/pytest
	.venv-airflow/bin/pytest tests/test_example_airflow.py

lint: $(BIN)/dataguard
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Side by side: dataguard vs. plain Great Expectations vs. hand-written pandas at 100 k and 1 M
# rows (CSV, SQLite, a throw-away PostgreSQL). BENCH_ARGS=--with-5m adds 5 M rows (long).
# Then what --report adds at 1 M rows, and a list longer than an Excel sheet (report_bench.py).
bench: $(BIN)/dataguard
	PYTHONPATH=. $(BIN)/python bench/perf_bench.py $(BENCH_ARGS)
	PYTHONPATH=. $(BIN)/python bench/report_bench.py $(REPORT_BENCH_ARGS)

# dataguard serve on a warm server: the demo gates under 8 concurrent clients, beside the
# CLI's cold time (bench/README.md). SERVE_BENCH_ARGS=--requests 20 for more samples.
bench-serve: $(BIN)/dataguard
	PYTHONPATH=. $(BIN)/python bench/serve_bench.py $(SERVE_BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-prefect .venv-airflow dataguard-demo .pytest_cache
