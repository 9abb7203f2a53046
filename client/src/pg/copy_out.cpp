#include "pg/copy_out.hpp"

#include "pg/read_pacer.hpp"

#include <fmt/format.h>

#include "pg/connection.hpp"
#include "pg/error.hpp"

namespace benchlab::pg {

std::vector<std::uint32_t> describe_columns(PGconn* conn, const std::string& query) {
  Result prepared(PQprepare(conn, "", query.c_str(), 0, nullptr));
  check_result(conn, prepared.get(), "query failed", query);
  Result described(PQdescribePrepared(conn, ""));
  check_result(conn, described.get(), "query failed", query);
  std::vector<std::uint32_t> oids;
  const int n = PQnfields(described.get());
  oids.reserve(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) oids.push_back(PQftype(described.get(), c));
  return oids;
}

std::string copy_statement(const std::string& query, WireFormat format) {
  return format == WireFormat::binary ? fmt::format("COPY ({}) TO STDOUT WITH (FORMAT binary)", query)
                                      : fmt::format("COPY ({}) TO STDOUT", query);
}

CopyOut::CopyOut(PGconn* conn, const std::string& query, WireFormat format)
    : conn_(conn), sql_(copy_statement(query, format)), cancel_(conn) {
  if (PQsendQuery(conn_, sql_.c_str()) != 1)
    throw BrokenConnection("cannot send COPY: " + one_line(PQerrorMessage(conn_)), "", sql_);
}

CopyOut::~CopyOut() { release_buffer(); }

void CopyOut::release_buffer() {
  if (buffer_ != nullptr) PQfreemem(buffer_);
  buffer_ = nullptr;
}

CopyOut::Next CopyOut::next(std::string_view& message) {
  release_buffer();
  if (finished_) return Next::done;
  if (!copying_) {
    // The command's first result says COPY OUT (or why not) once it has arrived.
    if (PQconsumeInput(conn_) == 0) throw BrokenConnection("COPY failed: " + one_line(PQerrorMessage(conn_)), "", sql_);
    if (PQisBusy(conn_) != 0) return Next::would_block;
    Result first(PQgetResult(conn_));
    if (first.status() != PGRES_COPY_OUT) {
      while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
      cancel_.disarm();
      check_result(conn_, first.get(), "COPY failed", sql_);
      throw Error("COPY failed: the server did not start sending rows", "", sql_);
    }
    copying_ = true;
  }
  for (;;) {
    const int n = PQgetCopyData(conn_, &buffer_, 1);
    if (n > 0) {
      message = std::string_view(buffer_, static_cast<std::size_t>(n));
      return Next::message;
    }
    if (n == -1) return finish();
    if (n == -2) throw BrokenConnection("COPY failed: " + one_line(PQerrorMessage(conn_)), "", sql_);
    // 0: nothing complete buffered; read what the socket holds, once.
    if (PQconsumeInput(conn_) == 0) throw BrokenConnection("COPY failed: " + one_line(PQerrorMessage(conn_)), "", sql_);
    const int again = PQgetCopyData(conn_, &buffer_, 1);
    if (again > 0) {
      message = std::string_view(buffer_, static_cast<std::size_t>(again));
      return Next::message;
    }
    if (again == 0) return Next::would_block;
    if (again == -1) return finish();
    throw BrokenConnection("COPY failed: " + one_line(PQerrorMessage(conn_)), "", sql_);
  }
}

CopyOut::Next CopyOut::finish() {
  // The end of the data: the command's own result says whether it succeeded.
  cancel_.disarm();
  finished_ = true;
  Result status;
  while (PGresult* r = PQgetResult(conn_)) {
    Result owned(r);
    if (!status || owned.status() != PGRES_COMMAND_OK) status = std::move(owned);
  }
  check_result(conn_, status.get(), "COPY failed", sql_);
  return Next::done;
}

void drain(CopyOut& copy, const std::function<void(std::string_view)>& on_message,
           const std::function<void()>& between) {
  constexpr int kMessagesBetweenLooks = 4096;
  std::string_view message;
  ReadPacer pacer;
  for (int since_look = 0;;) {
    switch (copy.next(message)) {
      case CopyOut::Next::message:
        pacer.consumed(message.size());
        on_message(message);
        if (++since_look == kMessagesBetweenLooks) {
          since_look = 0;
          between();
        }
        break;
      case CopyOut::Next::would_block:
        since_look = 0;
        between();
        pacer.before_wait(copy.socket());
        wait_readable(copy.socket(), std::chrono::milliseconds(100));
        break;
      case CopyOut::Next::done:
        return;
    }
  }
}

}  // namespace benchlab::pg
