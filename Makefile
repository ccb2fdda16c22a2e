# Zirkel: `make run` starts the whole cooperative on the embedded default,
# `make test` runs the whole suite. Both set everything up on a fresh clone.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: screenshots run test lint format install system-packages fonts clean bench-close bench-close-large bench-close-flexible bench-post bench-relay bench-price-list bench-pipeline bench-memory bench-consume bench-spy bench-tools bench-embedded bench-invoices bench-run bench-password-reset

run: $(STAMP) fonts
	$(BIN)/zirkel run

# The suite runs on every core (pytest-xdist); the tests that start Zirkel's processes
# run one after another on one of them (tests/conftest.py), the rest share the others.
test: $(STAMP) system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --numprocesses auto --dist loadgroup

# The README's screenshots (docs/screenshots/) of the main pages at 1280 and 360 px, taken
# in Debian's Chromium on the full stack with the worked example's pool closed.
screenshots: $(STAMP) system-packages
	$(BIN)/python -m tests.browser.screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

install: $(STAMP) fonts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Debian packages the tests use: the compose validator, and the servers
# (started by the tests when they are not running); and the font billing
# embeds in its invoices (fonts-dejavu-core).
system-packages:
	deploy/system-packages.sh

# The font billing embeds in its invoices' PDF/A: Debian's fonts-dejavu-core.
fonts:
	@[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || deploy/system-packages.sh fonts-dejavu-core

# Closing a pool window at cooperative scale (bench/README.md has the figures).
# Each prints the close beside the optimisation alone (close_over_optimisation, and in
# CPU close_over_optimisation_cpu), on PostgreSQL with RabbitMQ, then on SQLite; at the
# issue size three rounds each and their median.
bench-close: $(STAMP)
	$(BIN)/python -m bench.close --size issue --rounds 3
	$(BIN)/python -m bench.close --size issue --database sqlite --broker none --rounds 3

bench-close-large: $(STAMP)
	$(BIN)/python -m bench.close --size large
	$(BIN)/python -m bench.close --size large --database sqlite --broker none

# The close with 30 % of the needs flexible by up to 20 %: saving over the strict optimum.
bench-close-flexible: $(STAMP)
	$(BIN)/python -m bench.close --size issue --broker none --flexible 0.3:0.2
	$(BIN)/python -m bench.close --size issue --database sqlite --broker none --flexible 0.3:0.2

# The benchmarks' load generators (wrk, hey) and profilers (pyinstrument, py-spy, psutil, valgrind).
bench-tools: $(STAMP)
	command -v wrk >/dev/null && command -v hey >/dev/null && command -v valgrind >/dev/null \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hey valgrind)
	$(BIN)/pip install --quiet -e ".[bench]"

# Posting needs against the plain Flask + SQLAlchemy baseline.
bench-post: bench-tools
	$(BIN)/python -m bench.post_needs

# From the POST to pooling's commit, at 200 needs/s and at peak rate, beside the baseline.
bench-pipeline: bench-tools
	$(BIN)/python -m bench.pipeline

# The embedded default (SQLite + the zirkel+sqlite transport) beside a bare Flask + SQLite insert:
# posting rate, 201-to-pool latency at 100 needs/s, idle CPU of every process.
bench-embedded: bench-tools
	$(BIN)/python -m bench.embedded

# `zirkel run` as `make run` starts it: seconds and CPU until every service answers ready
# (first start, start again, the same processes without a supervisor), idle CPU of each process.
bench-run: $(STAMP)
	$(BIN)/python -m bench.run_stack

# RSS of every web worker and service worker after 100,000 needs through the stack.
bench-memory: bench-tools
	$(BIN)/python -m bench.memory

# Where a post's time goes in the web workers, catalog's beside the bare endpoint's (py-spy).
bench-spy: bench-tools
	$(BIN)/python -m bench.spy

# Pooling's consumer alone: CPU per posted need, batch by batch size.
bench-consume: $(STAMP)
	$(BIN)/python -m bench.consume

# Asking for a password link, a known address beside an unknown one: medians and their
# difference (SECURITY.md keeps the figures).
bench-password-reset: $(STAMP)
	$(BIN)/python -m bench.password_reset

# The outbox relay against raw kombu publishing, one confirm at a time and windowed.
bench-relay: $(STAMP)
	$(BIN)/python -m bench.relay

# A 5,000- and a 10,000-row price list uploaded on SQLite and PostgreSQL, then 5,000 events
# published on the embedded stack while catalog is asked for its suppliers.
bench-price-list: $(STAMP)
	$(BIN)/python -m bench.price_list

# A window's 500 member invoices issued with their PDF and XML, on SQLite, then PostgreSQL,
# then on SQLite with the documents drawn in a pool of 2 processes.
bench-invoices: $(STAMP)
	$(BIN)/python -m bench.invoices --database sqlite
	$(BIN)/python -m bench.invoices --database postgres
	$(BIN)/python -m bench.invoices --database sqlite --processes 2

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
