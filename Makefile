# saksrobot: `make demo` runs the main job on the embedded defaults, `make test` runs the tests.
# Both create .venv, install the package and make a Chromium available first.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test docs lint bench setup clean

setup: $(STAMP) $(VENV)/.browser

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

$(VENV)/.browser: $(STAMP)
	$(BIN)/saksrobot browser install
	touch $@

demo: setup
	$(BIN)/saksrobot demo

test: setup
	$(BIN)/python -m pytest -q

docs: setup
	$(BIN)/saksrobot docs --output docs/keywords

lint: setup
	$(BIN)/ruff check libraries tests benchmarks
	$(BIN)/robocop check robots tests/acceptance

.venv-bench/.installed: benchmarks/requirements.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $@

bench: setup .venv-bench/.installed
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/case_creation.py
	$(BIN)/python benchmarks/workitems.py
	$(BIN)/python benchmarks/invoices.py
	$(BIN)/python benchmarks/report.py
	$(BIN)/python benchmarks/workers.py

clean:
	rm -rf $(VENV) .venv-bench var logs/*/
