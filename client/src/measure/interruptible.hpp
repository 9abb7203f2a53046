// Long statements (seeding, VACUUM, planning walks, server_scan) that a SIGINT
// must be able to stop: sent asynchronously, waited for in short polls, and
// cancelled on the server (PQcancel) once a termination signal arrived, so the
// server never keeps working for a client that is going away.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace benchlab {

// Like Connection::exec_params (no params: the simple protocol, so VACUUM works).
// Throws Interrupted when cancelled by a signal, the typed pg error otherwise.
pg::Result exec_interruptible(const pg::Connection& conn, const std::string& sql,
                              const std::vector<std::optional<std::string>>& params = {});

}  // namespace benchlab
