# One entry point for every task. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | md5sum | cut -c1-8)
UV_VERSION := 0.13.9
# The one lock Binder (environment.yml) and the tests install from; `make lock` regenerates it from pyproject.toml.
LOCK_COMMAND := uv pip compile pyproject.toml --extra test --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" -o $(LOCK)
PORT ?= 8888
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := test
.PHONY: install lab test test-fast lint format lock binder-link validate seminar bench chromium notebooks clean i18n \
	hub hub-demo hub-users hub-users-remove hub-stop

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r $(LOCK)
	$(PIP) install --quiet --no-deps -e .
	cp -r jupyter-config/jupyter_server_config.d jupyter-config/voila.json $(VENV)/etc/jupyter/  # server settings (jupyter-config/README.md)
	@$(PIP) check
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

lock: ## regenerate requirements/lock.txt from pyproject.toml (every package pinned with ==), then run make test
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/$(LOCK_COMMAND)

install: $(STAMP) ## create .venv and install the project with everything the tests need

# Rooted at the repo, so cases/ shows in the file browser; the venv's bin first on PATH, so `casebook` works in lab's terminals.
lab: $(STAMP) ## open JupyterLab at the repo root on the start notebook
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/jupyter lab $(LAB_FLAGS) --port=$(PORT) \
	  --ServerApp.root_dir="$(CURDIR)" notebooks/00-start-here.ipynb

chromium: ## install Debian's Chromium for the browser tests when missing (as root)
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing: install it (sudo apt-get install chromium); the browser tests fail without it"; fi

node_modules: package.json package-lock.json ## Node tools (axe-core for the browser tests, JupyterHub's proxy), exactly as locked
	npm ci --no-audit --no-fund --loglevel=error
	@touch node_modules

test: $(STAMP) chromium node_modules lint ## run every test: lint, unit, data, notebooks (nbval), browser
	$(PY) -m pytest --nbval-lax --nbval-current-env -p no:randomly $(PYTEST_ARGS)

test-fast: $(STAMP) ## unit and data tests only (no notebooks, no browser, no class server)
	$(PY) -m pytest tests -m "not browser and not hub" $(PYTEST_ARGS)

lint: $(STAMP) ## ruff: lint and formatting (make format rewrites the files)
	$(VENV)/bin/ruff check casebook tests benchmarks deploy tools conftest.py .ci
	$(VENV)/bin/ruff format --check casebook tests benchmarks deploy tools conftest.py .ci

format: $(STAMP) ## ruff format the code in place
	$(VENV)/bin/ruff format casebook tests benchmarks deploy tools conftest.py .ci

i18n: $(STAMP) ## extract the UI strings to casebook/locale/casebook.pot, update the nb and da .po files, compile the .mo
	$(PY) tools/i18n_catalogues.py update

validate: $(STAMP) ## validate the bundled cases
	$(VENV)/bin/casebook validate

seminar: $(STAMP) ## serve the seminar notebook with Voila (no code shown)
	JUPYTER_PATH="$(CURDIR)/casebook/ui/jupyter" $(VENV)/bin/voila --no-browser --port=$(PORT) --Voila.ip=127.0.0.1 \
	  --template=casebook notebooks/teacher/02-seminar.ipynb

hub: $(STAMP) node_modules ## the class server: JupyterHub for the class list, one Unix user per student (as root; README "Run a class server")
	$(PY) deploy/hub/hubctl.py start

hub-demo: $(STAMP) node_modules ## the class server without isolation (every student's server runs as you): to try it, not for a class
	HUB_MODE=demo $(PY) deploy/hub/hubctl.py start

hub-users: $(STAMP) ## create a Unix user and a private home for everyone on the class list (as root; run again after adding names)
	$(PY) deploy/hub/hubctl.py users create

hub-users-remove: $(STAMP) ## delete the class list's Unix users and their homes, with their progress (asks first)
	$(PY) deploy/hub/hubctl.py users remove

hub-stop: $(STAMP) ## stop the class server: the hub, its proxy and every student's server
	$(PY) deploy/hub/hubctl.py stop

bench: $(STAMP) chromium node_modules ## speed and memory figures (benchmarks/), never part of the tests
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

notebooks: $(STAMP) ## re-execute every notebook in place and strip saved widget state (commit them executed)
	@export CASEBOOK_HOME=$$(mktemp -d) MPLBACKEND=Agg; for nb in notebooks/*.ipynb notebooks/*/*.ipynb; do \
	  echo "executing $$nb"; $(VENV)/bin/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace "$$nb" || exit 1; done
	$(PY) .ci/strip_widget_state.py

binder-link: ## rebuild README.md's Binder badge from [tool.casebook.binder] in pyproject.toml (a fork sets its repository there)
	$(PY) .ci/binder_link.py

clean:
	rm -rf $(VENV) node_modules test-output build *.egg-info
