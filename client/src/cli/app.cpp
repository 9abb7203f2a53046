#include "cli/app.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string_view>

#include "cli/compare_command.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_checks.hpp"
#include "cli/plan_command.hpp"
#include "cli/queue_command.hpp"
#include "cli/report_command.hpp"
#include "cli/run_command.hpp"
#include "cli/run_options.hpp"
#include "cli/schema_command.hpp"
#include "cli/server_target.hpp"
#include "cli/snapshot_command.hpp"
#include "cli/usage_error.hpp"
#include "cli/verify_command.hpp"
#include "cli/with_cluster.hpp"
#include "model/command_line.hpp"
#include "model/memory_plan.hpp"
#include "pg/connection.hpp"
#include "process/resources.hpp"
#include "store/schema_json.hpp"
#include "strategies/registry.hpp"

namespace benchlab::cli {

namespace {

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& p : cluster::profiles()) names.push_back(p.name);
  return names;
}

std::string profile_help() {
  std::string out =
      "settings profiles of the throwaway cluster, comma-separated: each runs the whole benchmark on a fresh "
      "cluster, one after another, reported side by side in one artifact:";
  for (const auto& p : cluster::profiles()) out += fmt::format("\n  {:<13} {}", p.name, p.description);
  return out;
}

std::string strategy_help() {
  std::string out = "strategies to run, comma-separated:";
  for (const auto& s : strategy_catalog()) out += fmt::format("\n  {:<18} {}", s.name, s.architecture);
  return out;
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

// A whole-number option whose every bad value (empty, not a number, negative, out of
// the range or of its type) gets one line naming the option, the range and an example,
// before CLI11 would try to convert it ("Could not convert").
// `label`: the option as messages name it ("queue --jobs"; default: the option).
template <typename T>
CLI::Option* add_integer_option(CLI::App& app, const std::string& name, T& value, IntegerRange range,
                                const std::string& help, std::string label = {}) {
  if (label.empty()) label = name;
  return app.add_option(name, value, fmt::format("{} ({} to {})", help, range.lo, range.hi))
      ->check(CLI::Validator(
          [label, range](std::string& text) { return integer_problem(label, text, range).value_or(std::string()); }, "",
          "integer range"))
      ->capture_default_str();
}

// An option with a few accepted words: the value and the words in one line.
CLI::Validator one_of(const std::string& name, std::vector<std::string> words) {
  return CLI::Validator(
      [name, words](std::string& text) -> std::string {
        if (std::find(words.begin(), words.end(), text) != words.end()) return {};
        std::string list;
        for (std::size_t i = 0; i < words.size(); ++i)
          list += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
        return fmt::format("{} '{}': give {}", name, text, list);
      },
      "", "one of");
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

// The server options' flags as parsed, before validation (shared by the run and schema).
struct TargetFlags {
  std::vector<std::string> profiles, pg_set;
  std::string server_cpus;
};

// Fills in the throwaway cluster's profiles, --pg-set and --server-cpus; throws UsageError.
void validate_target_options(TargetOptions& target, const TargetFlags& f) {
  if (target.dsn) {
    if (!f.profiles.empty())
      throw UsageError(
          "--profile applies to throwaway clusters, not to --dsn: drop --profile (the artifact records "
          "your server's own settings) or drop --dsn");
    if (!f.pg_set.empty())
      throw UsageError("--pg-set applies to throwaway clusters, not to --dsn: set it on your server, or drop --dsn");
    if (!f.server_cpus.empty())
      throw UsageError("--server-cpus pins the throwaway server, not a --dsn one: drop --server-cpus or --dsn");
    return;
  }
  const auto valid = profile_names();
  target.profiles.clear();
  for (const auto& name : f.profiles) {
    if (std::find(valid.begin(), valid.end(), name) == valid.end())
      throw UsageError(
          fmt::format("--profile: unknown profile '{}'; valid profiles: {}", name, fmt::join(valid, ", ")));
    if (std::find(target.profiles.begin(), target.profiles.end(), name) == target.profiles.end())
      target.profiles.push_back(name);
  }
  if (target.profiles.empty()) target.profiles.push_back(target.cluster.profile);
  target.cluster.profile = target.profiles.front();
  for (const auto& kv : f.pg_set) {
    const auto eq = kv.find('=');
    std::string name = kv.substr(0, eq == std::string::npos ? 0 : eq);
    const bool ok_name = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
                         });
    if (eq == std::string::npos || !ok_name)
      throw UsageError(fmt::format("--pg-set '{}': give name=value, e.g. --pg-set work_mem=64MB", kv));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    target.cluster.extra_settings.emplace_back(name, kv.substr(eq + 1));
  }
  if (!f.server_cpus.empty()) {
    try {
      target.cluster.server_cpus = parse_cpu_list(f.server_cpus);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--server-cpus {}: {}", f.server_cpus, e.what()));
    }
  }
}

// The benchmark's flags as parsed, before validation.
struct RunFlags {
  bool all = false;
  std::vector<std::string> strategies, rows;
  std::string format = "text", policy = "tolerant", results_dir = "results", console = "table", markdown,
              split = "auto", expect_schema, memory_budget, hang_timeout, snapshot, checkpoint, client_cpus,
              client_memory;
  bool no_progress = false, no_observer = false, no_shared_snapshot = false;
  CLI::Option* table = nullptr;
  CLI::Option* key = nullptr;
  CLI::Option* expect_schema_opt = nullptr;
  CLI::Option* checkpoint_opt = nullptr;
  CLI::Option* snapshot_opt = nullptr;
  CLI::Option* memory_budget_opt = nullptr;
  CLI::Option* client_cpus_opt = nullptr;
  CLI::Option* client_memory_opt = nullptr;
  CLI::Option* hang_timeout_opt = nullptr;
  std::vector<CLI::Option*> shaping;  // options that need --all or --strategy
};

void add_target_options(CLI::App& app, TargetOptions& target, TargetFlags& flags, std::string& dsn,
                        CLI::Option*& dsn_opt) {
  dsn_opt = app.add_option("--dsn", dsn,
                           "libpq connection string or URI of the server to measure; '' uses the PG* "
                           "environment. Without --dsn a throwaway cluster is started");
  app.add_option("--profile", flags.profiles, profile_help())->delimiter(',')->default_str("default");
  app.add_option("--pg-set", flags.pg_set,
                 "a server setting name=value on top of the profile(s) of the throwaway cluster (repeatable); one the "
                 "server rejects stops the run before anything is measured");
  app.add_option("--server-cpus", flags.server_cpus,
                 "pin the throwaway server (postmaster and every backend) to these CPUs, e.g. 1 or 0,1 or 0-1");
  app.add_option("--pg-bindir", target.cluster.pg_bindir, "PostgreSQL server binaries for the throwaway cluster")
      ->default_str(BENCHLAB_PG_BINDIR);
  app.add_option("--cluster-user", target.cluster.run_as_user,
                 "OS user that runs the throwaway server when benchclient runs as root")
      ->envname("BENCHLAB_CLUSTER_USER")
      ->default_str("postgres");
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
  s.push_back(app.add_option("--format", f.format, "wire format of the values: text or binary")
                  ->check(one_of("--format", {"text", "binary"}))
                  ->capture_default_str());
  s.push_back(add_integer_option(app, "--workers", run.read.workers, {1, 1000, "workers", "4"},
                                 "connections/threads/processes of the parallel strategies"));
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
                                 "only the parts not yet read, in the same snapshot; the second halves the workers, "
                                 "the last uses one (0: a fault fails the run)"));
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
                        double v = 0;
                        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                        if (!text.empty() && ec == std::errc() && end == text.data() + text.size() && v >= 1 &&
                            v <= 1e6)
                          return {};
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
  s.push_back(app.add_option("--markdown", f.markdown, "also write the Markdown report of this run to this file"));
  s.push_back(app.add_flag("--no-progress", f.no_progress, "no progress output on stderr"));
  f.expect_schema_opt = app.add_option("--expect-schema", f.expect_schema,
                                       "a schema file written by benchclient schema: the table must still match it "
                                       "(columns, types, nullability, key), or the run stops before any strategy");
  s.push_back(f.expect_schema_opt);
  // Hidden: switches the RSS sampler and server CPU accounting off, to measure their cost.
  s.push_back(app.add_flag("--no-observer", f.no_observer, "")->group(""));
}

// Fills in what the flags say and checks it all; throws UsageError.
void validate_run_options(RunOptions& run, const RunFlags& f) {
  run.schedule.strategies = f.all ? strategy_names() : validated_strategies(f.strategies);
  if (std::find(f.rows.begin(), f.rows.end(), "all") != f.rows.end()) {
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
  if (f.memory_budget_opt->count() > 0 && f.memory_budget.empty())
    throw UsageError("--memory-budget needs a value: give a size such as 64MiB, 512M or 2G, or auto");
  if (f.client_cpus_opt->count() > 0 && f.client_cpus.empty())
    throw UsageError("--client-cpus needs a value: give CPU numbers and ranges, e.g. 0 or 0,1 or 0-1");
  if (f.client_memory_opt->count() > 0 && f.client_memory.empty())
    throw UsageError("--client-memory needs a value: give a size such as 512MiB or 2G");
  if (f.hang_timeout_opt->count() > 0 && f.hang_timeout.empty())
    throw UsageError("--hang-timeout needs a value: give a duration such as 30s or 500ms");
  if (!f.memory_budget.empty()) {
    if (f.memory_budget == "auto") {
      run.read.memory_budget_auto = true;
    } else {
      bool ok = false;
      run.read.memory_budget_bytes = parse_size(f.memory_budget, ok);
      if (!ok)
        throw UsageError(
            fmt::format("--memory-budget '{}': give a size such as 64MiB, 512M or 2G, or auto", f.memory_budget));
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
    bool ok = false;
    run.client.memory_bytes = parse_size(f.client_memory, ok);
    if (!ok || run.client.memory_bytes == 0)
      throw UsageError(fmt::format("--client-memory '{}': give a size such as 512MiB or 2G", f.client_memory));
  }
  if (run.target.profiles.size() > 1 && f.checkpoint_opt->count() > 0)
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
          "pooled_sync, async_stream, multiprocessing or parallel_copy");
    run.schedule.strategies = with_controls;
  }
  if (f.snapshot_opt->count() > 0) {
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
    const std::string& t = f.hang_timeout;
    const bool ms = t.size() > 2 && t.ends_with("ms");
    const std::string digits = ms ? t.substr(0, t.size() - 2) : (t.ends_with("s") ? t.substr(0, t.size() - 1) : t);
    double value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || !(value > 0) || value > 1e7)
      throw UsageError(fmt::format("--hang-timeout '{}': give a duration such as 30s or 500ms", t));
    run.read.hang_timeout_ms = static_cast<int>(std::max(1.0, ms ? value : value * 1000));
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
  if (f.checkpoint_opt->count() > 0) {
    if (f.checkpoint.empty()) throw UsageError("--checkpoint: give a file name");
    const auto& names = run.schedule.strategies;
    const bool parallel = names.size() == 1 && make_strategy(names.front())->part_list() != PartList::none;
    if (!parallel)
      throw UsageError(
          "--checkpoint resumes one parallel read: give exactly one of --strategy multiprocessing, pooled_sync, "
          "async_stream or parallel_copy");
    if (run.schedule.runs != 1 || run.schedule.warmup != 0)
      throw UsageError("--checkpoint resumes one read: give --runs 1 (and no --warmup)");
    if (run.read.row_counts.size() > 1)
      throw UsageError("--checkpoint resumes one read: give one --rows count (or all)");
    run.checkpoint_file = f.checkpoint;
  }
  if (f.key->count() > 0 && run.read.key.empty()) throw UsageError("--key: give the name of an integer key column");
  if (f.table->count() > 0 && run.read.table.empty())
    throw UsageError("--table: give a table name, e.g. --table public.orders");
  if (f.key->count() > 0 && run.read.table.empty())
    throw UsageError("--key applies to --table; the standard table's key is id");
  if (!run.read.table.empty() && !run.target.dsn)
    throw UsageError("--table needs --dsn: a throwaway cluster holds only the standard table");
  if (f.results_dir.empty()) throw UsageError("--results-dir: give a directory");
  run.read.format = f.format == "binary" ? WireFormat::binary : WireFormat::text;
  run.schedule.policy = f.policy == "strict" ? MismatchPolicy::strict : MismatchPolicy::tolerant;
  run.schedule.measure_observer = !f.no_observer;
  run.output.results_dir = f.results_dir;
  run.output.console = f.console == "markdown" ? ConsoleFormat::markdown
                       : f.console == "none"   ? ConsoleFormat::none
                                               : ConsoleFormat::table;
  run.output.markdown_file = f.markdown;
  run.output.progress = !f.no_progress;
  if (f.expect_schema_opt->count() > 0) {
    if (f.expect_schema.empty()) throw UsageError("--expect-schema: give a file written by benchclient schema");
    run.expect_schema_file = f.expect_schema;
    try {
      run.expected_schema = read_schema_file(f.expect_schema);
    } catch (const SchemaFileError& e) {
      throw UsageError(fmt::format("--expect-schema {}", e.what()));
    }
  }
}

// `benchclient schema`: checks its own input; throws UsageError.
SchemaOptions validated_schema_options(const TargetOptions& target, const std::string& table,
                                       const CLI::Option* table_opt, const std::string& output,
                                       const CLI::Option* output_opt) {
  if (table_opt->count() > 0 && table.empty())
    throw UsageError("schema --table: give a table name, e.g. public.orders");
  if (!table.empty() && !target.dsn)
    throw UsageError("schema --table needs --dsn: a throwaway cluster holds only the standard table");
  if (output_opt->count() > 0 && output.empty()) throw UsageError("schema --output: give a file name");
  return SchemaOptions{target, table, output};
}

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// `benchclient queue`'s flags as parsed, before validation.
struct QueueFlags {
  std::string dsn, concurrency = "1,2,4,8,16", profiles = "default", results_dir = "results";
  TargetFlags target;  // --pg-set, --server-cpus
  bool quiet = false;
  CLI::Option* dsn_opt = nullptr;
  CLI::Option* profile_opt = nullptr;
};

void add_queue_options(CLI::App* queue, QueueCommandOptions& o, QueueFlags& f) {
  f.dsn_opt = queue->add_option("--dsn", f.dsn, "a server of your own instead (no --crash-test)");
  f.profile_opt = queue
                      ->add_option("--profile", f.profiles,
                                   "profiles, each on a fresh throwaway cluster (e.g. default,async_commit)")
                      ->capture_default_str();
  queue->add_option("--concurrency", f.concurrency, "workers per sample, a list")->capture_default_str();
  add_integer_option(*queue, "--jobs", o.queue.jobs, {1, 100000000, "jobs", "2000"},
                     "jobs per sample and per enqueue method", "queue --jobs");
  add_integer_option(*queue, "--samples", o.queue.samples, {1, 1000, "samples", "3"},
                     "samples per (profile, concurrency)", "queue --samples");
  add_integer_option(*queue, "--dequeue-batch", o.queue.dequeue_batch, {1, 100000, "jobs per statement", "10"},
                     "jobs claimed per statement", "queue --dequeue-batch");
  add_integer_option(*queue, "--lease-ms", o.queue.lease_ms, {1, 86400000, "milliseconds", "30000"},
                     "a claimed job's lease: after it, a job whose worker died is claimed again", "queue --lease-ms");
  queue->add_flag("--crash-test", o.queue.crash_test,
                  "per profile, kill the server mid-run (SIGKILL, no shutdown) and count confirmed commits lost");
  add_integer_option(*queue, "--crashes", o.queue.crashes, {1, 1000, "crashes", "5"}, "crashes per profile",
                     "queue --crashes");
  queue->add_option("--pg-set", f.target.pg_set, "a server setting name=value on top of each profile (repeatable)");
  queue->add_option("--server-cpus", f.target.server_cpus, "pin each throwaway server to these CPUs");
  queue->add_option("--results-dir", f.results_dir, "where the queue artifact goes")->capture_default_str();
  queue->add_flag("--json", o.json, "print the artifact on stdout (the tables go to stderr)");
  queue->add_flag("--no-progress", f.quiet, "no progress lines on stderr");
}

// Fills in what the queue's flags say and checks it all; throws UsageError.
QueueCommandOptions validated_queue_options(QueueCommandOptions o, const QueueFlags& f,
                                            const cluster::ClusterOptions& cluster) {
  QueueOptions& q = o.queue;
  q.profiles = split_list(f.profiles);
  if (q.profiles.empty()) throw UsageError("queue --profile: give one or more profiles, e.g. default,async_commit");
  for (const auto& p : q.profiles) {
    try {
      (void)cluster::find_profile(p);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("queue --profile: {}", e.what()));
    }
  }
  q.concurrency.clear();
  for (const auto& c : split_list(f.concurrency)) {
    int n = 0;
    const auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), n);
    if (ec != std::errc() || end != c.data() + c.size() || n < 1 || n > 1000)
      throw UsageError(fmt::format("queue --concurrency '{}': give workers per sample, 1 to 1000, e.g. 1,2,4", c));
    q.concurrency.push_back(n);
  }
  if (q.concurrency.empty()) throw UsageError("queue --concurrency: give one or more worker counts, e.g. 1,2,4");
  // --jobs, --samples, --dequeue-batch, --lease-ms and --crashes: checked as parsed (add_integer_option).
  if (f.dsn_opt->count() > 0) {
    if (q.crash_test)
      throw UsageError("queue --crash-test kills the server: it runs on throwaway clusters only, never on --dsn");
    if (f.profile_opt->count() > 0)
      throw UsageError("queue --profile applies to throwaway clusters; with --dsn the server's own settings are used");
    o.target.dsn = f.dsn;
  }
  o.target.cluster = cluster;
  validate_target_options(o.target, f.target);  // --pg-set, --server-cpus
  if (f.results_dir.empty()) throw UsageError("queue --results-dir: give a directory");
  o.results_dir = f.results_dir;
  o.progress = !f.quiet;
  return o;
}

// "benchclient verify": the subcommand the command line is in (the deepest one
// recognised, also when parsing stopped at an error), for "see ... --help".
std::string command_path(CLI::App& app) {
  std::string path = "benchclient";
  for (CLI::App* at = &app;;) {
    const auto subs = at->get_subcommands();
    if (subs.empty()) return path;
    at = subs.front();
    path += " " + at->get_name();
  }
}

// What a subcommand needs when CLI11 finds a required option or argument missing,
// with an example (the rest of its message says only "X is required").
std::string required_hint(const std::string& path) {
  if (path == "benchclient verify")
    return "verify needs --dsn, the source server: e.g. benchclient verify --dsn 'host=old dbname=app' --target-dsn "
           "'host=new dbname=app' --table public.orders";
  if (path == "benchclient snapshot hold")
    return "snapshot hold needs --dsn, the server to hold a snapshot on: e.g. benchclient snapshot hold --dsn "
           "'host=db dbname=app' ('' for the PG* environment)";
  if (path == "benchclient snapshot") return "snapshot needs a subcommand: benchclient snapshot hold --dsn DSN";
  if (path == "benchclient compare") return "compare needs two artifacts: benchclient compare BASE.json NEW.json";
  if (path == "benchclient report")
    return "report needs one or more artifacts: e.g. benchclient report results/run-*.json";
  if (path == "benchclient with-cluster")
    return "with-cluster needs a command after --: e.g. benchclient with-cluster -- psql -c 'SELECT version()'";
  return {};
}

// CLI11's message for a bad command line, as one line that names the option and what
// to do (its own wording says neither for a missing value, a missing subcommand or an
// unknown argument, and repeats the option's name before a check's message).
std::string parse_error_line(const CLI::ParseError& e, const std::string& path) {
  const std::string what = e.what();
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (std::string hint = required_hint(path); !hint.empty()) return hint;
    return what;
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const std::size_t colon = what.find(": ");
    std::string extras = colon == std::string::npos ? what : what.substr(colon + 2);
    // CLI11 lists them last first: back in the order they were given, without the
    // separator before a command (not the problem).
    std::vector<std::string> tokens;
    for (std::size_t start = 0; start <= extras.size();) {
      const std::size_t space = extras.find(' ', start);
      const std::string token = extras.substr(start, space == std::string::npos ? std::string::npos : space - start);
      if (!token.empty() && token != "--") tokens.insert(tokens.begin(), token);
      if (space == std::string::npos) break;
      start = space + 1;
    }
    extras = fmt::format("{}", fmt::join(tokens, " "));
    return fmt::format("{} does not take {}: not one of its options or arguments", path, extras);
  }
  if (dynamic_cast<const CLI::ExcludesError*>(&e) != nullptr) {
    const std::size_t at = what.find(" excludes ");
    if (at != std::string::npos)
      return fmt::format("{} and {} exclude each other: give one of them", what.substr(0, at), what.substr(at + 10));
    return what;
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    // "--rows: 1 required TEXT missing"
    const std::size_t colon = what.find(": ");
    if (colon != std::string::npos && what.find(" required ", colon) != std::string::npos && what.ends_with(" missing"))
      return fmt::format("{} needs a value", what.substr(0, colon));
    return what;
  }
  if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr) {
    // "--batch-rows: --batch-rows 0: out of range; ...": the check's own line names the option.
    const std::size_t colon = what.find(": ");
    if (colon != std::string::npos) {
      const std::string name = what.substr(0, colon), rest = what.substr(colon + 2);
      if (rest.find(name) != std::string::npos) return rest;
    }
    return what;
  }
  return what;
}

}  // namespace

int run_app(int argc, char** argv) {
  CLI::App app{"benchclient: measures PostgreSQL bulk-read client architectures on the same rows", "benchclient"};
  app.set_version_flag("-V,--version", fmt::format("benchclient {}", BENCHLAB_VERSION));
  app.require_subcommand(0, 1);
  app.footer(kExitStatusHelp);

  // What benchclient writes of its command line: never a password (model/secrets.hpp).
  const std::vector<std::string> args(argv, argv + argc);
  RunOptions run;
  run.command = recorded_command(argc, argv);
  std::string dsn;
  CLI::Option* dsn_opt = nullptr;
  TargetFlags target_flags;
  add_target_options(app, run.target, target_flags, dsn, dsn_opt);

  auto* with_cluster = app.add_subcommand(
      "with-cluster",
      "run a command against a throwaway cluster (PGHOST/PGPORT/PGUSER/PGDATABASE set), then remove it");
  std::vector<std::string> command;
  with_cluster->footer(kWithClusterExitStatusHelp);
  with_cluster->add_option("command", command, "the command and its arguments, after --")->required();
  with_cluster->add_option("--profile", target_flags.profiles, "settings profile (see benchclient --help)")
      ->delimiter(',');
  with_cluster->add_option("--pg-set", target_flags.pg_set, "a server setting name=value (repeatable)");
  with_cluster->add_option("--server-cpus", target_flags.server_cpus, "pin the server to these CPUs");

  auto* report = app.add_subcommand(
      "report",
      "a report made from artifacts alone (no server): Markdown, a self-contained HTML page with charts, CSV or a "
      "JSON summary; reads, queue, faults and verify files each in a section of their own");
  report->footer(kReportExitStatusHelp);
  ReportOptions report_options;
  report->add_option("FILE", report_options.files, "artifacts (and pg_test_fsync .txt output) to report on, in order")
      ->required();
  report->add_option("--format", report_options.format, "md, html, csv or json")->capture_default_str();
  report->add_option("-o,--output", report_options.output, "write the report to this file (default: stdout)");
  report->add_option("--charts-dir", report_options.charts_dir,
                     "write every chart there as an SVG file (the Markdown report links them)");
  report->add_option("--chart-links", report_options.chart_links,
                     "md: link the charts as DIR/<chart>.svg (default: --charts-dir, relative to the output)");
  report->add_flag("--summary", report_options.summary,
                   "md: only the verdict, the key charts and the tables across artifacts (the README's section)");

  auto* verify = app.add_subcommand(
      "verify",
      "reconcile a table across two servers (or two tables on one): report every row missing in, extra in or "
      "changed in the target; exit 0 equal, 1 different, 2 error");
  verify->footer(kVerifyExitStatusHelp);
  VerifyCommandOptions verify_options;
  verify_options.command = run.command;
  std::string verify_target_dsn;
  verify->add_option("--dsn", verify_options.source_dsn, "the source server (libpq conninfo or URI)")->required();
  auto* verify_target =
      verify->add_option("--target-dsn", verify_target_dsn, "the target server (default: the source server)");
  verify->add_option("--table", verify_options.verify.table, "the table (schema.table; default: the standard table)");
  verify->add_option("--target-table", verify_options.verify.target_table,
                     "the target's table, if it has another name (default: --table)");
  verify->add_option("--key", verify_options.verify.key,
                     "the integer key to compare rows by (default: the integer primary key)");
  add_integer_option(*verify, "--segments", verify_options.verify.segments, {1, 1 << 20, "segments", "64"},
                     "the first cut of the key range", "verify --segments");
  add_integer_option(*verify, "--fetch-rows", verify_options.verify.fetch_rows, {1, 100000000, "rows", "2000"},
                     "a differing segment of at most this many rows is fetched and compared key by key",
                     "verify --fetch-rows");
  add_integer_option(*verify, "--max-differences", verify_options.verify.max_differences,
                     {0, 1000000000, "rows (0: no limit)", "10000"},
                     "stop after this many differing rows (0: no limit)", "verify --max-differences");
  verify->add_flag("--json", verify_options.json, "print the result as JSON");
  verify->add_flag("--measure-baseline", verify_options.measure_baseline,
                   "also time hashing both tables once in parallel, and print the ratio");
  bool verify_quiet = false;
  verify->add_flag("--no-progress", verify_quiet, "no progress lines on stderr");
  auto* schema = app.add_subcommand(
      "schema",
      "write a table's schema as JSON (columns, types, nullability, key), the file --expect-schema compares a run's "
      "table with");
  schema->footer(kSchemaExitStatusHelp);
  std::string schema_table, schema_output;
  auto* schema_table_opt =
      schema->add_option("--table", schema_table, "the table (schema.table, needs --dsn; default: the standard table)");
  auto* schema_output_opt = schema->add_option("--output", schema_output, "write it to this file (default: stdout)");
  CLI::Option* schema_dsn_opt = nullptr;
  add_target_options(*schema, run.target, target_flags, dsn,
                     schema_dsn_opt);  // the same server options, after `schema` too

  auto* snapshot = app.add_subcommand("snapshot", "snapshots that several runs share");
  auto* hold = snapshot->add_subcommand(
      "hold", "export a snapshot and keep its transaction open until Ctrl-C or SIGTERM; prints its id for --snapshot");
  snapshot->footer(kSnapshotExitStatusHelp);
  hold->footer(kSnapshotExitStatusHelp);
  std::string hold_dsn;
  hold->add_option("--dsn", hold_dsn, "the server (libpq conninfo or URI; '' uses the PG* environment)")->required();
  snapshot->require_subcommand(1);

  auto* compare = app.add_subcommand(
      "compare",
      "did NEW get slower than BASE? per strategy and size, the ratio of median rows/s with a bootstrap interval and "
      "a verdict, on the sizes both have; exit 0 no regression, 1 a regression beyond --threshold, 2 error, "
      "different datasets, no size in common, or not like for like (another machine, CPU count or PostgreSQL major "
      "version)");
  compare->footer(kCompareExitStatusHelp);
  CompareOptions compare_options;
  std::string compare_threshold = "5%";
  compare->add_option("BASE.json", compare_options.base, "the artifact to compare against")->required();
  compare->add_option("NEW.json", compare_options.fresh, "the artifact to judge")->required();
  compare->add_option("--threshold", compare_threshold, "a slowdown beyond this is a regression (e.g. 5% or 0.05)")
      ->capture_default_str();
  compare->add_flag(
      "--force", compare_options.force,
      "compare artifacts of different datasets, or not measured like for like, anyway (said in the output)");
  compare->add_flag("--json", compare_options.json, "the comparison as JSON");

  auto* queue_cmd = app.add_subcommand(
      "queue",
      "the job-queue workload on a fresh throwaway cluster per profile: enqueue measured seven ways, dequeue "
      "samples per concurrency (exactly once checked), and --crash-test");
  queue_cmd->footer(kQueueExitStatusHelp);
  QueueCommandOptions queue_options;
  queue_options.command = run.command;
  QueueFlags queue_flags;
  add_queue_options(queue_cmd, queue_options, queue_flags);

  auto* plan = app.add_subcommand(
      "plan",
      "print what a run with the same options would do — the memory budget's arithmetic, the workers and batch size "
      "it picks, each size's split — without reading rows");
  plan->footer(kPlanExitStatusHelp);
  plan->fallthrough();  // the run's own options, before or after `plan`

  RunFlags flags;
  add_run_options(app, run, flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    const std::string path = command_path(app);
    std::cerr << "benchclient: error: " << scrub_arguments(parse_error_line(e, path), args) << "; see " << path
              << " --help\n";
    return kExitUsage;
  }
  // Where a usage error points for more: the subcommand's own --help.
  const std::string path = command_path(app);
  if (*dsn_opt || *schema_dsn_opt) run.target.dsn = dsn;
  if (!*report && !*verify && !*hold) {
    try {
      validate_target_options(run.target, target_flags);
      if (*with_cluster && run.target.profiles.size() > 1)
        throw UsageError("with-cluster starts one cluster: give one --profile");
    } catch (const UsageError& e) {
      std::cerr << "benchclient: error: " << scrub_arguments(e.what(), args) << "; see " << path << " --help\n";
      return kExitUsage;
    }
  }
  if (*with_cluster) {
    // The command as the shell gave it: CLI11 reads "[a,b]" as a list, and a test
    // filter such as "[db]" must reach the command unchanged.
    for (int i = 1; i < argc; ++i) {
      if (std::string_view(argv[i]) == "--") {
        command.assign(argv + i + 1, argv + argc);
        break;
      }
    }
    return run_with_cluster(run.target.cluster, command);
  }
  if (*report) return run_report_command(report_options);
  if (*verify) {
    if (*verify_target) verify_options.target_dsn = verify_target_dsn;
    verify_options.progress = !verify_quiet;
    return run_verify_command(verify_options);
  }
  if (*hold) return run_snapshot_hold(hold_dsn);
  if (*compare) {
    const bool percent = compare_threshold.ends_with('%');
    const std::string digits = percent ? compare_threshold.substr(0, compare_threshold.size() - 1) : compare_threshold;
    double value = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value < 0) {
      std::cerr << "benchclient: error: compare --threshold '" << compare_threshold
                << "': give a fraction such as 5% or 0.05; see benchclient compare --help\n";
      return kExitUsage;
    }
    compare_options.threshold = percent || value >= 1 ? value / 100 : value;
    return run_compare_command(compare_options);
  }
  if (*queue_cmd) {
    try {
      queue_options = validated_queue_options(queue_options, queue_flags, run.target.cluster);
    } catch (const UsageError& e) {
      std::cerr << "benchclient: error: " << scrub_arguments(e.what(), args) << "; see benchclient queue --help\n";
      return kExitUsage;
    }
    return run_queue_command(queue_options);
  }
  if (*plan) {
    try {
      validate_run_options(run, flags);
    } catch (const UsageError& e) {
      std::cerr << "benchclient: error: " << scrub_arguments(e.what(), args) << "; see benchclient --help\n";
      return kExitUsage;
    }
    return run_plan_command(run);
  }
  if (*schema) {
    try {
      for (const auto* o : flags.shaping)
        if (o->count() > 0)
          throw UsageError(fmt::format("{} is an option of a benchmark run, not of schema", o->get_name()));
      if (flags.all || !flags.strategies.empty()) throw UsageError("schema runs no strategy: drop --all / --strategy");
      const SchemaOptions options =
          validated_schema_options(run.target, schema_table, schema_table_opt, schema_output, schema_output_opt);
      return run_schema_command(options);
    } catch (const UsageError& e) {
      std::cerr << "benchclient: error: " << scrub_arguments(e.what(), args) << "; see benchclient schema --help\n";
      return kExitUsage;
    }
  }

  if (!flags.all && flags.strategies.empty()) {
    for (const auto* o : flags.shaping) {
      if (o->count() > 0) {
        std::cerr << "benchclient: error: " << o->get_name() << " needs --all or --strategy NAME to select work; see "
                  << "benchclient --help\n";
        return kExitUsage;
      }
    }
    return print_server_info(run.target);
  }
  try {
    validate_run_options(run, flags);
    // benchclient's own resources, before anything starts (threads and children inherit them).
    // The server is started by benchclient, so it would inherit --client-cpus: without
    // --server-cpus it keeps the CPUs benchclient had before it was pinned.
    run.client.server_cpus_given = !run.target.cluster.server_cpus.empty();
    if (!run.client.cpus.empty() && !run.client.server_cpus_given && !run.target.dsn)
      run.target.cluster.server_cpus = allowed_cpus();
    if (!run.client.cpus.empty() && !pin_this_process(run.client.cpus))
      throw UsageError(
          fmt::format("--client-cpus {}: cannot pin benchclient to them: {}", flags.client_cpus, std::strerror(errno)));
    if (run.client.memory_bytes != 0) {
      try {
        run.client.memory_mechanism = cap_client_memory(run.client.memory_bytes);
      } catch (const std::runtime_error& e) {
        throw UsageError(error_message(e));
      }
    }
  } catch (const UsageError& e) {
    std::cerr << "benchclient: error: " << scrub_arguments(e.what(), args) << "; see benchclient --help\n";
    return kExitUsage;
  }
  return run_benchmark_command(run);
}

}  // namespace benchlab::cli
