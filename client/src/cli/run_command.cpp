#include "cli/run_command.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/diagnostics.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/file_checks.hpp"
#include "cli/mask_flags.hpp"
#include "cli/option_builders.hpp"
#include "cli/progress_lines.hpp"
#include "cli/usage_error.hpp"
#include "cli/value_parsers.hpp"
#include "measure/host_facts.hpp"
#include "model/memory_plan.hpp"
#include "model/recovery.hpp"
#include "model/warnings.hpp"
#include "pg/connection.hpp"
#include "pg/snapshot.hpp"
#include "plan/memory_budget.hpp"
#include "plan/read_plan.hpp"
#include "plan/server_facts.hpp"
#include "process/interrupt.hpp"
#include "process/resources.hpp"
#include "report/console_reporter.hpp"
#include "report/html_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "run/checkpoint_file.hpp"
#include "run/run_loop.hpp"
#include "run/run_metrics.hpp"
#include "store/artifact_file.hpp"
#include "store/report_set.hpp"
#include "store/schema_json.hpp"
#include "strategies/registry.hpp"

namespace benchlab::cli {

namespace fs = std::filesystem;

namespace {

std::string strategy_help() {
  std::string out = "strategies to run, comma-separated:";
  for (const auto& s : strategy_catalog()) out += fmt::format("\n  {:<18} {}", s.name, s.architecture);
  return out;
}

std::vector<std::string> validated_strategies(const std::vector<std::string>& asked) {
  const auto& valid = strategy_names();
  std::vector<std::string> out;
  for (const auto& name : asked) {
    if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
      throw UsageError(
          fmt::format("--strategy: unknown strategy '{}'; valid strategies: {}", name, fmt::join(valid, ", ")));
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

void add_run_options(CLI::App& app, RunOptions& run, RunFlags& f) {
  auto* all_opt = app.add_flag("--all", f.all, "run every strategy");
  auto* strategy_opt = app.add_option("--strategy", f.strategies, strategy_help())->delimiter(',');
  all_opt->excludes(strategy_opt);
  auto& s = f.shaping;
  s.push_back(app.add_option("--rows", f.rows,
                             "row counts to read (the first N in key order), comma-separated (default 100000), or "
                             "all: the whole table; a comma separates sizes, so write 1000000 or 1_000_000, never "
                             "1,000,000 (1 to 9223372036854775807)")
                  ->delimiter(','));
  s.push_back(app.add_option("--split", f.split,
                             "how the parallel strategies cut the read: key (--key or the integer primary key), ctid "
                             "(page ranges, PostgreSQL 14+, --rows all), or auto (key when there is one, else ctid)")
                  ->check(one_of("--split", {"auto", "key", "ctid"}))
                  ->capture_default_str());
  s.push_back(add_integer_option(app, "--runs", run.schedule.runs, {1, 10000, "measured runs", "3"},
                                 "measured runs per strategy and size"));
  s.push_back(add_integer_option(app, "--warmup", run.schedule.warmup, {0, 10000, "warmup runs", "1"},
                                 "unmeasured runs before the measured ones"));
  s.push_back(app.add_option("--format", f.format, "wire format of the values: text or binary (advise: or both)")
                  ->check(one_of("--format", {"text", "binary"}, "both", "advise"))
                  ->capture_default_str());
  s.push_back(app.add_option("--digest", f.digest,
                             "how each run's rows are verified against the server's: xxh3 (the sum of the rows' "
                             "XXH3-64, fast, against accidents) or sha256 (also the sum of their SHA-256 modulo "
                             "2^256, against a forged substitution; costs CPU on both sides, see docs/digest.md)")
                  ->check(one_of("--digest", {"xxh3", "sha256"}))
                  ->capture_default_str());
  s.push_back(add_integer_option(app, "--workers", run.read.workers, {1, 1000, "workers", "4"},
                                 "connections/threads/processes of the parallel strategies; at most the rows of the "
                                 "smallest --rows size, and as many as the server's free connections allow beside the "
                                 "run's coordinator (checked before anything is seeded)"));
  s.push_back(f.decoders_opt = add_integer_option(
                  app, "--decoders", run.read.decoders, {0, 1000, "processes (0: as many as --workers)", "4"},
                  "the decoupled strategy's forked processes that decode and hash what its --workers connections "
                  "read (0: as many as --workers)"));
  s.push_back(add_integer_option(app, "--batch-rows", run.read.batch_rows, {1, 2147483647, "rows per batch", "5000"},
                                 "rows per FETCH / batch"));
  s.push_back(add_integer_option(app, "--statement-timeout-ms", run.read.statement_timeout_ms,
                                 {0, 2147483647, "milliseconds (0: none)", "60000"},
                                 "statement_timeout of every measured session (0: none)"));
  s.push_back(f.client_cpus_opt = app.add_option(
                  "--client-cpus", f.client_cpus,
                  "pin benchclient itself (every thread and forked worker) to these CPUs, e.g. 0 or 0,1 or "
                  "0-1"));
  s.push_back(f.client_memory_opt =
                  app.add_option("--client-memory", f.client_memory,
                                 "cap benchclient's memory (e.g. 512MiB, 2G): the soft RLIMIT_AS on its address space "
                                 "(the server it starts is not capped); recorded in the artifact"));
  s.push_back(f.memory_budget_opt = app.add_option(
                  "--memory-budget", f.memory_budget,
                  "client memory budget (e.g. 64MiB, 2G, or auto: the cgroup v2 limit, else MemAvailable): "
                  "workers and batch size are planned to fit it, each forked worker capped at its share; "
                  "see benchclient plan"));
  f.snapshot_opt = app.add_option("--snapshot", f.snapshot,
                                  "plan and read in this snapshot, held by benchclient snapshot hold (needs --dsn): "
                                  "runs of several invocations then read exactly the same rows");
  s.push_back(f.snapshot_opt);
  s.push_back(app.add_flag("--no-shared-snapshot", f.no_shared_snapshot,
                           "also run the deliberately broken control of each parallel strategy, NAME/unshared: "
                           "each of its connections takes a snapshot of its own, as tools without a shared snapshot "
                           "do (with --concurrent-writes its rows drift; a control's mismatch does not fail the run)"));
  s.push_back(f.hang_timeout_opt = app.add_option(
                  "--hang-timeout", f.hang_timeout,
                  "a forked worker with no heartbeat this long is hung: its query is cancelled and it is "
                  "killed (e.g. 30s, 500ms; default: 50 x its slowest batch, at least 10s)"));
  s.push_back(add_integer_option(app, "--retries", run.schedule.recovery.retries,
                                 {0, 20, "retries (0: no recovery)", "3"},
                                 "the parallel strategies' fallback chain: a faulted attempt (a worker crashed, hung, "
                                 "lost its connection or timed out) is followed by up to this many more, each reading "
                                 "only the parts not yet read, in the same snapshot; retry 1 keeps the width, later "
                                 "ones halve it, the last uses one connection; forked workers (multiprocessing, "
                                 "decoupled) degrade to decoupled with fewer decoders, then to one process "
                                 "(docs/faults.md) (0: a fault fails the run)"));
  s.push_back(add_integer_option(app, "--retry-backoff-ms", run.schedule.recovery.backoff_ms,
                                 {0, 60000, "milliseconds", "100"},
                                 "wait before retry r: this times 2^(r-1) milliseconds"));
  s.push_back(add_integer_option(app, "--part-rows", run.read.part_rows,
                                 {0, 9223372036854775807ULL, "rows per partition (0: one per worker)", "100000"},
                                 "the parallel strategies' partitions hold at most this many rows (a multiple of "
                                 "--workers of them): the unit of work, of resumption after a fault and of "
                                 "--checkpoint (0: one partition per worker)"));
  s.push_back(app.add_option("--concurrent-writes", run.schedule.concurrent_writes_per_sec,
                             "a writer inserts and updates rows of the standard table at this many rows/s during every "
                             "run; each run must still match the server's figures in its own snapshot (with "
                             "--no-shared-snapshot: the drift tools without a shared snapshot get) (1 to 1000000)")
                  ->check(CLI::Validator(
                      [](std::string& text) -> std::string {
                        if (parse_number_in(text, 1, 1e6)) return {};
                        return fmt::format(
                            "--concurrent-writes '{}': give rows per second, 1 to 1000000, e.g. --concurrent-writes "
                            "500",
                            text);
                      },
                      "", "rows per second")));
  f.checkpoint_opt = app.add_option("--checkpoint", f.checkpoint,
                                    "keep the read's confirmed parts in this file (written atomically as it goes); "
                                    "run again with the same file to resume an interrupted read (one parallel "
                                    "strategy, one size, --runs 1; exact with --snapshot)");
  s.push_back(f.checkpoint_opt);
  s.push_back(app.add_option("--policy", f.policy,
                             "on a row count or checksum mismatch: strict (fail) or tolerant (flag and go on)")
                  ->check(one_of("--policy", {"strict", "tolerant"}))
                  ->capture_default_str());
  add_mask_options(app, f.mask);
  s.push_back(f.mask.mask_opt);
  s.push_back(f.mask.key_file_opt);
  f.table = app.add_option("--table", run.read.table,
                           "your table to read (schema.table) instead of the seeded standard table");
  s.push_back(f.table);
  f.key =
      app.add_option("--key", run.read.key,
                     "integer key column of --table (default: its integer primary key; the standard table's is id)");
  s.push_back(f.key);
  s.push_back(app.add_option("--results-dir", f.results_dir, "where the JSON artifact goes (created if missing)")
                  ->capture_default_str());
  s.push_back(
      app.add_flag("--json", run.output.json_to_stdout, "print the artifact on stdout (the table goes to stderr)"));
  s.push_back(app.add_option("--console", f.console,
                             "what the terminal shows of the results: table, markdown (the report of this run) or none")
                  ->check(one_of("--console", {"table", "markdown", "none"}))
                  ->capture_default_str());
  s.push_back(app.add_flag("--wide", f.wide,
                           "the console table shows every column (p99 batch, CPU ns/row, the match column's "
                           "whole status), wider than 120 columns; by default it shows the figures to decide "
                           "on and fits 120"));
  s.push_back(app.add_option("--markdown", f.markdown, "also write the Markdown report of this run to this file"));
  s.push_back(app.add_flag("--no-progress", f.no_progress, "no progress output on stderr"));
  f.expect_schema_opt = app.add_option("--expect-schema", f.expect_schema,
                                       "a schema file written by benchclient schema: the table must still match it "
                                       "(columns, types, nullability, key), or the run stops before any strategy");
  s.push_back(f.expect_schema_opt);
  // Hidden: switches the RSS sampler and server CPU accounting off, to measure their cost.
  s.push_back(app.add_flag("--no-observer", f.no_observer, "")->group(""));
}

// Declares the run's options on `app` (the root), or again on a subcommand that takes
// them too (plan): the same variables, so either place works; validation names
// the root's options and counts both (RunFlags::given).
void declare_run_options(CLI::App& app, RunOptions& run, RunFlags& f) {
  if (f.apps.empty()) {
    add_run_options(app, run, f);
    f.apps.push_back(&app);
    return;
  }
  const RunFlags root = f;
  add_run_options(app, run, f);
  f.table = root.table;
  f.key = root.key;
  f.expect_schema_opt = root.expect_schema_opt;
  f.checkpoint_opt = root.checkpoint_opt;
  f.snapshot_opt = root.snapshot_opt;
  f.memory_budget_opt = root.memory_budget_opt;
  f.client_cpus_opt = root.client_cpus_opt;
  f.client_memory_opt = root.client_memory_opt;
  f.hang_timeout_opt = root.hang_timeout_opt;
  f.decoders_opt = root.decoders_opt;
  f.mask.mask_opt = root.mask.mask_opt;
  f.mask.key_file_opt = root.mask.key_file_opt;
  f.shaping = root.shaping;
  f.apps.push_back(&app);
}

// Whether the strategies asked for include a parallel one (none asked, as for
// `plan`: a run of every strategy, which does).
bool any_parallel(const std::vector<std::string>& strategies) {
  if (strategies.empty()) return true;
  return std::any_of(strategies.begin(), strategies.end(),
                     [](const std::string& name) { return make_strategy(name)->part_list() != PartList::none; });
}

// Fills in what the flags say and checks it all; throws UsageError.
void validate_run_options_into(RunOptions& run, const RunFlags& f, bool both_formats, bool whole_table) {
  if (f.format == "both" && !both_formats)
    throw UsageError(
        "--format both: a run reads one wire format; give --format text or --format binary (benchclient advise "
        "predicts both)");
  run.schedule.strategies = f.all ? strategy_names() : validated_strategies(f.strategies);
  if (whole_table && f.rows.empty()) {
    run.read.all_rows = true;
  } else if (std::find(f.rows.begin(), f.rows.end(), "all") != f.rows.end()) {
    if (f.rows.size() != 1) throw UsageError("--rows all reads the whole table: give it alone, not with counts");
    run.read.all_rows = true;
  } else {
    try {
      run.read.row_counts = parse_row_counts(f.rows.empty() ? std::vector<std::string>{"100000"} : f.rows);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  run.read.split = f.split == "key" ? SplitChoice::key : f.split == "ctid" ? SplitChoice::ctid : SplitChoice::automatic;
  // --runs, --warmup, --workers, --batch-rows, --statement-timeout-ms, --retries,
  // --retry-backoff-ms, --part-rows and --concurrent-writes were checked as they were
  // parsed (add_integer_option): each is within its range here.
  if (f.given(f.memory_budget_opt) > 0 && f.memory_budget.empty())
    throw UsageError("--memory-budget needs a value: give a size such as 64MiB, 512M or 2G, or auto");
  if (f.given(f.client_cpus_opt) > 0 && f.client_cpus.empty())
    throw UsageError("--client-cpus needs a value: give CPU numbers and ranges, e.g. 0 or 0,1 or 0-1");
  if (f.given(f.client_memory_opt) > 0 && f.client_memory.empty())
    throw UsageError("--client-memory needs a value: give a size such as 512MiB or 2G");
  if (f.given(f.hang_timeout_opt) > 0 && f.hang_timeout.empty())
    throw UsageError("--hang-timeout needs a value: give a duration such as 30s or 500ms");
  if (!f.memory_budget.empty()) {
    if (f.memory_budget == "auto") {
      run.read.memory_budget_auto = true;
    } else {
      const auto bytes = parse_size(f.memory_budget);
      if (!bytes)
        throw UsageError(
            fmt::format("--memory-budget '{}': give a size such as 64MiB, 512M or 2G, or auto", f.memory_budget));
      run.read.memory_budget_bytes = *bytes;
    }
  }
  if (!f.client_cpus.empty()) {
    try {
      run.client.cpus = parse_cpu_list(f.client_cpus);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--client-cpus {}: {}", f.client_cpus, e.what()));
    }
  }
  if (!f.client_memory.empty()) {
    const auto bytes = parse_size(f.client_memory);
    if (!bytes)
      throw UsageError(fmt::format("--client-memory '{}': give a size such as 512MiB or 2G", f.client_memory));
    run.client.memory_bytes = *bytes;
  }
  if (run.target.profiles.size() > 1 && f.given(f.checkpoint_opt) > 0)
    throw UsageError("--checkpoint resumes one read: give one --profile");
  run.read.no_shared_snapshot = f.no_shared_snapshot;
  if (f.no_shared_snapshot) {
    // Each parallel strategy is followed by its broken control, in the same rounds.
    std::vector<std::string> with_controls;
    for (const auto& name : run.schedule.strategies) {
      with_controls.push_back(name);
      if (make_strategy(name)->part_list() != PartList::none)
        with_controls.push_back(name + std::string(kUnsharedControlSuffix));
    }
    if (with_controls.size() == run.schedule.strategies.size())
      throw UsageError(
          "--no-shared-snapshot adds the broken control of each parallel strategy: give at least one of "
          "pooled_sync, async_stream, multiprocessing, parallel_copy or decoupled");
    run.schedule.strategies = with_controls;
  }
  if (f.given(f.snapshot_opt) > 0) {
    if (!well_formed_snapshot_id(f.snapshot))
      throw UsageError(
          fmt::format("--snapshot '{}': not a snapshot id; give the id benchclient snapshot hold prints, like "
                      "00000003-0000001B-1 (two 8-digit upper-case hexadecimal words and a number)",
                      f.snapshot));
    if (!run.target.dsn)
      throw UsageError("--snapshot needs --dsn: the snapshot lives on the server benchclient snapshot hold talks to");
    run.read.snapshot_id = f.snapshot;
  }
  if (!f.hang_timeout.empty()) {
    const auto ms = parse_duration_ms(f.hang_timeout);
    if (!ms) throw UsageError(fmt::format("--hang-timeout '{}': give a duration such as 30s or 500ms", f.hang_timeout));
    run.read.hang_timeout_ms = *ms;
  }
  if (run.schedule.concurrent_writes_per_sec > 0 && !run.read.table.empty())
    throw UsageError(
        "--concurrent-writes writes to the table it reads, so it runs on the standard table only: drop --table");
  if (const char* fault = std::getenv("BENCHLAB_INJECT_FAULT"); fault != nullptr && *fault != '\0') {
    try {
      run.read.fault = parse_injected_fault(fault);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("BENCHLAB_INJECT_FAULT='{}': {}", fault, e.what()));
    }
  }
  apply_mask_flags(f.mask, f.given(f.mask.mask_opt) > 0, f.given(f.mask.key_file_opt) > 0, run.read.masks,
                   run.read.mask_key);
  // decoupled hands rows to its decoders before they are decoded, so before any mask:
  // asked for by name it is refused; in --all it is left out, and said so.
  if (!run.read.masks.empty()) {
    auto& names = run.schedule.strategies;
    const auto decoupled = [](const std::string& n) { return n.starts_with("decoupled"); };  // and its control
    if (std::any_of(names.begin(), names.end(), decoupled)) {
      if (!f.all)
        throw UsageError(
            "--mask with --strategy decoupled: its shared-memory rings hold each row before it is decoded, so "
            "before any mask; read masked columns with parallel_copy or multiprocessing (they mask where they "
            "decode)");
      names.erase(std::remove_if(names.begin(), names.end(), decoupled), names.end());
      std::fprintf(stderr, "benchclient: --mask: decoupled is left out (its rings would hold the rows unmasked)\n");
    }
  }
  if (f.given(f.decoders_opt) > 0 && std::find(run.schedule.strategies.begin(), run.schedule.strategies.end(),
                                               "decoupled") == run.schedule.strategies.end())
    throw UsageError(
        "--decoders sets the decoupled strategy's decoding processes: add decoupled to --strategy (or "
        "--all), or drop --decoders");
  if (f.given(f.checkpoint_opt) > 0) {
    if (f.checkpoint.empty()) throw UsageError("--checkpoint: give a file name");
    const auto& names = run.schedule.strategies;
    const bool parallel = names.size() == 1 && make_strategy(names.front())->part_list() != PartList::none;
    if (!parallel)
      throw UsageError(
          "--checkpoint resumes one parallel read: give exactly one of --strategy multiprocessing, pooled_sync, "
          "async_stream, parallel_copy or decoupled");
    if (run.schedule.runs != 1 || run.schedule.warmup != 0)
      throw UsageError("--checkpoint resumes one read: give --runs 1 (and no --warmup)");
    if (run.read.row_counts.size() > 1)
      throw UsageError("--checkpoint resumes one read: give one --rows count (or all)");
    run.checkpoint_file = f.checkpoint;
  }
  if (f.given(f.key) > 0 && run.read.key.empty()) throw UsageError("--key: give the name of an integer key column");
  if (f.given(f.table) > 0 && run.read.table.empty())
    throw UsageError("--table: give a table name, e.g. --table public.orders");
  if (f.given(f.key) > 0 && run.read.table.empty())
    throw UsageError("--key applies to --table; the standard table's key is id");
  if (!run.read.table.empty() && !run.target.dsn)
    throw UsageError("--table needs --dsn: a throwaway cluster holds only the standard table");
  // What --split ctid cannot do, said before anything starts (the planner would say
  // the same after starting a cluster and seeding it).
  if (run.read.split == SplitChoice::ctid && f.given(f.key) > 0)
    throw UsageError(word(plan::ReadRefused(plan::ReadRefused::Problem::key_with_ctid, {})));
  if (run.read.split == SplitChoice::ctid && !run.read.all_rows)
    throw UsageError(word(plan::ReadRefused(plan::ReadRefused::Problem::ctid_with_row_limit, {})));
  if (run.read.split == SplitChoice::ctid && run.schedule.concurrent_writes_per_sec > 0)
    throw UsageError(
        "--concurrent-writes writes by the standard table's key, which --split ctid does not read by: drop --split "
        "ctid");
  // --workers: never more than the rows of the smallest size (the connections the
  // server has free are checked once it is up, before anything is seeded).
  if (any_parallel(run.schedule.strategies) && !run.read.all_rows) {
    const auto& counts = run.read.row_counts;
    const std::uint64_t fewest = *std::min_element(counts.begin(), counts.end());
    if (static_cast<std::uint64_t>(run.read.workers) > fewest)
      throw UsageError(fmt::format(
          "--workers {}: more workers than the {} rows {} to read, so some would read nothing; give --workers {} or "
          "fewer, or more --rows",
          run.read.workers, fewest, counts.size() > 1 ? "of the smallest size" : "there are", fewest));
  }
  // --memory-budget too small for one worker whatever the table: refused now.
  try {
    plan::check_budget_before_reading(run.read);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  if (f.results_dir.empty()) throw UsageError("--results-dir: give a directory");
  run.read.format = f.format == "binary" ? WireFormat::binary : WireFormat::text;
  run.read.digest = f.digest == "sha256" ? DigestAlgorithm::sha256 : DigestAlgorithm::xxh3;
  run.schedule.policy = f.policy == "strict" ? MismatchPolicy::strict : MismatchPolicy::tolerant;
  run.schedule.measure_observer = !f.no_observer;
  run.output.results_dir = f.results_dir;
  run.output.console = f.console == "markdown" ? ConsoleFormat::markdown
                       : f.console == "none"   ? ConsoleFormat::none
                                               : ConsoleFormat::table;
  if (f.wide && run.output.console != ConsoleFormat::table)
    throw UsageError(
        fmt::format("--wide widens the console table: drop --console {} (the Markdown report already "
                    "has every column)",
                    f.console));
  run.output.wide_table = f.wide;
  run.output.markdown_file = f.markdown;
  run.output.progress = !f.no_progress;
  if (f.given(f.expect_schema_opt) > 0) {
    if (f.expect_schema.empty()) throw UsageError("--expect-schema: give a file written by benchclient schema");
    run.expect_schema_file = f.expect_schema;
    try {
      run.expected_schema = read_schema_file(f.expect_schema);
    } catch (const SchemaFileError& e) {
      throw UsageError(fmt::format("--expect-schema {}", e.what()));
    }
  }
}

// `benchclient` with no work selected: connect and say what we are talking to.
int print_server_info(const TargetOptions& target_options) {
  ServerTarget target(target_options);
  target.ensure_extension();
  pg::Connection conn = pg::Connection::open(target.conninfo());
  const std::string server = conn.query_value("SHOW server_version");
  const std::string ext = conn.query_value("SELECT benchlab.version()");
  fmt::print("server:    PostgreSQL {} ({})\n", server,
             target.is_throwaway() ? fmt::format("throwaway cluster, profile {}", target.cluster()->profile())
                                   : conn.describe());
  fmt::print("extension: benchlab {}\n", ext);
  fmt::print("client:    benchclient {}, libpq {}\n", BENCHLAB_VERSION, pg::libpq_version());
  return 0;
}

// Removes a results directory this invocation created, if nothing was written to it.
struct CreatedDirGuard {
  fs::path dir;
  bool active = false;
  ~CreatedDirGuard() {
    if (!active) return;
    std::error_code ec;
    if (fs::is_empty(dir, ec) && !ec) fs::remove(dir, ec);
  }
};

// The context block, from what is known before the first run.
Context make_context(const RunOptions& options, const ServerTarget& target, const HostFacts& host,
                     const std::string& date, const BenchmarkPlan& plan) {
  Context c;
  c.date = date;
  c.command = options.command;
  c.host = host;
  c.build = build_facts();
  c.server = plan::read_server_facts(target.conninfo());
  c.server.session_settings = {{"jit", "off"}};  // pg::SessionOptions::jit_off, every measured session
  c.target.throwaway = target.is_throwaway();
  c.target.dsn_redacted = target.is_throwaway() ? "throwaway cluster" : pg::redact_conninfo(target.conninfo());
  if (target.is_throwaway()) c.target.profile = fmt::format("{}", fmt::join(options.target.profiles, ","));
  c.table_name = plan.table.display_name;
  c.standard_table = plan.table.standard;
  c.key = plan.table.key_name;
  c.columns = plan.table.columns;
  c.read = options.read;
  c.schedule = options.schedule;
  // The workers and batch every strategy ran with: the budget's choice, or fewer
  // workers than asked when the whole table splits into fewer parts.
  c.read.workers = plan.workers;
  c.read.batch_rows = plan.batch_rows;
  c.memory_plan = plan.memory;
  // The limits in force, as the kernel reports them.
  ResourceFacts& r = c.resources;
  r.client_cpus = format_cpu_list(allowed_cpus(0));
  r.client_pinned = !options.client.cpus.empty();
  if (target.is_throwaway()) {
    r.server_cpus = format_cpu_list(allowed_cpus(target.cluster()->postmaster_pid()));
    r.server_pinned = options.client.server_cpus_given;
  }
  r.client_memory_bytes = options.client.memory_bytes;
  r.client_memory_mechanism = options.client.memory_mechanism;
  return c;
}

// A throwaway cluster's profile as it ran: what it asked for and what the server has.
ProfileFacts profile_facts(const ServerTarget& target) {
  const cluster::ThrowawayCluster& cluster = *target.cluster();
  ProfileFacts p;
  p.name = cluster.profile();
  p.description = cluster::find_profile(p.name).description;
  p.requested = cluster.requested_settings();
  std::vector<std::string> names;
  for (const auto& [k, v] : p.requested) names.push_back(k);
  p.settings = plan::read_server_facts(target.conninfo(), names).settings;
  return p;
}

// "naive at 500 rows, copy_stream at 500 rows": the strategies that failed or mismatched.
std::vector<std::string> failed_strategies(const BenchmarkReport& report) {
  std::vector<std::string> out;
  for (const auto& size : report.sizes)
    for (const auto& s : size.strategies)
      if (!s.errors.empty() || (s.any_mismatch() && !is_unshared_control(s.strategy)))
        out.push_back(fmt::format("{} at {} rows", s.strategy, size.limit));
  return out;
}

// --memory-budget: what the run chose, said before it starts (benchclient plan shows why).
std::string memory_choice(const MemoryPlan& m) {
  auto asked = [](int chosen, int asked_for) {
    return chosen == asked_for ? std::string() : fmt::format(" (of {} asked)", asked_for);
  };
  return fmt::format(
      "memory budget {} ({}): {} worker{}{}, batch {} rows{}, {} per worker (capped at {}); the arithmetic: "
      "benchclient plan with the same options",
      format_bytes(m.budget_bytes), m.budget_source, m.workers, m.workers == 1 ? "" : "s",
      asked(m.workers, m.workers_asked), m.batch_rows, asked(m.batch_rows, m.batch_rows_asked),
      format_bytes(m.per_worker_bytes), format_bytes(m.worker_limit_bytes));
}

// --checkpoint, after an interruption: what the file keeps, and how to go on ("" without one).
std::string kept_in_checkpoint(const std::optional<CheckpointFile>& checkpoint) {
  const auto kept = checkpoint ? checkpoint->kept() : std::nullopt;
  if (!kept) return {};
  return fmt::format("{} of {} parts of {} at {} rows are kept in {}; run the same command to resume", kept->parts_done,
                     kept->parts_total, kept->strategy, kept->rows, checkpoint->path().string());
}

int exit_code_of(const BenchmarkReport& report, const std::optional<CheckpointFile>& checkpoint) {
  if (report.interrupted_signal != 0) {
    const std::string what = Interrupted(report.interrupted_signal).what();
    if (const std::string kept = kept_in_checkpoint(checkpoint); !kept.empty())
      print_note(fmt::format("{}: {} (what was measured is printed and saved)", what, kept));
    else
      print_note(fmt::format("{}; stopped, what was measured is printed and saved", what));
    return kExitSignalBase + report.interrupted_signal;
  }
  if (!report.strict_failure.empty()) {
    return print_error(fmt::format("strict policy: {}", report.strict_failure), kExitStrategyFailed);
  }
  if (const auto failed = failed_strategies(report); !failed.empty()) {
    print_note(fmt::format("{} failed or mismatched (tolerant policy: recorded, the others ran); exit status {}",
                           fmt::join(failed, ", "), kExitStrategyFailed));
    return kExitStrategyFailed;
  }
  return kExitOk;
}

// --expect-schema: the differences, one line each, then the error naming the fix.
[[noreturn]] void report_drift(const SchemaDrift& drift, const RunOptions& options) {
  for (const auto& d : drift.differences) print_note("schema drift: " + d);
  const std::string table = options.read.table.empty() ? std::string() : " --table " + options.read.table;
  throw std::runtime_error(fmt::format(
      "--expect-schema {}: {} ({} difference{} above), so no strategy ran; if the change is intended, write the file "
      "again with benchclient schema{}{} --output {}",
      options.expect_schema_file.string(), drift.what(), drift.differences.size(),
      drift.differences.size() == 1 ? "" : "s", options.target.dsn ? " --dsn ..." : "", table,
      options.expect_schema_file.string()));
}

// One target, planned and measured: the throwaway cluster of one profile (started
// here, removed on return) or the --dsn server. The context is made by the first.
// `size_done`: called with this target's report so far after each of its sizes.
// `targets_after`: profiles still to measure after this one (the duration estimate counts them).
// `checkpoint`: opened here with --checkpoint, kept by the caller to say what it holds.
// `said`: the warnings printed here, which the table at the end does not repeat.
void measure_target(const RunOptions& options, const TargetOptions& target_options, const HostFacts& host,
                    const std::string& date, Artifact& artifact, BenchmarkReport& report, bool first,
                    const std::function<void(const BenchmarkReport&)>& size_done, int targets_after,
                    std::optional<CheckpointFile>& checkpoint, std::vector<std::string>& said,
                    const ServerTarget* existing) {
  const auto warn = [&said](const std::string& text) {
    print_warning(text);
    said.push_back(text);
  };
  std::optional<ServerTarget> own;
  const ServerTarget& target = existing != nullptr ? *existing : own.emplace(target_options);
  throw_if_interrupted();
  target.ensure_extension();

  // 1. Plan: the table prepared, each size's key range, split and server figures.
  const bool phases = options.output.progress;
  auto phase = [phases](const std::string& line) {
    if (phases) std::fprintf(stderr, "%s\n", line.c_str());
  };
  // --checkpoint: a file that exists is a resume, in the snapshot it records if that
  // is still held (benchclient snapshot hold), so the plan and the rows are the same.
  ReadOptions read = options.read;
  std::string resume_note;
  if (!options.checkpoint_file.empty()) {
    checkpoint.emplace(options.checkpoint_file);
    if (checkpoint->resuming() && read.snapshot_id.empty() && !checkpoint->snapshot_id().empty()) {
      if (!pg::snapshot_unavailable(target.conninfo(), checkpoint->snapshot_id())) {
        read.snapshot_id = checkpoint->snapshot_id();
      } else if (options.schedule.policy == MismatchPolicy::strict) {
        throw std::runtime_error(fmt::format(
            "--checkpoint {}: the snapshot {} its parts were read in is gone, so the parts left would be read in "
            "another state of the table; --policy strict refuses that (tolerant resumes and says so); for an exact "
            "resume, hold a snapshot with benchclient snapshot hold and pass --snapshot to every run",
            options.checkpoint_file.string(), checkpoint->snapshot_id()));
      } else {
        resume_note = fmt::format(
            "resumed from --checkpoint in a new snapshot: the one its first {} parts were read in ({}) is gone, so "
            "the result is exact only if the table did not change in between",
            checkpoint->confirmed_parts(), checkpoint->snapshot_id());
      }
    }
  }
  BenchmarkPlan plan;
  try {
    plan = plan::make_plan(target.conninfo(), read, phase, options.expected_schema, plan_scope_of(options));
  } catch (const SchemaDrift& drift) {
    report_drift(drift, options);
  } catch (const plan::ConnectionsRefused& e) {
    throw UsageError(word(e, target.is_throwaway()));
  }
  if (checkpoint) {
    const SizePlan& size = plan.sizes.front();
    const std::string& strategy = options.schedule.strategies.front();
    CheckpointFacts facts;
    facts.strategy = strategy;
    facts.table = plan.table.display_name;
    facts.key = plan.table.key_name;
    facts.split = size.spec.split;
    facts.format = size.spec.format;
    facts.digest = size.spec.digest;
    facts.rows = size.limit;
    const bool batches = make_strategy(strategy)->part_list() == PartList::batches;
    facts.parts = batches ? size.spec.batches : size.spec.partitions;
    if (facts.parts.empty()) facts.parts = {size.spec.all};
    facts.schema = plan.table.schema;
    checkpoint->bind(facts);  // a different read is refused before the warning below
    if (!resume_note.empty()) {
      warn(resume_note);
      plan.sizes.front().notes.push_back(resume_note);
    }
    if (checkpoint->resuming())
      phase(fmt::format("benchclient: resuming from --checkpoint {}: {} of {} parts already read{}",
                        options.checkpoint_file.string(), checkpoint->confirmed_parts(), facts.parts.size(),
                        checkpoint->complete() ? " (the read was complete)" : ""));
  }
  if (plan.memory) print_note(memory_choice(*plan.memory));
  if (first) artifact.context = make_context(options, target, host, date, plan);
  if (target.is_throwaway()) artifact.context.profiles.push_back(profile_facts(target));
  throw_if_interrupted();
  // Said before the first run (and after every check of the input, so bad input
  // still gets its one line), so a user can stop and come back when it is idle;
  // so not again at the end.
  if (auto busy = busy_machine_warning(host); busy && first) warn(busy->text());

  // 2. Run: rounds of the wire ceiling and every strategy, into the report.
  const bool live_line = options.output.progress && isatty(STDERR_FILENO) == 1;
  StderrProgress lines(phases, live_line);
  ProgressFanout both({&lines, options.metrics});
  LoopOutput output;
  output.observer = options.metrics != nullptr ? static_cast<ProgressObserver*>(&both) : &lines;
  output.live = live_line || options.metrics != nullptr;
  output.size_done = size_done;
  output.targets_after = targets_after;
  run_benchmark(plan, options.schedule, output, report, checkpoint ? &*checkpoint : nullptr);
}

// The run's own HTML report beside its artifact (run-X.json -> run-X.html): made from the
// file as written, by the code of `benchclient report --format html FILE`, so the two are
// the same page. Written atomically: a reader never sees half of it. A page that cannot
// be made or written does not fail the measurement: the page is removed (an older one
// would disagree with the artifact), said once, and empty is returned.
fs::path write_html_report(const fs::path& artifact_file) {
  fs::path html = artifact_file;
  html.replace_extension(".html");
  try {
    write_atomically(html, html_report(load_report_set({artifact_file.string()})));
    return html;
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(html, ignored);
    static bool said = false;
    if (!std::exchange(said, true))
      print_warning(
          fmt::format("the HTML report was not written ({}); make it from the artifact with: benchclient "
                      "report --format html --output {} {}",
                      error_message(e), html.string(), artifact_file.string()));
    return {};
  }
}

}  // namespace

Context run_context(const RunOptions& options, const ServerTarget& target, const HostFacts& host,
                    const std::string& date, const BenchmarkPlan& plan) {
  return make_context(options, target, host, date, plan);
}

int run_benchmark_command(const RunOptions& options, fs::path* written, const ServerTarget* existing) {
  // The machine as it was when the invocation started (load average included).
  const HostFacts host = read_host_facts();
  const std::string date = utc_now("%Y-%m-%dT%H:%M:%SZ");
  // Checked before anything starts: a run that cannot be saved is not started.
  // A path the command line names that cannot be written is bad input (exit 2), like any other.
  CreatedDirGuard created{options.output.results_dir, false};
  try {
    created.active = ensure_writable_dir(options.output.results_dir);
    if (!options.output.markdown_file.empty()) check_writable_file("--markdown", options.output.markdown_file);
    // A --checkpoint file that is not one is refused before a cluster starts (read
    // again, and matched with the plan, once the server is up).
    if (!options.checkpoint_file.empty()) (void)CheckpointFile(options.checkpoint_file);
  } catch (const std::runtime_error& e) {
    throw UsageError(error_message(e));
  }

  Artifact artifact;
  // The artifact file is named at its first write and rewritten in place after every
  // size (of every profile), saying complete=false until the run ends: a run killed
  // later (SIGKILL, the OOM killer) still leaves the sizes it measured.
  fs::path artifact_file, html_file;
  // A profile's sizes, tagged with it, after the profiles before.
  const auto append_sizes = [](BenchmarkReport& into, BenchmarkReport part, const std::string& profile) {
    for (SizeResult& size : part.sizes) {
      size.profile = profile;
      into.sizes.push_back(std::move(size));
    }
  };
  auto save_so_far = [&](const BenchmarkReport& part, const std::string& profile) {
    Artifact so_far = artifact;  // the profiles before
    append_sizes(so_far.report, part, profile);
    so_far.complete = false;
    so_far.summary = summary_of(so_far);
    if (artifact_file.empty()) artifact_file = fresh_result_path(options.output.results_dir, "run");
    JsonReporter(artifact_file, nullptr).save(so_far);
    html_file = write_html_report(artifact_file);  // rewritten with it, so the two always agree
  };
  // --profile a,b: the whole benchmark on a fresh throwaway cluster per profile, one
  // after another, into one report (each size tagged with its profile). With --dsn: once.
  const std::vector<std::string> profiles =
      options.target.dsn || existing != nullptr
          ? std::vector<std::string>{existing != nullptr && existing->is_throwaway() ? existing->cluster()->profile()
                                                                                     : ""}
          : options.target.profiles;
  std::optional<CheckpointFile> checkpoint;  // --checkpoint (one profile): the part journal
  std::vector<std::string> said;             // warnings printed while running: the table does not repeat them
  try {
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      TargetOptions target_options = options.target;
      if (!profiles[i].empty()) target_options.cluster.profile = profiles[i];
      if (profiles.size() > 1 && options.output.progress)
        print_note(
            fmt::format("profile {} ({} of {}): a fresh throwaway cluster", profiles[i], i + 1, profiles.size()));
      BenchmarkReport part;
      try {
        measure_target(
            options, target_options, host, date, artifact, part, i == 0,
            [&](const BenchmarkReport& so_far) { save_so_far(so_far, profiles[i]); },
            static_cast<int>(profiles.size() - 1 - i), checkpoint, said, existing);
      } catch (const Interrupted& e) {
        if (i == 0) throw;                                       // nothing measured yet: the usual interruption
        artifact.report.interrupted_signal = e.signal_number();  // the profiles before are kept and saved
        break;
      }
      artifact.report.interrupted_signal = part.interrupted_signal;
      artifact.report.strict_failure = part.strict_failure;
      append_sizes(artifact.report, std::move(part), profiles[i]);
      if (!artifact.report.complete()) break;
      save_so_far(BenchmarkReport{}, "");  // the profile whole, before the next cluster starts
    }
  } catch (...) {
    // An error ends the run: what was measured before it stays on disk, and says so.
    if (!artifact_file.empty())
      print_note(fmt::format("what was measured before the error is in {} (complete: false){}", artifact_file.string(),
                             html_file.empty() ? "" : fmt::format("; its report: {}", html_file.string())));
    if (pending_signal() != 0)
      if (const std::string kept = kept_in_checkpoint(checkpoint); !kept.empty()) print_note(kept);
    throw;
  }

  // Complete: every profile and size measured (a failed strategy under the tolerant
  // policy still leaves the run complete).
  artifact.complete = artifact.report.complete();
  artifact.summary = summary_of(artifact);  // measured: summarized once, for every reporter

  // 3. Report: the display (stderr when stdout carries the JSON), the JSON artifact
  // and, if asked, a Markdown file — every reporter fed the same artifact.
  std::FILE* display = options.output.json_to_stdout ? stderr : stdout;
  const std::string label = "benchclient run of " + date;
  ConsoleReporter console(
      display, {options.output.wide_table ? TableView::wide : TableView::compact, "--wide shows every column", said});
  MarkdownReporter markdown_display({label}), markdown_file({label});
  if (artifact_file.empty()) artifact_file = fresh_result_path(options.output.results_dir, "run");
  JsonReporter json(artifact_file, options.output.json_to_stdout ? &std::cout : nullptr);
  std::vector<Reporter*> reporters{&json};
  if (options.output.console == ConsoleFormat::table) reporters.push_back(&console);
  if (options.output.console == ConsoleFormat::markdown) reporters.push_back(&markdown_display);
  if (!options.output.markdown_file.empty()) reporters.push_back(&markdown_file);
  report_artifact(artifact, reporters);
  if (options.output.console == ConsoleFormat::markdown) {
    markdown_display.close();
    std::fputs(markdown_display.document().c_str(), display);
    std::fflush(display);
  }
  if (!json.written().empty()) {
    created.active = false;
    html_file = write_html_report(json.written());
    if (written != nullptr) *written = json.written();
  }
  if (!options.output.markdown_file.empty() && !artifact.report.sizes.empty()) {
    markdown_file.close();
    write_atomically(options.output.markdown_file, markdown_file.document());
    print_note("Markdown report written to " + options.output.markdown_file.string());
  }
  const int status = exit_code_of(artifact.report, checkpoint);
  // The last line: what to open next (scripts/run-benchmark repeats it).
  if (!json.written().empty() && !html_file.empty())
    print_note(
        fmt::format("report: {} (open in a browser); artifact: {}", html_file.string(), json.written().string()));
  else if (!json.written().empty())
    print_note(fmt::format("artifact: {}", json.written().string()));
  return status;
}

plan::PlanScope plan_scope_of(const RunOptions& options) {
  plan::PlanScope scope;
  scope.parallel = any_parallel(options.schedule.strategies);
  scope.concurrent_writer = options.schedule.concurrent_writes_per_sec > 0;
  return scope;
}

RunCommand::RunCommand(CLI::App& app, std::string command) : app_(app) {
  run_.command = std::move(command);
  add_target_options(app, run_.target, target_flags_);
  declare_run_options(app, run_, flags_);
  metrics_.declare(app, "");
}

void RunCommand::add_options_to(CLI::App& subcommand) {
  add_target_options(subcommand, run_.target, target_flags_);
  declare_run_options(subcommand, run_, flags_);
}

void RunCommand::validate_target() { validate_target_options(run_.target, target_flags_); }

void RunCommand::validate_run_options(bool both_formats, bool whole_table) {
  validate_run_options_into(run_, flags_, both_formats, whole_table);
}

void RunCommand::validate() {
  if (!work_selected()) {
    for (const auto* o : flags_.shaping)
      if (o->count() > 0)
        throw UsageError(fmt::format("{} needs --all or --strategy NAME to select work", o->get_name()));
    if (metrics_.given()) throw UsageError("--metrics-file needs --all or --strategy NAME to select work");
    return;
  }
  validate_run_options();
  apply_client_resources();
}

void RunCommand::apply_client_resources() {
  // benchclient's own resources, before anything starts (threads and children inherit them).
  // The server is started by benchclient, so it would inherit --client-cpus: without
  // --server-cpus it keeps the CPUs benchclient had before it was pinned.
  run_.client.server_cpus_given = !run_.target.cluster.server_cpus.empty();
  if (!run_.client.cpus.empty() && !run_.client.server_cpus_given && !run_.target.dsn)
    run_.target.cluster.server_cpus = allowed_cpus();
  if (!run_.client.cpus.empty() && !pin_this_process(run_.client.cpus))
    throw UsageError(
        fmt::format("--client-cpus {}: cannot pin benchclient to them: {}", flags_.client_cpus, std::strerror(errno)));
  if (run_.client.memory_bytes != 0) {
    try {
      run_.client.memory_mechanism = cap_client_memory(run_.client.memory_bytes);
    } catch (const std::runtime_error& e) {
      throw UsageError(error_message(e));
    }
  }
}

int RunCommand::run() {
  if (!work_selected()) return print_server_info(run_.target);
  if (MetricsFile* file = metrics_.file(); file != nullptr) {
    RunMetrics metrics(*file);
    RunOptions with_metrics = run_;
    with_metrics.metrics = &metrics;
    return run_benchmark_command(with_metrics);
  }
  return run_benchmark_command(run_);
}

}  // namespace benchlab::cli
