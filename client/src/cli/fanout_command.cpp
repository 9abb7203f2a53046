#include "cli/fanout_command.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/diagnostics.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_builders.hpp"
#include "cli/usage_error.hpp"
#include "cli/value_parsers.hpp"
#include "fanout/coordinator.hpp"
#include "fanout/worker.hpp"
#include "measure/host_facts.hpp"
#include "model/command_line.hpp"
#include "model/secrets.hpp"
#include "store/artifact_file.hpp"
#include "store/fanout_artifact.hpp"

namespace benchlab::cli {

namespace {

// The command a worker runs, as the coordinator prints it: the DSN with any password
// masked (give it to the workers by PGPASSWORD or ~/.pgpass instead).
std::string worker_command(const std::string& dsn, const std::string& job) {
  return shell_command({"benchclient", "worker", "--dsn", redact_dsn(dsn), "--job", job}) + " [--workers N]";
}

void print_shares(std::FILE* out, const FanoutFigures& f) {
  fmt::print(out, "\n{:<28} {:<20} {:>5} {:>6} {:>12} {:>9} {:>12}\n", "worker", "host", "conns", "parts", "rows",
             "span s", "rows/s");
  for (const auto& w : f.workers)
    fmt::print(out, "{:<28} {:<20} {:>5} {:>6} {:>12} {:>9.3f} {:>12.0f}\n", w.name, w.host, w.connections, w.parts,
               w.rows, w.span_s, w.rows_per_sec);
  fmt::print(out, "\n{:<28} {:>5} {:>6} {:>12} {:>9} {:>12}\n", "host", "conns", "parts", "rows", "span s", "rows/s");
  for (const auto& h : f.hosts)
    fmt::print(out, "{:<28} {:>5} {:>6} {:>12} {:>9.3f} {:>12.0f}\n", h.name, h.connections, h.parts, h.rows, h.span_s,
               h.rows_per_sec);
}

std::string yes_no(const std::optional<bool>& b) { return !b ? "unknown" : *b ? "yes" : "NO"; }

}  // namespace

FanoutCommand::FanoutCommand(CLI::App& app, std::string command)
    : fanout_(app.add_subcommand("fanout", "a read fanned out over workers on many hosts, in one snapshot")),
      start_(fanout_->add_subcommand(
          "start",
          "the coordinator: hold one snapshot, write the parts into the manifest (schema benchlab of the source), "
          "wait while `benchclient worker` processes on any host read them, then check their sum against the "
          "server's in that snapshot")),
      drop_(fanout_->add_subcommand("drop", "remove a job's manifest rows")),
      command_(std::move(command)) {
  fanout_->require_subcommand(1);
  fanout_->footer(kFanoutExitStatusHelp);
  start_->footer(kFanoutExitStatusHelp);
  CLI::App& s = *start_;
  s.add_option("--dsn", dsn_, "the source server (libpq conninfo or URI; '' uses the PG* environment)")->required();
  s.add_option("--table", table_, "the table to read (schema-qualified or on the search_path)")->required();
  s.add_option("--job", fanout_options_.job,
               "the job's name, which workers are given (1 to 63 of A-Z a-z 0-9 . _ -, a letter or digit first)")
      ->required();
  s.add_option("--rows", rows_, "all (the whole table) or N: the first N rows in key order")->capture_default_str();
  s.add_option("--key", read_.key, "the integer key column (default: the integer primary key)");
  s.add_option("--split", split_, "key, ctid (page ranges, PostgreSQL 14+, --rows all) or auto")
      ->check(one_of("--split", {"auto", "key", "ctid"}))
      ->capture_default_str();
  s.add_option("--format", format_, "wire format of the values: text or binary")
      ->check(one_of("--format", {"text", "binary"}))
      ->capture_default_str();
  s.add_option("--digest", digest_, "xxh3, or sha256 (also the rows' SHA-256 sum, docs/digest.md)")
      ->check(one_of("--digest", {"xxh3", "sha256"}))
      ->capture_default_str();
  add_integer_option(s, "--parts", fanout_options_.parts, {1, 100000, "parts", "16"},
                     "parts the read is cut into, balanced by rows (the unit a worker claims)", "fanout start --parts");
  s.add_option("--lease", lease_,
               "how long a claimed part stays a silent worker's (renewed every third of it while the worker reads); "
               "then it is re-offered: e.g. 30s or 500ms")
      ->capture_default_str();
  s.add_flag("--no-shared-snapshot", no_shared_snapshot_,
             "the deliberately broken control: each part read in a snapshot of its own, as Spark's partitioned JDBC "
             "reads do (writes during the read then make the sum drift)");
  s.add_option("--results-dir", results_dir_, "where the fanout artifact goes")->capture_default_str();
  s.add_flag("--json", json_, "print the artifact on stdout too");
  s.add_flag("--no-progress", quiet_, "no progress lines on stderr");

  CLI::App& d = *drop_;
  d.add_option("--dsn", drop_dsn_, "the source server (libpq conninfo or URI; '' uses the PG* environment)")
      ->required();
  d.add_option("--job", drop_job_, "the job to remove")->required();
}

void FanoutCommand::validate() {
  if (drop_->parsed()) {
    if (!valid_fanout_job_name(drop_job_))
      throw UsageError(fmt::format(
          "fanout drop --job '{}': a job name is 1 to 63 of A-Z a-z 0-9 . _ -, a letter or digit first", drop_job_));
    return;
  }
  if (!valid_fanout_job_name(fanout_options_.job))
    throw UsageError(
        fmt::format("fanout start --job '{}': give 1 to 63 of A-Z a-z 0-9 . _ -, a letter or digit first (e.g. "
                    "orders-2026-12-06)",
                    fanout_options_.job));
  if (table_.empty()) throw UsageError("fanout start --table: give the table to read, e.g. public.orders");
  read_.table = table_;
  if (rows_ == "all") {
    read_.all_rows = true;
  } else {
    try {
      read_.row_counts = parse_row_counts({rows_});
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("fanout start {}", e.what()));
    }
    if (read_.row_counts.size() != 1)
      throw UsageError(fmt::format("fanout start --rows {}: a job reads one size: give all or one count", rows_));
  }
  read_.split = split_ == "key" ? SplitChoice::key : split_ == "ctid" ? SplitChoice::ctid : SplitChoice::automatic;
  if (read_.split == SplitChoice::ctid && !read_.all_rows)
    throw UsageError("fanout start --split ctid reads the whole table: give --rows all (or --split key)");
  if (read_.split == SplitChoice::ctid && !read_.key.empty())
    throw UsageError("fanout start --key names the key of a key split: drop it, or use --split key");
  read_.format = format_ == "binary" ? WireFormat::binary : WireFormat::text;
  read_.digest = digest_ == "sha256" ? DigestAlgorithm::sha256 : DigestAlgorithm::xxh3;
  const auto lease = parse_duration_ms(lease_);
  // At least a second: a worker renews at a third of it, between the blocking steps
  // of its loop (a claim, a snapshot's import, a reconnect).
  if (!lease || *lease < 1000)
    throw UsageError(fmt::format("fanout start --lease '{}': give a duration of 1s or more, e.g. 30s", lease_));
  fanout_options_.lease_ms = *lease;
  fanout_options_.shared_snapshot = !no_shared_snapshot_;
  // Checked now, created only when the artifact is written (bad input leaves nothing).
  std::error_code ec;
  const std::filesystem::path dir(results_dir_);
  const std::filesystem::path existing = std::filesystem::exists(dir, ec) ? dir
                                         : dir.parent_path().empty()      ? "."
                                                                          : dir.parent_path();
  if (!std::filesystem::is_directory(existing, ec) || ::access(existing.c_str(), W_OK | X_OK) != 0)
    throw UsageError(
        fmt::format("fanout start --results-dir {}: {} is not a directory this user can write to; give "
                    "another --results-dir",
                    results_dir_, existing.string()));
}

int FanoutCommand::run() { return drop_->parsed() ? drop() : start(); }

int FanoutCommand::drop() {
  try {
    if (!fanout::drop_fanout_job(drop_dsn_, drop_job_))
      return print_error(fmt::format("fanout drop: no fan-out job '{}' in this database: nothing removed", drop_job_),
                         kExitUsage);
  } catch (const fanout::JobRefused& e) {
    return print_error(e.what(), kExitUsage);
  }
  print_note(fmt::format("fan-out job '{}' removed with its parts", drop_job_));
  return kExitOk;
}

int FanoutCommand::start() {
  const std::string started_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
  fanout::CoordinatorOptions o;
  o.conninfo = dsn_;
  o.read = read_;
  o.fanout = fanout_options_;
  if (!quiet_) o.progress = [](const std::string& line) { print_note(line); };
  const std::string job = fanout_options_.job;
  o.started = [&](const FanoutFigures& f) {
    // The job and the command its workers run, on stdout (a script reads them; with
    // --json on stderr, so that stdout holds the artifact alone).
    std::FILE* to = json_ ? stderr : stdout;
    fmt::print(to, "fanout job {}: {} parts of {} ({} split, {}), snapshot {}{}\n", job, f.parts.size(), f.table,
               f.split, to_string(f.format), f.snapshot,
               f.shared_snapshot ? "" : " (not shared: --no-shared-snapshot)");
    fmt::print(to, "on each worker host: {}\n", worker_command(dsn_, job));
    std::fflush(to);
  };
  FanoutFigures figures;
  try {
    figures = fanout::run_coordinator(o);
  } catch (const fanout::JobRefused& e) {
    return print_error(e.what(), kExitUsage);
  }
  FanoutArtifact artifact;
  artifact.context = FileContext{started_at, command_, read_host_facts(), build_facts(), figures.server_version};
  artifact.parts_asked = fanout_options_.parts;
  artifact.figures = figures;
  (void)ensure_writable_dir(results_dir_);
  const auto path = write_fanout_artifact(artifact, results_dir_);
  std::FILE* out = json_ ? stderr : stdout;
  fmt::print(out,
             "fanout {}: {} rows from {} parts in {:.3f} s ({:.0f} rows/s), {} re-offer{}; rows match: {}, "
             "checksum matches: {}{}\n",
             figures.job, figures.rows, figures.parts.size(), figures.read_wall_s, figures.rows_per_sec,
             figures.reoffers, figures.reoffers == 1 ? "" : "s", yes_no(figures.rows_match),
             yes_no(figures.checksum_match),
             figures.digest_match ? fmt::format(", digest matches: {}", yes_no(figures.digest_match)) : "");
  print_shares(out, figures);
  fmt::print(out, "\nartifact: {}\n", path.string());
  if (json_) std::cout << fanout_artifact_json(artifact).dump(2) << "\n";
  for (const auto& n : figures.notes) print_note("fanout: " + n);
  if (!figures.expected_rows || !figures.expected_checksum) {
    print_error(fmt::format("fanout {}: the server's rows and checksum in the job's snapshot could not be taken (see "
                            "the notes): the read is unverified",
                            figures.job),
                kExitError);
    return kExitError;
  }
  if (figures.mismatch()) {
    print_error(fmt::format("fanout {}: the parts' sum differs from the server's in the job's snapshot ({} rows "
                            "read, the server has {})",
                            figures.job, figures.rows,
                            figures.expected_rows ? std::to_string(*figures.expected_rows) : "unknown"),
                kExitStrategyFailed);
    return kExitStrategyFailed;
  }
  return kExitOk;
}

WorkerCommand::WorkerCommand(CLI::App& app)
    : worker_(app.add_subcommand("worker",
                                 "one worker of a fan-out job, on any host: claims parts from the job's manifest, "
                                 "reads them in the job's snapshot, confirms them; ends when no part is left")) {
  CLI::App& w = *worker_;
  w.footer(kWorkerExitStatusHelp);
  w.add_option("--dsn", dsn_,
               "the job's source server (libpq conninfo or URI; '' uses the PG* environment; or BENCHLAB_DSN)")
      ->envname("BENCHLAB_DSN")
      ->required();
  w.add_option("--job", job_, "the job to work on (or BENCHLAB_JOB)")->envname("BENCHLAB_JOB")->required();
  add_integer_option(w, "--workers", connections_, {1, 1000, "connections", "2"},
                     "connections this worker reads with, each a part at a time", "worker --workers");
  w.add_option("--name", name_, "this worker's name in the manifest and the artifact (default: host:pid)");
  w.add_option("--if-finished", if_finished_,
               "a job that has finished when the worker starts: error (exit 2) or ok (exit 0, nothing read: a "
               "launcher's late worker)")
      ->check(one_of("--if-finished", {"error", "ok"}))
      ->capture_default_str();
  w.add_flag("--no-progress", quiet_, "no progress lines on stderr");
}

void WorkerCommand::validate() {
  if (!valid_fanout_job_name(job_))
    throw UsageError(fmt::format(
        "worker --job '{}': a job name is 1 to 63 of A-Z a-z 0-9 . _ -, a letter or digit first (as fanout start "
        "printed it)",
        job_));
  if (name_.size() > 200) throw UsageError("worker --name: give at most 200 characters");
  if (const char* fault = std::getenv("BENCHLAB_INJECT_FAULT"); fault != nullptr && *fault != '\0') {
    try {
      fault_ = parse_injected_fault(fault);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("BENCHLAB_INJECT_FAULT='{}': {}", fault, e.what()));
    }
  }
}

int WorkerCommand::run() {
  fanout::WorkerOptions o;
  o.conninfo = dsn_;
  o.job = job_;
  o.connections = connections_;
  o.name = name_;
  o.fault = fault_;
  o.finished_ok = if_finished_ == "ok";
  if (!quiet_) o.progress = [](const std::string& line) { print_note(line); };
  fanout::WorkerSummary s;
  try {
    s = fanout::run_worker(o);
  } catch (const fanout::JobRefused& e) {
    return print_error(e.what(), kExitUsage);
  } catch (const fanout::SnapshotGone& e) {
    return print_error(e.what(), kExitError);
  }
  if (s.finished_before_start) {
    if (!quiet_) print_note(fmt::format("fan-out job '{}' has finished already: nothing left for this worker", job_));
    return kExitOk;
  }
  if (!quiet_)
    print_note(fmt::format("worker {}: {} part{} confirmed ({} rows){}; no part of job '{}' is left", s.name,
                           s.parts_confirmed, s.parts_confirmed == 1 ? "" : "s", s.rows_confirmed,
                           s.parts_lost > 0 ? fmt::format(", {} re-read by others", s.parts_lost) : std::string(),
                           job_));
  return kExitOk;
}

}  // namespace benchlab::cli
