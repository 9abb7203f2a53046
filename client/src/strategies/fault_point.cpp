#include "strategies/fault_point.hpp"

#include <chrono>
#include <csignal>
#include <thread>

#include "pg/connection.hpp"
#include "pg/result.hpp"

namespace benchlab {

FaultPoint::FaultPoint(const ReadSpec& spec, int worker, bool forked) : conninfo_(spec.conninfo), forked_(forked) {
  if (spec.fault && spec.fault->worker == worker && spec.attempt <= spec.fault->attempts) fault_ = spec.fault;
}

void FaultPoint::terminate_backend(PGconn* conn) const {
  // From a connection of its own, then waiting (a state, up to 10 s) until the
  // backend is gone: the worker's next read meets a closed connection, as after a
  // crash of its backend or an administrator's pg_terminate_backend. (Not
  // pg_terminate_backend's own timeout: it looks every 100 ms, which would add up
  // to 100 ms to every injected fault's measured cost.)
  const std::string pid = std::to_string(PQbackendPID(conn));
  pg::Connection side = pg::Connection::open(conninfo_);
  (void)side.query_value("SELECT pg_terminate_backend($1::int)", {pid});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (side.query_value("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", {pid}) != "0" &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
}

void FaultPoint::after_batch(PGconn* conn) {
  if (!armed()) return;
  ++batches_;
  if (fault_->kind == FaultKind::timeout || batches_ < fault_->after_batches) return;
  fired_ = true;
  if (forked_ && fault_->kind == FaultKind::kill) std::raise(SIGKILL);
  if (forked_ && fault_->kind == FaultKind::stop) {
    std::raise(SIGSTOP);  // the parent sees no heartbeat, cancels the query and kills this process
    return;
  }
  terminate_backend(conn);
}

void FaultPoint::before_part(PGconn* conn) {
  if (!armed() || fault_->kind != FaultKind::timeout || batches_ < fault_->after_batches) return;
  fired_ = true;
  // The server's own statement timeout, on the worker's connection, in the part's
  // transaction: a statement that cannot finish within 1 ms by construction.
  for (const char* sql : {"SET statement_timeout = 1", "SELECT pg_sleep(1)"}) {
    pg::Result r(PQexec(conn, sql));
    pg::check_result(conn, r.get(), "injected fault (timeout)", sql);
  }
}

}  // namespace benchlab
