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

.PHONY: run test test-fast test-quick env lint suite suite-fast suite-quick lock lab clean-env \
	notebooks kernel axe

run: $(STAMP)
	$(BIN)/kzaf run

LINTED := conftest.py src tests notebooks benchmarks tools etc

# Three tiers; wall times measured on a 2-core machine shared with other work (README,
# "Development", has the figures and loads):
#   test        everything, what CI runs: lint, every test, nbval on every notebook   3-6 min
#   test-fast   lint and every test except those executing notebooks or slow studies  ~1.5 min
#   test-quick  the edit loop: ruff and the unit tests, no kernels, processes,
#               browser or simulation studies                                         ~25 s
# Lint and tests side by side (make -j2): mypy's quarter-minute on one core fits beside the
# test run, which leaves some of the second core idle while kernels and browsers start.
test: $(STAMP)
	$(MAKE) --no-print-directory -j2 lint suite

test-fast: $(STAMP)
	$(MAKE) --no-print-directory -j2 lint suite-fast

test-quick: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(MAKE) --no-print-directory suite-quick

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy src/kzaf

# --nbval-lax: every notebook is executed and only its headline tables (cells marked
# NBVAL_CHECK_OUTPUT) are compared with the committed outputs. `pytest --nbval notebooks`
# compares every output strictly (pyproject.toml's sanitizers set the charts' drawings aside).
suite: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -n auto --nbval-lax

suite-fast: $(STAMP)
	$(BIN)/python -m pytest tests -n auto -m "not notebook and not slow"

suite-quick: $(STAMP)
	$(BIN)/python -m pytest tests -n auto -m "not notebook and not slow and not integration \
		and not simulation"

env: $(STAMP)

# axe-core, which the site's browser test runs on every page (tests/test_site_browser.py):
# from the npm registry, pinned, into a git-ignored folder and without a lockfile (npm's
# lockfiles record the registry's addresses). The test fails, never skips, without it.
axe: $(AXE)

$(AXE):
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix .axe \
		axe-core@$(AXE_VERSION)

KERNEL_CONFIG := etc/ipython/ipython_kernel_config.py

$(STAMP): requirements.lock pyproject.toml Makefile $(KERNEL_CONFIG)
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
	# Every kernel of the venv reads it (plain papermill, nbval, JupyterLab, kzaf run's): it
	# drops ipykernel's notice about unencrypted local TCP, so a successful run prints nothing.
	install -D -m 644 $(KERNEL_CONFIG) $(VENV)/etc/ipython/ipython_kernel_config.py
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

# JupyterLab on this machine only, with the project's environment as its kernel, opened at
# the repository's root: notebooks/, the README, data/README.md (the codebook) and reports/ are
# all one click away. --allow-root only when run as root. LAB_OPTIONS adds options (a port).
lab: $(STAMP)
	$(BIN)/jupyter lab --ip 127.0.0.1 --no-browser $(if $(filter 0,$(shell id -u)),--allow-root) \
		--ServerApp.root_dir="$(CURDIR)" $(LAB_OPTIONS)

clean-env:
	rm -rf $(VENV)
