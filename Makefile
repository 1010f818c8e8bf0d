# The two commands. See README.md.
.PHONY: run test build format tidy bench bench-compare soak fuzz

# Install what is missing, build the release preset, and serve the demo on
# http://127.0.0.1:8080 (WAYMARK_LISTEN and WAYMARK_DB override).
run:
	scripts/install-deps --build-only
	cmake --preset release >/dev/null
	cmake --build --preset release
	mkdir -p var
	./build/release/waymark serve --demo

# Everything: format, lint, unit, conformance and integration tests on
# SQLite and PostgreSQL, browser tests.
test:
	scripts/test

build:
	cmake --preset debug >/dev/null
	cmake --build --preset debug

format:
	tools/check-format --fix

tidy:
	tools/tidy

# Every benchmark target of issue 15 in one table, written to bench/results/
# (DURATION seconds of load per target, default 3). See bench/README.md.
bench:
	bench/bench.sh

# Two results side by side: make bench-compare A=bench/results/x.json B=bench/results/y.json
bench-compare:
	bench/compare $(A) $(B)

# The release server with demo data under 256 connections of mixed reads,
# searches and writes for SOAK_SECONDS (default 600); fails on any error or on
# memory growth. Not part of `make test`. See bench/README.md.
soak:
	bench/soak.sh

# Every fuzz target for FUZZ_SECONDS (default 60) each; fails on a crash.
# See README.md, Fuzzing.
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run
