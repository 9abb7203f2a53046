#include "pg/copy_in.hpp"

#include <fmt/format.h>

#include "pg/error.hpp"
#include "pg/result.hpp"

namespace benchlab::pg {

namespace {
constexpr const char* kWhat = "COPY FROM STDIN";
}

CopyIn::CopyIn(const Connection& conn, std::string sql) : conn_(conn.raw()), sql_(std::move(sql)) {
  const Result r(PQexec(conn_, sql_.c_str()));
  if (r.status() != PGRES_COPY_IN) {
    check_result(conn_, r.get(), kWhat, sql_);
    throw Error(fmt::format("{}: the server did not start taking rows", kWhat), "", sql_);
  }
  open_ = true;
}

CopyIn::~CopyIn() {
  if (!open_) return;
  // Abandoned mid-copy: the server aborts the COPY (and its rows) on this message.
  if (PQputCopyEnd(conn_, "the client abandoned the COPY") == 1) drain_results(false);
}

void CopyIn::put(std::string_view data) {
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1)
    throw BrokenConnection(fmt::format("{}: cannot send: {}", kWhat, one_line(PQerrorMessage(conn_))), "", sql_);
}

void CopyIn::finish() {
  open_ = false;
  if (PQputCopyEnd(conn_, nullptr) != 1)
    throw BrokenConnection(fmt::format("{}: cannot end: {}", kWhat, one_line(PQerrorMessage(conn_))), "", sql_);
  drain_results(true);
}

void CopyIn::drain_results(bool check) {
  Result first(PQgetResult(conn_));
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (check) check_result(conn_, first.get(), kWhat, sql_);
}

}  // namespace benchlab::pg
