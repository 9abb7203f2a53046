#include "cli/app.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/advise_command.hpp"
#include "cli/compare_command.hpp"
#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/fanout_command.hpp"
#include "cli/metrics_flags.hpp"
#include "cli/plan_command.hpp"
#include "cli/queue_command.hpp"
#include "cli/report_command.hpp"
#include "cli/run_command.hpp"
#include "cli/schema_command.hpp"
#include "cli/snapshot_command.hpp"
#include "cli/usage_error.hpp"
#include "cli/verify_command.hpp"
#include "cli/with_cluster_command.hpp"
#include "model/command_line.hpp"

namespace benchlab::cli {

namespace {

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
  if (path == "benchclient fanout start")
    return "fanout start needs --dsn, --table and --job: e.g. benchclient fanout start --dsn 'host=db dbname=app' "
           "--table public.orders --job orders-1";
  if (path == "benchclient fanout drop")
    return "fanout drop needs --dsn and --job: e.g. benchclient fanout drop --dsn 'host=db dbname=app' --job orders-1";
  if (path == "benchclient fanout")
    return "fanout needs a subcommand: benchclient fanout start ... or benchclient fanout drop ...";
  if (path == "benchclient worker")
    return "worker needs --dsn and --job (or BENCHLAB_DSN and BENCHLAB_JOB): e.g. benchclient worker --dsn "
           "'host=db dbname=app' --job orders-1";
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
  const std::string command = recorded_command(argc, argv);
  // The run's options are the root's: declared first, so that --help lists the server's
  // options first; the subcommands in the order --help lists them.
  RunCommand run(app, command);
  WithClusterCommand with_cluster(app, run, args);
  ReportCommand report(app);
  VerifyCommand verify(app, command);
  SchemaCommand schema(app, run);
  SnapshotCommand snapshot(app);
  CompareCommand compare(app);
  QueueCommand queue(app, run);
  PlanCommand plan(app, run);
  AdviseCommand advise(app, run);
  FanoutCommand fanout(app, command);
  WorkerCommand worker(app);
  const std::vector<Command*> subcommands{&with_cluster, &report, &verify, &schema, &snapshot, &compare,
                                          &queue,        &plan,   &advise, &fanout, &worker};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    const std::string path = command_path(app);
    return print_usage_error(parse_error_line(e, path), path);
  }
  Command* selected = &run;
  for (Command* c : subcommands)
    if (c->selected()) selected = c;
  // The root's server options (they may come before a subcommand) are checked unless
  // the command reads files or names its own servers.
  if (!report.selected() && !verify.selected() && !snapshot.selected() && !fanout.selected() && !worker.selected()) {
    try {
      run.validate_target();
    } catch (const UsageError& e) {
      return print_usage_error(e.what(), command_path(app));
    }
  }
  MetricsFlags* metrics = selected->metrics();
  try {
    if (run.metrics_given() && selected != &run)
      throw UsageError(fmt::format(
          "--metrics-file, --metrics-interval and --metrics-label before a subcommand apply to the run only; {}",
          metrics != nullptr
              ? fmt::format("give it after {}", selected->help_path())
              : fmt::format("{} does not keep a metrics file (run, verify and queue do)", selected->help_path())));
    selected->validate();
    if (metrics != nullptr) metrics->validate();
    if (metrics != nullptr && metrics->wanted()) metrics->open(selected->metrics_name());
  } catch (const UsageError& e) {
    return print_usage_error(e.what(), selected->help_path());
  }
  try {
    const int status = selected->run();
    if (metrics != nullptr) metrics->finish(status);
    return status;
  } catch (...) {
    if (metrics != nullptr) metrics->finish(exit_status_of_current_exception(), current_exception_is_bad_input());
    throw;
  }
}

}  // namespace benchlab::cli
