#include "cli/run_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "measure/host_facts.hpp"
#include "model/warnings.hpp"
#include "pg/connection.hpp"
#include "plan/read_plan.hpp"
#include "plan/server_facts.hpp"
#include "process/interrupt.hpp"
#include "report/artifact_file.hpp"
#include "report/console_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "run/run_loop.hpp"

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

// --markdown FILE: its directory must exist and take a file, checked before any work.
void check_writable_file(const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::is_directory(file, ec))
    throw std::runtime_error("--markdown " + file.string() + ": is a directory; give a file name");
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error("--markdown " + file.string() + ": no directory " + dir.string() +
                             "; give a file in an existing directory");
  if (::access(dir.c_str(), W_OK) != 0)
    throw std::runtime_error("--markdown " + file.string() + ": " + dir.string() +
                             " is not writable; choose another place");
}

// The context block, from what is known before the first run.
Context make_context(const RunOptions& options, const ServerTarget& target, const HostFacts& host,
                     const std::string& date, const BenchmarkPlan& plan) {
  Context c;
  c.date = date;
  c.host = host;
  c.build = build_facts();
  c.server = plan::read_server_facts(target.conninfo());
  c.server.session_settings = {{"jit", "off"}};  // pg::SessionOptions::jit_off, every measured session
  c.target.throwaway = target.is_throwaway();
  c.target.dsn_redacted = target.is_throwaway() ? "throwaway cluster" : pg::redact_conninfo(target.conninfo());
  if (target.is_throwaway()) c.target.profile = target.cluster()->profile();
  c.table_name = plan.table.display_name;
  c.standard_table = plan.table.standard;
  c.key = plan.table.key_name;
  c.columns = plan.table.columns;
  c.read = options.read;
  c.schedule = options.schedule;
  return c;
}

int exit_code_of(const BenchmarkReport& report) {
  if (report.interrupted_signal != 0) {
    std::fprintf(stderr, "benchclient: %s; stopped, what was measured is printed and saved\n",
                 Interrupted(report.interrupted_signal).what());
    return 128 + report.interrupted_signal;
  }
  if (!report.strict_failure.empty()) {
    std::fprintf(stderr, "benchclient: error: strict policy: %s\n", report.strict_failure.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int run_benchmark_command(const RunOptions& options) {
  // The machine as it was when the invocation started (load average included).
  const HostFacts host = read_host_facts();
  const std::string date = utc_now("%Y-%m-%dT%H:%M:%SZ");
  // Checked before anything starts: a run that cannot be saved is not started.
  CreatedDirGuard created{options.output.results_dir, ensure_writable_dir(options.output.results_dir)};
  if (!options.output.markdown_file.empty()) check_writable_file(options.output.markdown_file);

  ServerTarget target(options.target);
  throw_if_interrupted();
  target.ensure_extension();

  // 1. Plan: the table prepared, each size's key range, split and server figures.
  const bool phases = options.output.progress;
  auto phase = [phases](const std::string& line) {
    if (phases) std::fprintf(stderr, "%s\n", line.c_str());
  };
  const BenchmarkPlan plan = plan::make_plan(target.conninfo(), options.read, phase);
  Artifact artifact;
  artifact.context = make_context(options, target, host, date, plan);
  throw_if_interrupted();
  // Said before the first run (and after every check of the input, so bad input
  // still gets its one line), so a user can stop and come back when it is idle.
  if (auto busy = busy_machine_warning(host)) std::fprintf(stderr, "benchclient: warning: %s\n", busy->text().c_str());

  // 2. Run: rounds of the wire ceiling and every strategy, into the report.
  LoopOutput output;
  output.progress_line = options.output.progress && isatty(STDERR_FILENO) == 1;
  output.phase_lines = phases;
  run_benchmark(plan, options.schedule, output, artifact.report);

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
