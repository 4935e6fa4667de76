# Two entry points: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# The Nu Html Checker the tests run on every page (npm package vnu-jar, run on the system Java), kept in .tools/.
VNU_VERSION := 26.9.27
VNU := .tools/vnu-$(VNU_VERSION).installed

.PHONY: run test bench setup system-deps system-deps-test translations database content demo extract-messages clean

run: setup database content
	PORTAL_ENV=development $(FLASK) demo load --address http://$(HOST):$(PORT)
	PORTAL_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

test: system-deps-test $(VENV)/.test-installed translations $(VNU)
	bash scripts/test.sh

bench: setup
	@bash scripts/system-deps.sh bench
	$(BIN)/python -m bench.run

setup: system-deps $(VENV)/.installed translations

system-deps:
	@bash scripts/system-deps.sh runtime

system-deps-test:
	@bash scripts/system-deps.sh test

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

$(VNU):
	npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION)
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

database: setup
	PORTAL_ENV=development $(FLASK) db upgrade

content: database
	PORTAL_ENV=development $(FLASK) content sync

demo: content
	PORTAL_ENV=development $(FLASK) demo load

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract --ignore-dirs ".* __pycache__" --no-location --sort-output -F babel.cfg -k _l -k lazy_ngettext:1,2 -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations

clean:
	rm -rf $(VENV) .tools instance/*.db instance/*.db-* translations/*/LC_MESSAGES/*.mo
