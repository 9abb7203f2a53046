#include "cli/snapshot_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"

#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "pg/snapshot.hpp"
#include "process/interrupt.hpp"

namespace benchlab::cli {

SnapshotCommand::SnapshotCommand(CLI::App& app)
    : snapshot_(app.add_subcommand("snapshot", "snapshots that several runs share")),
      hold_(snapshot_->add_subcommand("hold",
                                      "export a snapshot and keep its transaction open until Ctrl-C or SIGTERM; "
                                      "prints its id for --snapshot")) {
  snapshot_->footer(kSnapshotExitStatusHelp);
  hold_->footer(kSnapshotExitStatusHelp);
  hold_->add_option("--dsn", dsn_, "the server (libpq conninfo or URI; '' uses the PG* environment)")->required();
  snapshot_->require_subcommand(1);
}

int SnapshotCommand::run() {
  const std::string& conninfo = dsn_;
  pg::SessionOptions session;
  session.read_only = true;
  session.statement_timeout_ms = 0;
  session.application_name = "benchclient-snapshot";
  pg::Connection conn = pg::Connection::open(conninfo, session);
  pg::ExportedSnapshot snapshot(conn);
  std::printf("%s\n", snapshot.id().c_str());
  std::fflush(stdout);
  print_note(fmt::format("holding snapshot {} on {}; pass --snapshot {} to runs; Ctrl-C or SIGTERM releases it",
                         snapshot.id(), conn.describe(), snapshot.id()));
  // Wait for a signal; wake every 200 ms, and when the server closes the session.
  while (pending_signal() == 0) {
    try {
      conn.wait_input(std::chrono::milliseconds(200));
    } catch (const pg::BrokenConnection& e) {
      return print_error(fmt::format("snapshot {}: the server ended the session: {}", snapshot.id(), e.what()),
                         kExitError);
    }
  }
  snapshot.release();
  print_note(fmt::format("snapshot {} released", snapshot.id()));
  return kExitOk;
}

}  // namespace benchlab::cli
