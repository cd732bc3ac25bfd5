# crpv-pipeline: every target installs what it needs into .venv first (pinned in requirements.lock).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
CODE   := pipeline tests scripts

.PHONY: install browser run test lint format floors fuzz hostile eval bench schema clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Debian's Chromium, for the report's browser test (tests/test_report.py skips, saying why, without it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; } || \
	    echo "make browser: chromium could not be installed; the browser test will skip"; \
	  else echo "make browser: no chromium and no root apt-get; the browser test will skip"; fi; }

## The main job: extract every page of the bundled raw/ into processed/, then the analysts' tables
## (processed/tables/, processed/datapackage.json) and the report (processed/report.html).
run: $(STAMP)
	$(BIN)/crpv extract raw -o processed
	$(BIN)/crpv export processed
	$(BIN)/crpv report processed

## The whole test suite, the evaluation gate included (what .ci/run calls).
test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n auto

## ruff's checks and its formatting, as CI runs them.
lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

format: $(STAMP)
	$(BIN)/ruff format $(CODE)
	$(BIN)/ruff check --fix $(CODE)

## Lift the evaluation gate's floors to today's figures (never lowers one) and pin the sets' digests.
floors: $(STAMP)
	$(BIN)/python -m tests.eval_gate --raise

## Scores on the shared dev corpus, on our own annotated pages (devset/) and on held-out pages never
## used for development (heldout*/).
eval: $(STAMP)
	$(BIN)/crpv eval $(SHARED)/dev-corpus --baseline
	$(BIN)/crpv eval devset --baseline
	@for set in heldout*/; do if [ -d "$$set/gold" ]; then $(BIN)/crpv eval "$${set%/}" --baseline; fi; done
	@if [ -d $(SHARED)/real-corpus ]; then $(BIN)/crpv eval $(SHARED)/real-corpus --baseline; fi
	@if [ -d $(SHARED)/peer-data ]; then $(BIN)/crpv eval-anchors $(SHARED)/peer-data; fi

## A bounded fuzz run of the whole per-page function (mutated bundled pages); crashes become tests.
FUZZ_INPUTS ?= 2000
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py --inputs $(FUZZ_INPUTS)

## Every hostile input at full size (tests/hostile.py) through `crpv extract`, timed, into build/hostile.
hostile: $(STAMP)
	rm -rf build/hostile && $(BIN)/python -m tests.hostile build/hostile/raw
	$(BIN)/crpv extract build/hostile/raw -o build/hostile/out --workers 2; test $$? -le 1

## Pages/s, MB/s, peak RSS and start-up of the pipeline, the floor, the naive baseline and a re-run, on
## BENCH_PAGES pages generated from every annotated page (build/bench/); figures in bench/results.json.
BENCH_PAGES ?= 2000
bench: $(STAMP)
	$(BIN)/crpv bench --generate $(BENCH_PAGES) --shared $(SHARED) --workers 1 --also-workers 2

schema: $(STAMP)
	$(BIN)/crpv schema

clean:
	rm -rf processed/documents processed/events processed/tables processed/*.jsonl processed/*.json processed/*.html
	rm -f processed/.crpv.lock
	rm -rf .pytest_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
