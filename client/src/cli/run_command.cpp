#include "cli/run_command.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/file_checks.hpp"
#include "cli/usage_error.hpp"
#include "measure/host_facts.hpp"
#include "model/warnings.hpp"
#include "pg/connection.hpp"
#include "pg/snapshot.hpp"
#include "plan/read_plan.hpp"
#include "plan/server_facts.hpp"
#include "process/interrupt.hpp"
#include "process/resources.hpp"
#include "store/artifact_file.hpp"
#include "run/checkpoint_file.hpp"
#include "report/console_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "run/run_loop.hpp"
#include "strategies/registry.hpp"

namespace benchlab::cli {

namespace fs = std::filesystem;

namespace {

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
  if (plan.memory) {  // the workers and batch the budget chose are the ones every strategy ran with
    c.read.workers = plan.memory->workers;
    c.read.batch_rows = plan.memory->batch_rows;
    c.memory_plan = plan.memory;
  }
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

int exit_code_of(const BenchmarkReport& report) {
  if (report.interrupted_signal != 0) {
    std::fprintf(stderr, "benchclient: %s; stopped, what was measured is printed and saved\n",
                 Interrupted(report.interrupted_signal).what());
    return kExitSignalBase + report.interrupted_signal;
  }
  if (!report.strict_failure.empty()) {
    std::fprintf(stderr, "benchclient: error: strict policy: %s\n", report.strict_failure.c_str());
    return kExitStrategyFailed;
  }
  if (const auto failed = failed_strategies(report); !failed.empty()) {
    std::fprintf(stderr,
                 "benchclient: %s failed or mismatched (tolerant policy: recorded, the others ran); exit status %d\n",
                 fmt::format("{}", fmt::join(failed, ", ")).c_str(), kExitStrategyFailed);
    return kExitStrategyFailed;
  }
  return kExitOk;
}

// --expect-schema: the differences, one line each, then the error naming the fix.
[[noreturn]] void report_drift(const SchemaDrift& drift, const RunOptions& options) {
  for (const auto& d : drift.differences) std::fprintf(stderr, "benchclient: schema drift: %s\n", d.c_str());
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
void measure_target(const RunOptions& options, const TargetOptions& target_options, const HostFacts& host,
                    const std::string& date, Artifact& artifact, BenchmarkReport& report, bool first) {
  ServerTarget target(target_options);
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
  std::optional<CheckpointFile> checkpoint;
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
    plan = plan::make_plan(target.conninfo(), read, phase, options.expected_schema);
  } catch (const SchemaDrift& drift) {
    report_drift(drift, options);
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
    facts.rows = size.limit;
    const bool batches = make_strategy(strategy)->part_list() == PartList::batches;
    facts.parts = batches ? size.spec.batches : size.spec.partitions;
    if (facts.parts.empty()) facts.parts = {size.spec.all};
    facts.schema = plan.table.schema;
    checkpoint->bind(facts);  // a different read is refused before the warning below
    if (!resume_note.empty()) {
      std::fprintf(stderr, "benchclient: warning: %s\n", resume_note.c_str());
      plan.sizes.front().notes.push_back(resume_note);
    }
    if (checkpoint->resuming())
      phase(fmt::format("benchclient: resuming from --checkpoint {}: {} of {} parts already read{}",
                        options.checkpoint_file.string(), checkpoint->confirmed_parts(), facts.parts.size(),
                        checkpoint->complete() ? " (the read was complete)" : ""));
  }
  if (first) artifact.context = make_context(options, target, host, date, plan);
  if (target.is_throwaway()) artifact.context.profiles.push_back(profile_facts(target));
  throw_if_interrupted();
  // Said before the first run (and after every check of the input, so bad input
  // still gets its one line), so a user can stop and come back when it is idle.
  if (auto busy = busy_machine_warning(host); busy && first)
    std::fprintf(stderr, "benchclient: warning: %s\n", busy->text().c_str());

  // 2. Run: rounds of the wire ceiling and every strategy, into the report.
  LoopOutput output;
  output.progress_line = options.output.progress && isatty(STDERR_FILENO) == 1;
  output.phase_lines = phases;
  run_benchmark(plan, options.schedule, output, report, checkpoint ? &*checkpoint : nullptr);
}

}  // namespace

int run_benchmark_command(const RunOptions& options) {
  // The machine as it was when the invocation started (load average included).
  const HostFacts host = read_host_facts();
  const std::string date = utc_now("%Y-%m-%dT%H:%M:%SZ");
  // Checked before anything starts: a run that cannot be saved is not started.
  // A path the command line names that cannot be written is bad input (exit 2), like any other.
  CreatedDirGuard created{options.output.results_dir, false};
  try {
    created.active = ensure_writable_dir(options.output.results_dir);
    if (!options.output.markdown_file.empty()) check_writable_file("--markdown", options.output.markdown_file);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }

  Artifact artifact;
  // --profile a,b: the whole benchmark on a fresh throwaway cluster per profile, one
  // after another, into one report (each size tagged with its profile). With --dsn: once.
  const std::vector<std::string> profiles = options.target.dsn ? std::vector<std::string>{""} : options.target.profiles;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    TargetOptions target_options = options.target;
    if (!profiles[i].empty()) target_options.cluster.profile = profiles[i];
    if (profiles.size() > 1 && options.output.progress)
      std::fprintf(stderr, "benchclient: profile %s (%zu of %zu): a fresh throwaway cluster\n", profiles[i].c_str(),
                   i + 1, profiles.size());
    BenchmarkReport part;
    try {
      measure_target(options, target_options, host, date, artifact, part, i == 0);
    } catch (const Interrupted& e) {
      if (i == 0) throw;                                       // nothing measured yet: the usual interruption
      artifact.report.interrupted_signal = e.signal_number();  // the profiles before are kept and saved
      break;
    }
    for (SizeResult& size : part.sizes) {
      size.profile = profiles[i];
      artifact.report.sizes.push_back(std::move(size));
    }
    artifact.report.interrupted_signal = part.interrupted_signal;
    artifact.report.strict_failure = part.strict_failure;
    if (!part.complete()) break;
  }

  artifact.summary = summary_of(artifact);  // measured: summarized once, for every reporter

  // 3. Report: the display (stderr when stdout carries the JSON), the JSON artifact
  // and, if asked, a Markdown file — every reporter fed the same artifact.
  std::FILE* display = options.output.json_to_stdout ? stderr : stdout;
  const std::string label = "benchclient run of " + date;
  ConsoleReporter console(display);
  MarkdownReporter markdown_display({label}), markdown_file({label});
  JsonReporter json(options.output.results_dir, options.output.json_to_stdout ? &std::cout : nullptr);
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
    std::fprintf(stderr, "benchclient: artifact written to %s\n", json.written().c_str());
  }
  if (!options.output.markdown_file.empty() && !artifact.report.sizes.empty()) {
    markdown_file.close();
    write_atomically(options.output.markdown_file, markdown_file.document());
    std::fprintf(stderr, "benchclient: Markdown report written to %s\n", options.output.markdown_file.c_str());
  }
  return exit_code_of(artifact.report);
}

}  // namespace benchlab::cli
