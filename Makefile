# make demo: analyse the bundled story; make test: run the suite. Both set up .venv first.
# The interpreter for .venv: Python 3.12 when this machine has one (on PATH, or installed under
# pyenv), else python3. spaCy's wheels for Python < 3.12 are built with Cython's profiling hooks, and
# the same analysis costs 0.3-0.4 CPU s more on them (benchmarks/RESULTS.md, section 5); briefs are
# byte-identical on both. Override with `make PYTHON=python3.11 ...`.
PY312 := $(shell python3.12 -c 'print("python3.12")' 2>/dev/null || \
	(v=$$(pyenv latest 3.12 2>/dev/null) && PYENV_VERSION=$$v pyenv which python3.12 2>/dev/null))
PYTHON ?= $(or $(PY312),python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The extras `make setup` installs; .ci/run adds spark (pyspark and a JRE) so the Spark engine's tests run.
EXTRAS ?= dev

.PHONY: demo test lint clean setup bench train

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/storylens analyze examples/russia-day/ --html russia-day.html

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

# Quality and speed benchmarks against named baselines on ../shared/data (slow; not part of test).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) russia-day.html

# Retrain the sentence-pair model and install it into src/storylens/data (training/train_pairs.py;
# about 35 minutes on 2 cores). Its own venv: torch is never needed by demo or test.
TRAIN_VENV ?= .venv-train
train:
	$(or $(shell command -v python3.11),$(PYTHON)) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install --quiet -e '.[train]'
	$(TRAIN_VENV)/bin/python training/train_pairs.py --data ../shared/data --install
