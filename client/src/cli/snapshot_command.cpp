#include "cli/snapshot_command.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "pg/snapshot.hpp"
#include "process/interrupt.hpp"

namespace benchlab::cli {

int run_snapshot_hold(const std::string& conninfo) {
  pg::SessionOptions session;
  session.read_only = true;
  session.statement_timeout_ms = 0;
  session.application_name = "benchclient-snapshot";
  pg::Connection conn = pg::Connection::open(conninfo, session);
  pg::ExportedSnapshot snapshot(conn);
  std::printf("%s\n", snapshot.id().c_str());
  std::fflush(stdout);
  std::cerr << "benchclient: holding snapshot " << snapshot.id() << " on " << conn.describe() << "; pass --snapshot "
            << snapshot.id() << " to runs; Ctrl-C or SIGTERM releases it\n";
  // Wait for a signal; wake every 200 ms, and when the server closes the session.
  while (pending_signal() == 0) {
    try {
      conn.wait_input(std::chrono::milliseconds(200));
    } catch (const pg::BrokenConnection& e) {
      std::cerr << "benchclient: error: snapshot " << snapshot.id() << ": the server ended the session: " << e.what()
                << "\n";
      return 1;
    }
  }
  snapshot.release();
  std::cerr << "benchclient: snapshot " << snapshot.id() << " released\n";
  return 0;
}

}  // namespace benchlab::cli
