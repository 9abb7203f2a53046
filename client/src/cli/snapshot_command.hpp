// `benchclient snapshot hold --dsn DSN`: keeps an exporting transaction open in a
// process of its own (as pgcopydb's snapshot command does) and prints the snapshot
// id on stdout, so several runs (`--snapshot ID`) read exactly the same rows.
// Holds until SIGINT or SIGTERM (exit 0, the transaction ended) or until the
// server ends the session (exit 1, said on stderr).
#pragma once

#include <string>

namespace benchlab::cli {

int run_snapshot_hold(const std::string& conninfo);

}  // namespace benchlab::cli
