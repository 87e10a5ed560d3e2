# haicap — the two commands are `make demo` and `make test`; everything else builds on `make install`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PO := $(wildcard haicap/*/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)
PYTEST_WORKERS ?= 2

.PHONY: install messages demo serve test lint openapi openapi-check bench e2e chromium clean

install: $(STAMP) messages

$(STAMP): pyproject.toml requirements.txt requirements-dev.txt
	@# WeasyPrint (PDF slips) needs Pango and a font with Vietnamese glyphs from Debian.
	@ldconfig -p | grep -q libpangoft2-1.0 && test -d /usr/share/fonts/truetype/dejavu || \
		(apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

messages: $(MO)

%.mo: %.po
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	msgfmt --check -o $@ $<

demo: install
	$(BIN)/haicap migrate --noinput
	$(BIN)/haicap demo
	$(MAKE) --no-print-directory serve

serve:
	@# Static files with their compressed copies, as the web server serves them (settings.py).
	@$(BIN)/haicap collectstatic --noinput --verbosity 0
	@echo "haicap is served at http://127.0.0.1:8000 (Ctrl-C stops it)"
	@# The background worker (django-tasks, database backend) runs beside the web server and
	@# stops with it: timers, notifications, document scans.
	@mkdir -p var; $(BIN)/haicap schedule; $(BIN)/haicap db_worker --queue-name '*' >var/worker.log 2>&1 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gunicorn haicap.wsgi --bind 127.0.0.1:8000 --workers 2 --access-logfile -

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not e2e"

lint: install
	$(BIN)/ruff check haicap benchmarks

openapi: install
	$(BIN)/haicap export_openapi --output docs/openapi.json

openapi-check: install
	$(BIN)/haicap export_openapi --check docs/openapi.json

bench: install
	$(BIN)/python -m benchmarks

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

e2e: install chromium
	$(BIN)/pytest -m e2e -p no:xdist

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
