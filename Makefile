# Two commands, both safe to repeat:
#   make run    set up .venv from requirements.lock, then run every notebook into reports/
#   make test   set up .venv from requirements.lock, then lint and run the whole test suite
# The set-up step is skipped when requirements.lock and pyproject.toml are unchanged.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kzaf-env
# uv installs the lock in seconds; pinned so every machine resolves the same way.
UV_VERSION := 0.13.9
# axe-core for the site's browser test (see the `axe` target).
AXE_VERSION := 4.14.1
AXE := .axe/node_modules/axe-core/axe.min.js

.PHONY: run test test-fast env lint suite suite-fast lock lab clean-env notebooks kernel axe

run: $(STAMP)
	$(BIN)/kzaf run

LINTED := conftest.py src tests notebooks benchmarks tools

# Lint and tests side by side (make -j2): mypy's quarter-minute on one core fits beside the
# test run, which leaves some of the second core idle while kernels and browsers start.
test: $(STAMP)
	$(MAKE) --no-print-directory -j2 lint suite

# The inner loop: everything but the tests that execute notebooks or run long simulations
# (about a minute). CI runs `make test`, which includes them.
test-fast: $(STAMP)
	$(MAKE) --no-print-directory -j2 lint suite-fast

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy src/kzaf

suite: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -n auto

suite-fast: $(STAMP)
	$(BIN)/python -m pytest tests -n auto -m "not notebook and not slow"

env: $(STAMP)

# axe-core, which the site's browser test runs on every page (tests/test_site_browser.py):
# from the npm registry, pinned, into a git-ignored folder and without a lockfile (npm's
# lockfiles record the registry's addresses). The test fails, never skips, without it.
axe: $(AXE)

$(AXE):
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix .axe \
		axe-core@$(AXE_VERSION)

$(STAMP): requirements.lock pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	# sync makes the venv hold exactly the lock (removing strays), then add kzaf itself.
	# --compile-bytecode writes .pyc files at install: with PYTHONDONTWRITEBYTECODE=1 (set in
	# many containers) every kernel would otherwise recompile pandas, seaborn and statsmodels.
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps --editable .
	# kzaf is installed editable, so its own modules are compiled here (uv compiles only what
	# it installs into the venv): every kernel imports them.
	$(BIN)/python -m compileall -q src/kzaf
	touch $(STAMP)

# Re-execute the committed notebooks in place with their default parameters (so their saved
# outputs, which nbval compares, match the code and data). Charts and full tables are embedded
# in the notebooks (no KZAF_FIGURES_DIR), so nothing is written beside them in notebooks/.
notebooks: $(STAMP)
	cd notebooks && unset KZAF_FIGURES_DIR && for nb in [0-9][0-9]_*.ipynb; do \
		../$(BIN)/papermill --cwd . -k python3 --no-progress-bar "$$nb" "$$nb" || exit 1; \
	done

# Re-resolve the lock after changing dependencies in pyproject.toml; it must hold no URLs.
lock:
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 \
		--no-header --annotation-style line --output-file requirements.lock
	! grep -nE '(https?|file)://' requirements.lock

# A named kernel ("kzaf") for tools that start kernels by name outside this folder, such as
# Airflow's PapermillOperator; the notebooks themselves name "python3", the venv's Python here.
kernel: $(STAMP)
	$(BIN)/python -m ipykernel install --user --name kzaf --display-name "Python 3 (kzaf)"

# JupyterLab on this machine only, with the project's environment as its kernel.
lab: $(STAMP)
	$(BIN)/jupyter lab --ip 127.0.0.1 --no-browser $(if $(filter 0,$(shell id -u)),--allow-root) notebooks

clean-env:
	rm -rf $(VENV)
