#include "cli/app.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <stdexcept>

#include "cli/run_command.hpp"
#include "cli/run_options.hpp"
#include "cli/server_target.hpp"
#include "cli/with_cluster.hpp"
#include "pg/connection.hpp"
#include "results/markdown_report.hpp"

namespace benchlab::cli {

namespace {

std::string profile_help() {
  std::string out = "settings profile of the throwaway cluster:";
  for (const auto& p : cluster::profiles()) out += fmt::format("\n  {:<13} {}", p.name, p.description);
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
  fmt::print("client:    benchclient {}, libpq {}\n", BENCHLAB_VERSION, PQlibVersion());
  return 0;
}

// `benchclient report FILE.json ...`: Markdown on stdout, from the artifacts alone.
int print_report(const std::vector<std::string>& files) {
  std::string markdown;
  try {
    markdown = results::markdown_report(std::vector<std::filesystem::path>(files.begin(), files.end()));
  } catch (const results::ReportInputError& e) {
    std::cerr << "benchclient: error: " << e.what() << "\n";
    return 2;
  }
  if (std::fwrite(markdown.data(), 1, markdown.size(), stdout) != markdown.size() || std::fflush(stdout) != 0) {
    std::cerr << "benchclient: error: report: cannot write to stdout\n";
    return 1;
  }
  return 0;
}

// Bad input found after parsing: one line, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint64_t parse_row_count(const std::string& text) {
  std::string digits;
  for (char c : text)
    if (c != '_') digits.push_back(c);  // 1_000_000 reads as it is written
  std::uint64_t value = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc() || ptr != end) {
    throw UsageError(
        fmt::format("--rows: '{}' is not a row count; give positive integers, e.g. --rows 100000,500000", text));
  }
  if (value == 0) throw UsageError("--rows: 0 rows is nothing to measure; give counts > 0, e.g. --rows 100000");
  return value;
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

}  // namespace

int run_app(int argc, char** argv) {
  CLI::App app{"benchclient: measures PostgreSQL bulk-read client architectures on the same rows", "benchclient"};
  app.set_version_flag("-V,--version", fmt::format("benchclient {}", BENCHLAB_VERSION));
  app.require_subcommand(0, 1);

  TargetOptions target;
  std::string dsn;
  auto* dsn_opt = app.add_option("--dsn", dsn,
                                 "libpq connection string or URI of the server to measure; '' uses the PG* "
                                 "environment. Without --dsn a throwaway cluster is started");
  app.add_option("--profile", target.cluster.profile, profile_help())
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (const auto& p : cluster::profiles()) names.push_back(p.name);
        return names;
      }()))
      ->capture_default_str();
  app.add_option("--pg-bindir", target.cluster.pg_bindir, "PostgreSQL server binaries for the throwaway cluster")
      ->default_str(BENCHLAB_PG_BINDIR);
  app.add_option("--cluster-user", target.cluster.run_as_user,
                 "OS user that runs the throwaway server when benchclient runs as root")
      ->envname("BENCHLAB_CLUSTER_USER")
      ->default_str("postgres");

  auto* with_cluster = app.add_subcommand(
      "with-cluster",
      "run a command against a throwaway cluster (PGHOST/PGPORT/PGUSER/PGDATABASE set), then remove it");
  std::vector<std::string> command;
  with_cluster->add_option("command", command, "the command and its arguments, after --")->required();
  with_cluster->add_option("--profile", target.cluster.profile, "settings profile (see benchclient --help)")
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (const auto& p : cluster::profiles()) names.push_back(p.name);
        return names;
      }()));

  auto* report = app.add_subcommand(
      "report", "print a Markdown report made from benchmark artifacts (results/run-*.json) on stdout; no server");
  std::vector<std::string> report_files;
  report->add_option("FILE.json", report_files, "artifacts to report on, in this order")->required();

  // The benchmark itself: --all or --strategy selects work; the rest shapes it.
  RunOptions run;
  bool all = false;
  std::vector<std::string> strategy_list;
  std::vector<std::string> rows_list;
  std::string format_name = "text";
  std::string policy_name = "tolerant";
  std::string results_dir = "results";
  bool no_progress = false;
  bool no_observer = false;
  auto* all_opt = app.add_flag("--all", all, "run every strategy");
  auto* strategy_opt = app.add_option("--strategy", strategy_list,
                                      "strategies to run, comma-separated (naive, cursor_pagination, pooled_sync, "
                                      "async_stream, multiprocessing)")
                           ->delimiter(',');
  all_opt->excludes(strategy_opt);
  std::vector<CLI::Option*> run_opts;
  run_opts.push_back(
      app.add_option("--rows", rows_list, "row counts to read, comma-separated (default 100000)")->delimiter(','));
  run_opts.push_back(
      app.add_option("--runs", run.runs, "measured runs per strategy and size (>= 1)")->capture_default_str());
  run_opts.push_back(
      app.add_option("--warmup", run.warmup, "unmeasured runs before the measured ones")->capture_default_str());
  run_opts.push_back(app.add_option("--format", format_name, "wire format of the values: text or binary")
                         ->check(CLI::IsMember({"text", "binary"}))
                         ->capture_default_str());
  run_opts.push_back(
      app.add_option("--workers", run.workers, "connections/threads/processes of the parallel strategies (>= 1)")
          ->capture_default_str());
  run_opts.push_back(
      app.add_option("--batch-rows", run.batch_rows, "rows per FETCH / batch (>= 1)")->capture_default_str());
  run_opts.push_back(app.add_option("--statement-timeout-ms", run.statement_timeout_ms,
                                    "statement_timeout of every measured session (0: none)")
                         ->capture_default_str());
  run_opts.push_back(app.add_option("--policy", policy_name,
                                    "on a row count or checksum mismatch: strict (fail) or tolerant (flag and go on)")
                         ->check(CLI::IsMember({"strict", "tolerant"}))
                         ->capture_default_str());
  auto* table_opt =
      app.add_option("--table", run.table, "your table to read (schema.table) instead of the seeded standard table");
  run_opts.push_back(table_opt);
  auto* key_opt = app.add_option("--key", run.key, "integer key column of --table")->capture_default_str();
  run_opts.push_back(key_opt);
  run_opts.push_back(app.add_option("--results-dir", results_dir, "where the JSON artifact goes (created if missing)")
                         ->capture_default_str());
  run_opts.push_back(
      app.add_flag("--json", run.json_to_stdout, "print the artifact on stdout (the table goes to stderr)"));
  run_opts.push_back(app.add_flag("--no-progress", no_progress, "no progress output on stderr"));
  // Hidden: switches the RSS sampler and server CPU accounting off, to measure their cost.
  run_opts.push_back(app.add_flag("--no-observer", no_observer, "")->group(""));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "benchclient: error: " << e.what() << "; see benchclient --help\n";
    return 2;
  }
  if (*dsn_opt) target.dsn = dsn;

  if (*with_cluster) return run_with_cluster(target.cluster, command);
  if (*report) return print_report(report_files);

  const bool work = all || !strategy_list.empty();
  if (!work) {
    for (const auto* o : run_opts) {
      if (o->count() > 0) {
        std::cerr << "benchclient: error: " << o->get_name() << " needs --all or --strategy NAME to select work; see "
                  << "benchclient --help\n";
        return 2;
      }
    }
    return print_server_info(target);
  }
  try {
    run.target = target;
    run.strategies = all ? strategy_names() : validated_strategies(strategy_list);
    if (rows_list.empty()) rows_list.push_back("100000");
    for (const auto& r : rows_list) run.row_counts.push_back(parse_row_count(r));
    if (run.runs < 1) throw UsageError(fmt::format("--runs {}: at least 1 run is needed", run.runs));
    if (run.warmup < 0) throw UsageError(fmt::format("--warmup {}: give 0 or more warmup runs", run.warmup));
    if (run.workers < 1) throw UsageError(fmt::format("--workers {}: at least 1 worker is needed", run.workers));
    if (run.batch_rows < 1)
      throw UsageError(fmt::format("--batch-rows {}: give at least 1 row per batch", run.batch_rows));
    if (run.statement_timeout_ms < 0)
      throw UsageError(
          fmt::format("--statement-timeout-ms {}: give 0 (none) or a positive timeout", run.statement_timeout_ms));
    if (run.key.empty()) throw UsageError("--key: give the name of an integer key column");
    if (table_opt->count() > 0 && run.table.empty())
      throw UsageError("--table: give a table name, e.g. --table public.orders");
    if (key_opt->count() > 0 && run.table.empty()) {
      throw UsageError("--key applies to --table; the standard table's key is id");
    }
    if (!run.table.empty() && !target.dsn) {
      throw UsageError("--table needs --dsn: a throwaway cluster holds only the standard table");
    }
    if (results_dir.empty()) throw UsageError("--results-dir: give a directory");
    run.format = format_name == "binary" ? WireFormat::binary : WireFormat::text;
    run.policy = policy_name == "strict" ? MismatchPolicy::strict : MismatchPolicy::tolerant;
    run.results_dir = results_dir;
    run.progress = !no_progress;
    run.measure_observer = !no_observer;
  } catch (const UsageError& e) {
    std::cerr << "benchclient: error: " << e.what() << "; see benchclient --help\n";
    return 2;
  }
  return run_benchmark_command(run);
}

}  // namespace benchlab::cli
