#include "pg/wait.hpp"

#include "pg/cancel.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"

namespace benchlab::pg {

void wait_for_result(PGconn* conn, const std::function<void()>& between_polls, std::string_view what) {
  for (;;) {
    if (PQconsumeInput(conn) == 0) throw BrokenConnection(std::string(what) + ": " + one_line(PQerrorMessage(conn)));
    if (PQisBusy(conn) == 0) return;
    between_polls();
    wait_readable(PQsocket(conn), std::chrono::milliseconds(100));  // data, timeout or EINTR: look again
  }
}

Result exec_waiting(const Connection& conn, const std::string& sql, int result_format,
                    const std::function<void()>& between_polls, std::string_view what) {
  PGconn* raw = conn.raw();
  if (PQsendQueryParams(raw, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, result_format) != 1)
    throw BrokenConnection(std::string(what) + ": " + one_line(PQerrorMessage(raw)), "", sql);
  CancelOnUnwind cancel(raw);
  wait_for_result(raw, between_polls, what);
  Result result(PQgetResult(raw));
  while (PGresult* extra = PQgetResult(raw)) PQclear(extra);
  cancel.disarm();
  check_result(raw, result.get(), what);
  return result;
}

Result exec_interruptible(const Connection& conn, const std::string& sql,
                          const std::vector<std::optional<std::string>>& params) {
  PGconn* raw = conn.raw();
  throw_if_interrupted();
  int sent = 0;
  if (params.empty()) {
    sent = PQsendQuery(raw, sql.c_str());
  } else {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    sent = PQsendQueryParams(raw, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0);
  }
  if (sent == 0) throw BrokenConnection("query failed: " + one_line(PQerrorMessage(raw)), "", sql);

  // On a signal: cancel on the server once, then keep draining so the connection
  // is idle again before Interrupted is thrown.
  bool cancelled = false;
  wait_for_result(
      raw,
      [&] {
        if (!cancelled && pending_signal() != 0) {
          cancel_running_query(raw);
          cancelled = true;
        }
      },
      "query failed");
  Result last, error;
  while (PGresult* r = PQgetResult(raw)) {
    Result owned(r);
    const ExecStatusType st = owned.status();
    if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
      if (!error) error = std::move(owned);
    } else {
      last = std::move(owned);
    }
  }
  if (cancelled || (error && pending_signal() != 0)) throw_if_interrupted();
  if (error) check_result(raw, error.get(), "query failed", sql);
  if (!last) check_result(raw, nullptr, "query failed", sql);
  return last;
}

}  // namespace benchlab::pg
