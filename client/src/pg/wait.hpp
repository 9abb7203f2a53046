// Waiting for the server without losing the ability to stop: one poll loop that
// wakes at least every 100 ms to look at the caller's stop condition. Long
// statements (seeding, VACUUM, planning walks, server_scan, a naive read) go
// through it, so a SIGINT never leaves the server working for a client that is
// going away.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg/connection.hpp"

namespace benchlab::pg {

// Consumes input on `conn` until a whole result is ready (PQisBusy() == 0),
// calling `between_polls` each time it would block and after every wake-up
// (it may throw: a pg::CancelOnUnwind on the caller's stack then cancels the
// query). Throws BrokenConnection (with `what`) if the connection fails.
void wait_for_result(PGconn* conn, const std::function<void()>& between_polls, std::string_view what);

// Sends `sql` (no parameters; rows in `result_format`: 0 text, 1 binary) and
// waits for its whole result as wait_for_result does, `between_polls` free to
// throw (the query is then cancelled on the server). Throws the typed pg error,
// its message starting with `what`, if the statement failed.
Result exec_waiting(const Connection& conn, const std::string& sql, int result_format,
                    const std::function<void()>& between_polls, std::string_view what);

// Like Connection::exec_params (no params: the simple protocol, so VACUUM works).
// Throws Interrupted when cancelled by a signal, the typed pg error otherwise.
Result exec_interruptible(const Connection& conn, const std::string& sql,
                          const std::vector<std::optional<std::string>>& params = {});

}  // namespace benchlab::pg
