# The two set-up commands of the README. Both install into the current Python environment.
PYTHON ?= python3
MODELS ?= models
PORT ?= 8000

.PHONY: run test system-deps

# Install, train on the bundled data if no model exists yet, then serve on $(PORT).
run:
	$(PYTHON) -m pip install -e .
	newsframe up --models $(MODELS) --port $(PORT)

# Install with test extras and the Debian packages the tests use (Chromium for the browser tests, PostgreSQL for the
# feedback store), start a throwaway PostgreSQL server, then run the whole suite against it and SQLite.
test: system-deps
	$(PYTHON) -m pip install -e '.[test]'
	NEWSFRAME_TEST_POSTGRES="$$(bash .ci/postgres.sh)" $(PYTHON) -m pytest

system-deps:
	@command -v chromium >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql; }
