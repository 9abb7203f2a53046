#include "pg/pipeline.hpp"

#include <fmt/format.h>

#include "pg/result.hpp"

namespace benchlab::pg {

Pipeline::Pipeline(PGconn* conn) : conn_(conn) {
  if (PQenterPipelineMode(conn_) != 1) {
    throw Error(fmt::format("cannot enter pipeline mode: {}", one_line(PQerrorMessage(conn_))));
  }
  active_ = true;
}

Pipeline::~Pipeline() {
  if (!active_) return;
  // Leaving works only when every result was read; otherwise stop the server's
  // work and let the owner close the connection.
  if (PQexitPipelineMode(conn_) != 1) cancel_running_query(conn_);
}

void Pipeline::send(const std::string& sql, int result_format) {
  if (PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, result_format) != 1) {
    throw BrokenConnection(fmt::format("cannot send query: {}", one_line(PQerrorMessage(conn_))));
  }
}

void Pipeline::send_prepared(const char* name, int count, const char* const* values) {
  if (PQsendQueryPrepared(conn_, name, count, values, nullptr, nullptr, 0) != 1) {
    throw BrokenConnection(fmt::format("cannot send {}: {}", name, one_line(PQerrorMessage(conn_))));
  }
}

void Pipeline::sync() {
  if (PQpipelineSync(conn_) != 1) {
    throw BrokenConnection(fmt::format("cannot send pipeline sync: {}", one_line(PQerrorMessage(conn_))));
  }
}

void Pipeline::read_to_sync(std::string_view what) {
  for (;;) {
    const Result r(PQgetResult(conn_));
    if (!r) continue;  // the end of one statement's results
    if (r.status() == PGRES_PIPELINE_SYNC) return;
    check_result(conn_, r.get(), what);
  }
}

bool Pipeline::flush() {
  const int r = PQflush(conn_);
  if (r < 0) throw BrokenConnection(fmt::format("cannot send to server: {}", one_line(PQerrorMessage(conn_))));
  return r == 0;
}

void Pipeline::exit() {
  if (!active_) return;
  if (PQexitPipelineMode(conn_) != 1) {
    throw Error(fmt::format("cannot leave pipeline mode: {}", one_line(PQerrorMessage(conn_))));
  }
  active_ = false;
}

}  // namespace benchlab::pg
