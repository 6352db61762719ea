# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run    install everything, load the bundled data into the embedded database, start the app
#   make test   install everything (with test tools), start a local Neo4j, run the whole suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system-deps run test lint neo4j-up neo4j-down bench eval clean

system-deps:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  missing=""; for p in libgomp1 chromium default-jre-headless maven; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	elif ! ldconfig -p 2>/dev/null | grep -q libgomp; then echo "please install libgomp1 (the embedded FalkorDB needs it)"; fi

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

test: install
	bash tools/neo4j/neo4j.sh up
	NEO4J_URI=bolt://127.0.0.1:$${NEO4J_BOLT_PORT:-7687} $(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	  bash tools/neo4j/neo4j.sh down; exit $$rc

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

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
