# Two commands set everything up: `make run` and `make test` (see README.md).
VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
# One process with threads: it keeps far phones' connections open without holding a thread while they
# wait, and its rate-limit counters are the only ones (README, "Serving phones"; bench/RESULTS.md).
WORKERS ?= 1
THREADS ?= 8
# The demo year 2015 is loaded into an empty database unless DEMO=0 (a real program: README, "Deploying").
DEMO ?= 1
# The address on QR codes and posters (README, "Field kit"): make run HOST=0.0.0.0 BASE_URL=http://10.42.0.1:5000
export BASE_URL
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
DEFAULT_TEST_POSTGRES := postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test install install-dev translations translations-update chromium nginx test-sqlite test-postgres bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d training_portal/translations 2>&1 | grep -v "^compiling" || true

# New or changed texts into messages.pot and the km and en catalogues (keywords: babel.cfg).
# Then translate the new Khmer entries and run `make translations`; tests/i18n checks the result.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -c TRANSLATORS: --add-location=file --sort-output -w 100 \
	  --project "Training Portal" -o training_portal/translations/messages.pot .
	$(BIN)/pybabel -q update --previous -w 100 -i training_portal/translations/messages.pot -d training_portal/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) setup $(if $(filter 0,$(DEMO)),--no-demo)
	@$(FLASK) addresses --host $(HOST) --port $(PORT)
	$(BIN)/gunicorn --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# The tests in tests/deploy put Debian's nginx in front of the app (README, "Deploying").
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for the deployment tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

test: install-dev chromium nginx
	$(MAKE) --no-print-directory test-sqlite
	@url="$${TEST_DATABASE_URL:-$(DEFAULT_TEST_POSTGRES)}"; \
	if $(BIN)/python tests/postgres_answers.py "$$url"; then \
	  TEST_DATABASE_URL="$$url" $(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL at $$url does not answer, and REQUIRE_POSTGRES is set"; exit 1; \
	else \
	  echo "PostgreSQL at $$url does not answer: the suite ran on SQLite only"; \
	fi

test-sqlite:
	@echo "== Test suite on SQLite"
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== Test suite on PostgreSQL"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (not part of `make test`): `make run`'s server on SQLite and PostgreSQL, a room of far
# phones and then near clients, see docs/performance.md.
bench: install-dev chromium
	$(BIN)/python -m bench.far_phones $(FAR_ARGS)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
