# benchlab — top-level build.
# The extension half is built with PGXS (this file), the client half with CMake
# (CMakeLists.txt); the targets below drive both so users need not know which is which.
#
#   make build           build the extension and benchclient
#   make                 build the extension only (PGXS)
#   make install         install the extension into the PostgreSQL found by PG_CONFIG
#   make installcheck    pg_regress suite (regress/schedule) against the server in PGHOST/PGPORT/PGUSER;
#                        TESTS="timing robustness" runs only those
#   make test            every test, on a throwaway cluster (needs root or write access to PG's dirs)
#   make check-guard     the PostgreSQL-free guard of the pure C++ files fires (compile-only)
#   make run             the main job: benchclient --all on a throwaway cluster
#   make bench           the benchmark sweep (100K, 500K, 1M rows) into results/
#   make bench-faults    Ctrl-C: SIGINT to exit and to the run's backends gone, per strategy
#   make bench-queue     the job queue: profiles x concurrency, enqueue methods, crash test, pg_test_fsync
#   make bench-recovery  a fault injected into run 3 of 5 of each parallel strategy: tiers, checksum, cost
#   make bench-digest    --digest sha256 against xxh3: cost per row on the client and the server (docs/digest.md)
#   make bench-fanout    fanout over 1, 2, 4 worker processes of 1 and 2 connections: coordination's cost (docs/fanout.md)
#   make flamegraphs     where benchclient's CPU goes per strategy (perf; docs/flamegraphs/)

PG_MAJOR    ?= 15
PG_CONFIG   ?= $(firstword $(wildcard /usr/lib/postgresql/$(PG_MAJOR)/bin/pg_config) pg_config)
BUILD_DIR   ?= build
# Where the benchmark targets put their artifacts (make bench-reference: a fresh
# results/reference/ of everything, swapped in whole when every sweep has finished).
RESULTS_DIR ?= results
# What a sweep builds first; bench-reference builds once and runs every sweep with
# none, so that the binary (and the commit the artifacts record) stays one throughout.
BENCH_DEPS ?= build install
BENCHCLIENT  = $(BUILD_DIR)/client/benchclient

EXTENSION   = benchlab
# The version is written once, in benchlab.control (default_version). From it: the
# name of the installed SQL script (sql/benchlab.sql copied to benchlab--<version>.sql),
# BENCHLAB_EXTENSION_VERSION for the C++ (extension/benchlab.cpp), and CMake's project
# version (CMakeLists.txt reads the control file too).
EXTVERSION := $(shell sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" $(EXTENSION).control)
ifeq ($(EXTVERSION),)
$(error no default_version = '...' in $(EXTENSION).control)
endif
MODULE_big  = benchlab
OBJS        = $(patsubst %.cpp,%.o,$(sort $(wildcard extension/*.cpp)))
DATA_built  = $(BUILD_DIR)/sql/$(EXTENSION)--$(EXTVERSION).sql
# pg_regress runs regress/schedule, in its order (drop_extension last); installcheck is
# ours (below), since PGXS's runs $(REGRESS) by name. It writes into
# <outputdir>/results: keep that under regress/, away from the committed results/.
REGRESS_SCHEDULE = regress/schedule
REGRESS_OPTS = --inputdir=regress --outputdir=regress/out --load-extension=benchlab --dbname=contrib_regression
NO_INSTALLCHECK = 1
# PGXS's clean would remove $(pg_regress_clean_files), which names ./results/ (our
# benchmark artifacts), if REGRESS were set; it is not: clean pg_regress's output here.
# (Set before PGXS is included: its clean rule tests EXTRA_CLEAN when it is read.)
EXTRA_CLEAN = regress/out/ $(OBJS:.o=.d)

# Debian's server is built with LLVM; PGXS would then compile JIT bitcode of our
# C++ with clang. The extension has no use for JIT inlining: switch it off.
override with_llvm = no

PG_CPPFLAGS = -I$(CURDIR)/common/include -I$(CURDIR)/extension
SHLIB_LINK  = -lstdc++

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifeq ($(PGXS),)
$(error PostgreSQL $(PG_MAJOR) development files not found (no pg_config at $(PG_CONFIG)); run scripts/install-deps or set PG_CONFIG=/path/to/pg_config)
endif
include $(PGXS)

# make installcheck: the whole schedule; make installcheck TESTS="timing robustness":
# only those tests, by name.
installcheck: check-schedule
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(if $(TESTS),$(TESTS),--schedule=$(REGRESS_SCHEDULE))

# A file in regress/sql/ that the schedule does not name would never run.
REGRESS_FILES   = $(sort $(notdir $(basename $(wildcard regress/sql/*.sql))))
SCHEDULED_TESTS = $(sort $(shell sed -n 's/^test://p' $(REGRESS_SCHEDULE)))
check-schedule:
	@missing='$(filter-out $(SCHEDULED_TESTS),$(REGRESS_FILES))'; \
	if [ -n "$$missing" ]; then echo "$(REGRESS_SCHEDULE) does not run: $$missing" >&2; exit 1; fi

# C++20 with PostgreSQL's own compiler flags: PGXS's CFLAGS, as the server was built
# (its warnings, -O2 -g, -fno-strict-aliasing -fwrapv, the packager's hardening such as
# -fstack-protector-strong -Werror=format-security -fno-omit-frame-pointer, and -fPIC),
# without the flags that only a C compiler understands: g++ warns about those or, for
# -fexcess-precision=standard, refuses them. -Wextra is benchlab's own, stricter; the
# two -Wno- silence what it finds in PostgreSQL's headers and fmgr's signatures.
C_ONLY_CFLAGS = -Wmissing-prototypes -Wdeclaration-after-statement -Wold-style-definition -Wstrict-prototypes \
                -Wmissing-variable-declarations -Wnested-externs -Wbad-function-cast -fexcess-precision=% -std=%
EXT_CXXFLAGS = -std=c++20 $(filter-out $(C_ONLY_CFLAGS),$(CFLAGS)) \
               -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
EXT_COMPILE  = $(CXX) $(EXT_CXXFLAGS) $(CPPFLAGS)
extension/%.o: extension/%.cpp
	$(EXT_COMPILE) $(EXT_VERSION_DEFINE) -MMD -MP -c -o $@ $<
-include $(OBJS:.o=.d)
extension/benchlab.o: EXT_VERSION_DEFINE = -DBENCHLAB_EXTENSION_VERSION='"$(EXTVERSION)"'
extension/benchlab.o: $(EXTENSION).control
$(OBJS): Makefile

$(DATA_built): sql/$(EXTENSION).sql $(EXTENSION).control
	@mkdir -p $(@D)
	cp $< $@

# ---- the client (CMake) ----------------------------------------------------
build: all client

.PHONY: build client test run bench bench-decode bench-10m bench-scaling bench-verify bench-memory bench-faults bench-recovery bench-queue clean-client format tidy check-guard check-schedule

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DPG_CONFIG=$(PG_CONFIG)

client: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$$(nproc)

# The PostgreSQL-free guard (extension/cpp_only.hpp) fires when a PostgreSQL header
# leaks into a pure C++ file, with the extension's own compile command; no server needed.
check-guard:
	scripts/check-cpp-only-guard $(EXT_COMPILE)

# Every test on one throwaway cluster: pg_regress, then Catch2 through ctest (after the
# compile-time guard check).
test: check-guard build install
	$(BENCHCLIENT) with-cluster -- sh -c '$(MAKE) --no-print-directory installcheck && ctest --test-dir $(BUILD_DIR) --output-on-failure'

run: build install
	$(BENCHCLIENT) --all --rows 500000

clean: clean-client
clean-client:
	rm -rf $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# ---- benchmark sweeps (artifacts into results/) ------------------------------
# The standard sweep, text then binary wire format, on a throwaway cluster.
bench: $(BENCH_DEPS)
	$(BENCHCLIENT) --all --rows 100000,500000,1000000 --runs 3 --results-dir $(RESULTS_DIR)
	$(BENCHCLIENT) --all --rows 100000,500000,1000000 --runs 3 --format binary --results-dir $(RESULTS_DIR)

# Decoding alone, no server: CPU ns per value of each standard-table type, per row
# (checksum, decode, keep) in text and binary (results/decode-bench-*.json), and the
# table of docs/decoding.md made from it. A regression in one decoder shows here.
bench-decode: client
	$(BUILD_DIR)/client/bench/decode_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
	  --benchmark_out_format=json --benchmark_out=$(RESULTS_DIR)/decode-bench-$$(date -u +%Y%m%dT%H%M%SZ).json
	@if [ "$(RESULTS_DIR)" = results ]; then scripts/decode-table; \
	else echo "bench-decode: docs/decoding.md's table is made from results/ only; this artifact is in $(RESULTS_DIR)"; fi

# The flat-memory claim: the streaming strategies at 10M rows (naive would hold
# every row in memory and is left out on purpose). One invocation per strategy, so
# each peak RSS is that strategy's own and not what an earlier one left in the heap.
bench-10m: $(BENCH_DEPS)
	for s in cursor_pagination pooled_sync async_stream multiprocessing copy_stream parallel_copy; do \
	  $(BENCHCLIENT) --strategy $$s --rows 10000000 --runs 3 --results-dir $(RESULTS_DIR) || exit 1; \
	done

# Where the parallel strategies stop scaling: 1..4 workers at 1M rows (one artifact each).
# multiprocessing at 10M rows within --memory-budget 64MiB: the plan, each worker's
# private memory and the parent's peak, measured (results/run-*.json).
bench-memory: $(BENCH_DEPS)
	$(BENCHCLIENT) --strategy multiprocessing --rows 10000000 --runs 3 --memory-budget 64MiB --results-dir $(RESULTS_DIR)

# verify across two throwaway clusters of 10M standard rows with one row changed:
# the time against hashing both tables once in parallel (results/verify-*.json).
bench-verify: $(BENCH_DEPS)
	RESULTS_DIR=$(RESULTS_DIR) scripts/bench-verify 10000000

# Ctrl-C, measured: each strategy interrupted 5 times during its read of 1M rows;
# SIGINT to exit and to its last backend gone (results/faults-*.json).
bench-faults: $(BENCH_DEPS)
	$(BENCHCLIENT) with-cluster -- $(BUILD_DIR)/client/bench/interrupt_bench --rows 1000000 --repetitions 5 --results-dir $(RESULTS_DIR)

# Worker 1 meets a fault 60 batches in (multiprocessing: SIGKILL; the thread
# strategies: its backend terminated), in measured run 3 of 5 only: the other four are
# the clean runs the report compares it with (its "Faults and recovery" table).
bench-recovery: $(BENCH_DEPS)
	BENCHLAB_INJECT_FAULT=kill:worker=1:after=60:run=3 $(BENCHCLIENT) --strategy pooled_sync,async_stream,multiprocessing,parallel_copy --rows 1000000 --runs 5 --results-dir $(RESULTS_DIR)

# The queue workload on three fresh clusters, each level beside its bound (two UPDATEs
# by key per job); then what the payload's size costs, where no flush hides it
# (async_commit); and the disk's own fsync latency (each job is two commits: at
# concurrency 1 under default that is the bound).
bench-queue: $(BENCH_DEPS)
	$(BENCHCLIENT) queue --profile default,tuned,async_commit --concurrency 1,2,4,8,16 --jobs 2000 --samples 3 --crash-test --crashes 5 --results-dir $(RESULTS_DIR)
	$(BENCHCLIENT) queue --profile async_commit --concurrency 1,4 --payload-bytes 64,1024,10240 --jobs 2000 --samples 3 --results-dir $(RESULTS_DIR)
	d=$$(mktemp -d) && $(dir $(PG_CONFIG))pg_test_fsync -s 2 -f $$d/fsync.test > $(RESULTS_DIR)/pg_test_fsync-$$(date -u +%Y%m%dT%H%M%SZ).txt; rm -rf $$d

# Where benchclient's own CPU goes, per strategy and wire format: perf samples of one
# read of 1M rows each, drawn as flame graphs (docs/flamegraphs/*.svg).
.PHONY: flamegraphs
flamegraphs: build install
	scripts/flamegraph $(BENCHCLIENT)

bench-scaling: $(BENCH_DEPS)
	for w in 1 2 3 4; do \
	  $(BENCHCLIENT) --strategy pooled_sync,async_stream,multiprocessing,parallel_copy --rows 1000000 --runs 3 --workers $$w --results-dir $(RESULTS_DIR) || exit 1; \
	done

# What --digest sha256 costs per row against xxh3 (docs/digest.md): the row hash on the
# client (decode_bench BM_row_hash, no server) and range_checksum on the server, each
# algorithm on the same rows, into results/digest/digest-*.json; make report puts the
# figures into docs/digest.md. A few minutes.
.PHONY: bench-digest
bench-digest: $(BENCH_DEPS)
	scripts/settle bench-digest
	BENCH_OUTDIR=$(RESULTS_DIR)/digest BUILD_DIR=$(BUILD_DIR) $(BENCHCLIENT) with-cluster -- scripts/bench-digest

# What coordinating a read through the manifest costs (docs/fanout.md): 1M standard rows
# in 32 parts, read by fanout with 1, 2 and 4 worker processes of 1 and 2 connections,
# 3 interleaved rounds, beside parallel_copy reading the same parts in one process, into
# a fresh results/fanout/; make report puts the table into docs/fanout.md. A few minutes.
.PHONY: bench-fanout
bench-fanout: $(BENCH_DEPS)
	scripts/settle bench-fanout
	rm -rf $(RESULTS_DIR)/fanout
	RESULTS_DIR=$(RESULTS_DIR)/fanout BENCHCLIENT=$(BENCHCLIENT) scripts/bench-fanout 1000000 32
	rm -f $(RESULTS_DIR)/fanout/*.html

# When decoupling reading from decoding pays (docs/decoupled.md): decoupled beside
# parallel_copy on the standard table and a jsonb-heavy one at 1M and 10M rows, and on
# the same documents as json (almost all of a row's cost the client's parse) at 1M, into
# a fresh results/decoupled/ (run-*.json); make report puts the comparison into
# docs/decoupled.md. About 25 minutes here.
.PHONY: bench-decoupled
bench-decoupled: $(BENCH_DEPS)
	scripts/settle bench-decoupled
	rm -rf $(RESULTS_DIR)/decoupled
	RESULTS_DIR=$(RESULTS_DIR)/decoupled BENCHCLIENT=$(BENCHCLIENT) scripts/bench-decoupled 1000000,10000000 standard,jsonb
	RESULTS_DIR=$(RESULTS_DIR)/decoupled BENCHCLIENT=$(BENCHCLIENT) scripts/bench-decoupled 1000000 json
	rm -f $(RESULTS_DIR)/decoupled/*.html

# advise, checked against the real full reads (docs/advise.md): the standard table,
# a narrow all-integer table and a wide TOAST table at 1M rows, the standard and the
# narrow table at 10M, each in text and binary, then the first check again on a fresh
# cluster (how far the same full reads move between two measurements), into a fresh
# results/advise/ (advise-*.json with their check, and the run artifacts of the full
# reads). About an hour here.
.PHONY: bench-advise
bench-advise: $(BENCH_DEPS)
	scripts/settle bench-advise
	rm -rf $(RESULTS_DIR)/advise
	mkdir -p $(RESULTS_DIR)/advise
	RESULTS_DIR=$(RESULTS_DIR)/advise scripts/bench-advise 1000000 standard,narrow,wide
	RESULTS_DIR=$(RESULTS_DIR)/advise scripts/bench-advise 10000000 standard,narrow
	RESULTS_DIR=$(RESULTS_DIR)/advise scripts/bench-advise 1000000 standard
	rm -f $(RESULTS_DIR)/advise/*.html

# The reference run: everything benchlab measures, on this machine, into a fresh
# results/reference/ (built aside and swapped in whole, so an interrupted run leaves
# the old one), then the reports made from it. It starts once the build's load has
# settled (scripts/settle), as the quick start's run does.
.PHONY: bench-reference
bench-reference: build install
	scripts/settle bench-reference
	rm -rf results/reference.new && mkdir -p results/reference.new
	$(MAKE) --no-print-directory RESULTS_DIR=results/reference.new BENCH_DEPS= bench bench-scaling bench-10m bench-memory \
	  bench-verify bench-faults bench-recovery bench-queue
	rm -rf results/reference && mv results/reference.new results/reference
	$(MAKE) --no-print-directory report

# The reports of the reference run, made from its artifacts alone (no server):
# results/REPORT.md (every table, the charts linked), results/report.html (one
# self-contained page), results/charts/*.svg, results/README.md (the summary) and the
# README's sample of it.
.PHONY: report
report: client
	scripts/make-report $(BENCHCLIENT)
