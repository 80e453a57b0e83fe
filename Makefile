# Krimpkaart: `make run` starts the app, `make test` runs the whole suite.
# Both create the virtual environment and install the project first, from the
# lock file (requirements.lock: exact versions of everything, tests included).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
MIN_VENV ?= .venv-min

.PHONY: install run test lint typecheck imports e2e test-min lock bench geodata clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/krimpkaart run --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

# Everything outside the Streamlit page (dashboard/ui, dashboard/app.py) is type-checked.
typecheck: $(STAMP)
	$(BIN)/mypy

# The import contract in pyproject.toml: layers, no Streamlit outside ui/ and app.py.
imports: $(STAMP)
	$(BIN)/lint-imports --no-cache

# pytest exits 5 when it collected no tests: that is a failure here too.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

e2e: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m e2e; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no browser tests"; exit 1; fi; exit $$rc

# The lowest versions pyproject.toml allows, in a venv of their own: the unit tests
# (not the browser tests) must pass there too, or a floor is a lie.
test-min: $(STAMP)
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(BIN)/uv pip install --quiet --python $(MIN_VENV)/bin/python \
		--resolution lowest-direct -e '.[test]'
	cd $(MIN_VENV) && ../$(MIN_VENV)/bin/python -c 'import dashboard, sys; \
		sys.exit(0 if dashboard.__file__.startswith("$(CURDIR)/") else "not this checkout")'
	$(MIN_VENV)/bin/python -m pytest -q -p no:cacheprovider -m "not e2e"; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

# Re-resolve requirements.lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		-o requirements.lock

bench: $(STAMP)
	$(BIN)/python bench/bench_map.py
	$(BIN)/python bench/bench_export.py

geodata: $(STAMP)
	$(BIN)/krimpkaart build-geodata

clean:
	rm -rf $(VENV) $(MIN_VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache \
		test-artifacts
