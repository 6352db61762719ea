# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run    install everything, load the bundled data into the embedded database, start the app
#   make test   install everything (with test tools), start a local Neo4j, run the whole suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system-deps run test lint neo4j-up neo4j-down bench eval clean

# Debian packages: libgomp1 (embedded FalkorDB), chromium (browser test), a JDK 17 and Maven (local Neo4j).
system-deps:
	@missing=""; \
	ldconfig -p 2>/dev/null | grep -q 'libgomp.so.1' || missing="$$missing libgomp1"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jdk-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing (e.g. sudo apt-get install$$missing)"; fi; \
	fi

$(BIN)/rekg: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(BIN)/rekg

install: system-deps $(BIN)/rekg

run: install
	$(BIN)/rekg ingest
	$(BIN)/rekg stats
	$(BIN)/rekg ui --host 127.0.0.1 --port 8501

# The tests' Neo4j runs on its own port and data dir, so `make test` never touches a development server.
TEST_NEO4J_PORT ?= 7688
TEST_NEO4J_DIR ?= .rekg/neo4j-test

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	NEO4J_BOLT_PORT=$(TEST_NEO4J_PORT) NEO4J_DATA_DIR=$(TEST_NEO4J_DIR) bash tools/neo4j/neo4j.sh up
	NEO4J_URI=bolt://127.0.0.1:$(TEST_NEO4J_PORT) $(BIN)/python -m pytest -p no:cacheprovider -q; rc=$$?; \
	  NEO4J_BOLT_PORT=$(TEST_NEO4J_PORT) NEO4J_DATA_DIR=$(TEST_NEO4J_DIR) bash tools/neo4j/neo4j.sh down; exit $$rc

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports && $(BIN)/mypy

neo4j-up: install
	bash tools/neo4j/neo4j.sh up

neo4j-down:
	bash tools/neo4j/neo4j.sh down

bench: install
	$(BIN)/python bench/run.py

eval: install
	$(BIN)/python ../shared/eval/score.py ../shared/eval/dev.jsonl --verbose

clean:
	-$(BIN)/rekg db stop
	rm -rf .rekg .pytest_cache
