# cctsa front end. `make run` and `make test` are the two commands a fresh Debian 12 machine needs.
#   make deps      install missing Debian packages (apt-get; needs root) and npm test peers
#   make build     release build in build/            make asan   ASan+UBSan build in build-asan/
#   make test      deps + both builds + every test (ctest) + short fuzz runs
#   make run       deps + build + start what exists (see README)
#   make bench     run the benchmarks in bench/ (ratios against baselines measured in the same run)
#   make fuzz      longer fuzz runs (FUZZ_SECONDS per target, default 60; fuzz/NAME.min_runs: at least that many runs)
#   make reproducible-check   build the shipped binaries of HEAD twice in two folders, compare bytes
#   make format-check         clang-format --dry-run -Werror on every C file (style: .clang-format)
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=
FUZZ_SECONDS ?= 60
CI_FUZZ_SECONDS ?= 5

DEB_PACKAGES := build-essential cmake pkg-config clang clang-format libclang-rt-14-dev libssl-dev openssl \
  libjansson-dev nettle-dev libmicrohttpd-dev libcurl4-openssl-dev valgrind nodejs npm chrony faketime \
  ca-certificates curl git wrk python3 libevent-dev prometheus systemd \
  default-jdk-headless libbcpkix-java osslsigncode golang-go golang-github-fullsailor-pkcs7-dev

.PHONY: all deps build asan fuzz-build test test-build test-asan test-fuzz run bench fuzz clean help \
  reproducible-check format-check

all: build

help:
	@sed -n '/^[^#]/q;p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then :; else \
	  missing=$$(echo "$$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' '); fi; \
	if [ -n "$$(echo $$missing)" ]; then \
	  echo "deps: installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: need root to install:$$missing" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi
	@if [ -f tests/interop/package.json ]; then \
	  if [ ! -d tests/interop/node_modules ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules ]; then \
	    echo "deps: npm ci in tests/interop"; (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error); \
	  fi; fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCCTSA_CT_CHECKS=ON >/dev/null
	cmake --build build -j$(JOBS)

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCCTSA_SANITIZE=ON -DCCTSA_PORTABLE=ON -DCCTSA_CT_CHECKS=ON -DCMAKE_C_FLAGS_DEBUG="-O1 -g" >/dev/null
	cmake --build build-asan -j$(JOBS)

fuzz-build: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCCTSA_FUZZ=ON -DCCTSA_PORTABLE=ON -DCMAKE_C_FLAGS_DEBUG="-O1 -g" >/dev/null
	cmake --build build-fuzz -j$(JOBS)

test-build: build
	cd build && ctest --output-on-failure -j$(JOBS) $(CTEST_ARGS) | tee ctest-summary.log; exit $${PIPESTATUS[0]}
	@echo "Independent vectors and peers (release build, from build/Testing/Temporary/LastTest.log):"
	@grep -E '^(SHAKE-|SHA3 vs|ML-DSA-|mldsa_65_|wycheproof/|ours -> noble|noble -> ours|tmldsa_noble:)' \
	  build/Testing/Temporary/LastTest.log | sed 's/^/  /' || true

test-asan: asan
	cd build-asan && CCTSA_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j$(JOBS) $(CTEST_ARGS) \
	  | tee ctest-summary.log; exit $${PIPESTATUS[0]}

test-fuzz: fuzz-build
	@set -e; for f in build-fuzz/bin/fuzz_*; do [ -x "$$f" ] || continue; \
	  name=$$(basename $$f | sed 's/^fuzz_//'); work=build-fuzz/corpus/$$name; mkdir -p $$work; \
	  [ -d fuzz/corpus/$$name ] && cp -n fuzz/corpus/$$name/* $$work/ 2>/dev/null || true; \
	  min=$$(cat fuzz/$$name.min_runs 2>/dev/null || echo 0); \
	  if [ "$$min" -gt 0 ]; then echo "fuzz: $$name for at least $$min runs"; \
	    "$$f" -runs=$$min -max_len=65536 -timeout=10 $$work >build-fuzz/$$name.runs.log 2>&1 \
	      || { tail -60 build-fuzz/$$name.runs.log; echo "fuzz: $$name FAILED"; exit 1; }; \
	    done_runs=$$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' build-fuzz/$$name.runs.log); \
	    [ "$${done_runs:-0}" -ge "$$min" ] || { echo "fuzz: $$name ran $${done_runs:-0} < $$min runs"; exit 1; }; \
	    echo "Done $$done_runs runs (minimum $$min)"; fi; \
	  echo "fuzz: $$name for $(CI_FUZZ_SECONDS)s"; \
	  "$$f" -max_total_time=$(CI_FUZZ_SECONDS) -max_len=65536 -timeout=10 $$work >build-fuzz/$$name.log 2>&1 \
	    || { tail -60 build-fuzz/$$name.log; echo "fuzz: $$name FAILED"; exit 1; }; \
	  grep -E '^Done [0-9]+ runs' build-fuzz/$$name.log || true; done

reproducible-check: deps
	@tools/reproducible-check.sh

test: format-check test-build test-asan test-fuzz reproducible-check
	@total=$$(cat build/ctest-summary.log build-asan/ctest-summary.log | sed -n 's/.* tests failed out of \([0-9]*\)/\1/p' | awk '{s+=$$1} END {print s+0}'); \
	echo "make test: release and sanitizer test programs, then fuzz runs, all passed"; \
	echo "tests: $$total passed, 0 failed"

run: build
	@tools/run-local.sh

bench: build
	@for b in build/bin/bench_*; do [ -x "$$b" ] && "$$b"; done
	@bench/bench_gateway.sh build/bin
	@bench/bench_cluster.sh build/bin

fuzz: fuzz-build
	$(MAKE) test-fuzz CI_FUZZ_SECONDS=$(FUZZ_SECONDS)

clean:
	rm -rf build build-asan build-fuzz

# Every tracked C source and header, checked against .clang-format (clang-format 14, Debian package
# clang-format in DEB_PACKAGES). Part of `make test`.
format-check: deps
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror
