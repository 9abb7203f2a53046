#include "measure/run_context.hpp"
#include "model/figures.hpp"

namespace benchlab {

std::optional<ServerCpu> read_backend_cpu(const pg::Connection& conn) {
  const pg::Result r = conn.exec_unchecked("SELECT cpu_user_us, cpu_sys_us FROM benchlab.backend_cpu()");
  if (!r || r.status() != PGRES_TUPLES_OK || r.rows() != 1) return std::nullopt;
  return ServerCpu{std::stoll(std::string(r.value(0, 0))), std::stoll(std::string(r.value(0, 1)))};
}

MeteredConnection::MeteredConnection(pg::Connection conn, RunContext& context)
    : conn_(std::move(conn)), context_(&context) {
  if (context.meter_server_cpu()) start_ = read_backend_cpu(conn_);
}

MeteredConnection::MeteredConnection(MeteredConnection&& other) noexcept
    : conn_(std::move(other.conn_)), context_(other.context_), start_(other.start_) {
  other.start_.reset();
}

void MeteredConnection::finish() {
  if (!start_ || !conn_) return;
  const auto start = *start_;
  start_.reset();
  if (auto end = read_backend_cpu(conn_)) context_->add_server_cpu(*end - start);
}

MeteredConnection::~MeteredConnection() {
  try {
    // Only a connection in a clean state can be asked: not mid-COPY or mid-query.
    if (conn_ && conn_.idle()) finish();
  } catch (...) {
  }
}

}  // namespace benchlab
