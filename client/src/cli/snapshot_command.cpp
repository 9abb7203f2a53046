#include "cli/snapshot_command.hpp"

#include <poll.h>

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
  pg::ExportedSnapshot snapshot(conn.raw());
  std::printf("%s\n", snapshot.id().c_str());
  std::fflush(stdout);
  std::cerr << "benchclient: holding snapshot " << snapshot.id() << " on " << conn.describe() << "; pass --snapshot "
            << snapshot.id() << " to runs; Ctrl-C or SIGTERM releases it\n";
  // Wait for a signal; wake every 200 ms, and when the server closes the session.
  for (;;) {
    if (pending_signal() != 0) break;
    pollfd p{PQsocket(conn.raw()), POLLIN, 0};
    const int r = ::poll(&p, 1, 200);
    if (r > 0) {
      PQconsumeInput(conn.raw());
      if (PQstatus(conn.raw()) != CONNECTION_OK) {
        std::cerr << "benchclient: error: snapshot " << snapshot.id()
                  << ": the server ended the session: " << pg::one_line(PQerrorMessage(conn.raw())) << "\n";
        return 1;
      }
    }
  }
  snapshot.release();
  std::cerr << "benchclient: snapshot " << snapshot.id() << " released\n";
  return 0;
}

}  // namespace benchlab::cli
