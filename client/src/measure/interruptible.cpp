#include "measure/interruptible.hpp"

#include <poll.h>

#include "pg/error.hpp"
#include "process/interrupt.hpp"

namespace benchlab {

namespace {

void cancel_on_server(PGconn* conn) {
  if (PGcancel* c = PQgetCancel(conn)) {
    char err[256];
    PQcancel(c, err, sizeof err);
    PQfreeCancel(c);
  }
}

}  // namespace

pg::Result exec_interruptible(const pg::Connection& conn, const std::string& sql,
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
  if (sent == 0) throw pg::BrokenConnection("query failed: " + pg::one_line(PQerrorMessage(raw)));

  bool cancelled = false;
  for (;;) {
    if (PQconsumeInput(raw) == 0) throw pg::BrokenConnection("query failed: " + pg::one_line(PQerrorMessage(raw)));
    if (PQisBusy(raw) == 0) break;
    if (!cancelled && pending_signal() != 0) {
      cancel_on_server(raw);
      cancelled = true;
    }
    pollfd p{PQsocket(raw), POLLIN, 0};
    poll(&p, 1, 100);  // EINTR or timeout: look at the signal flag again
  }
  // Drain every result so the connection is idle again, then report.
  pg::Result last, error;
  while (PGresult* r = PQgetResult(raw)) {
    pg::Result owned(r);
    const ExecStatusType st = owned.status();
    if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
      if (!error) error = std::move(owned);
    } else {
      last = std::move(owned);
    }
  }
  if (cancelled || (error && pending_signal() != 0)) throw_if_interrupted();
  if (error) pg::check_result(raw, error.get(), "query failed");
  if (!last) pg::check_result(raw, nullptr, "query failed");
  return last;
}

}  // namespace benchlab
