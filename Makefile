# PolicyQA — `make run` serves the app over the bundled samples, `make test` runs the test suite.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
SAMPLES ?= data/samples

.PHONY: run test test-slow lint venv index bench clean system-deps

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: the local CPU wheel; an unpinned torch pulls GBs of CUDA packages.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

# Debian packages: Chromium and a CJK font (browser tests, PDF fixtures), LibreOffice and antiword (legacy .doc).
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui antiword >/dev/null

# Indexes the samples only when the index is missing or stale (ingest is incremental).
index: venv
	$(BIN)/python cli.py ingest $(SAMPLES)

run: index
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false \
		--server.fileWatcherType none

lint: venv
	$(BIN)/ruff check .

test: venv lint
	$(BIN)/python -m pytest -q -m "not slow"

# The slow tests (a 10^5-line batch, the Milvus CLI, crash, concurrency and shared-server tests; ~4 min); CI runs
# them after `make test`.
test-slow: venv
	$(BIN)/python -m pytest -q -m slow

# The scale table (10k, 100k and 1M passages of gov text; needs the BM25 gov index var/gov_bm25). One index as a
# user meets it: scripts/bench.py --index DIR.
bench: venv
	$(BIN)/python scripts/bench_scale.py

clean:
	rm -rf var/index
