#include "run/wire_ceiling.hpp"

#include <chrono>

#include "pg/cancel.hpp"
#include "pg/connection.hpp"
#include "pg/copy_out.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"

namespace benchlab {

CopyDrain copy_drain(const std::string& conninfo, const std::string& query, WireFormat format) {
  constexpr const char* kWhat = "reading the rows (COPY) failed";
  pg::SessionOptions s;
  s.read_only = true;
  pg::Connection conn = pg::Connection::open(conninfo, s);
  const std::string sql = pg::copy_statement(query, format);
  CopyDrain out;
  const auto start = std::chrono::steady_clock::now();
  pg::Result r(PQexec(conn.raw(), sql.c_str()));
  pg::check_result(conn.raw(), r.get(), kWhat, sql);
  std::uint64_t messages = 0;
  bool cancelled = false;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn.raw(), &buf, 0);
    if (n > 0) {
      out.bytes += static_cast<std::uint64_t>(n);
      ++messages;
      PQfreemem(buf);
      // Looked at every 64Ki rows: a signal stops the server's COPY, then the rest drains.
      if (!cancelled && (messages & 0xFFFF) == 0 && pending_signal() != 0) {
        pg::cancel_running_query(conn.raw());
        cancelled = true;
      }
      continue;
    }
    if (n == -2) {
      const std::string message = pg::one_line(PQerrorMessage(conn.raw()));
      throw pg::BrokenConnection(std::string(kWhat) + ": " + message, "", sql, message);
    }
    break;  // -1: done
  }
  const auto end = std::chrono::steady_clock::now();
  while (PGresult* rest = PQgetResult(conn.raw())) {
    pg::Result owned(rest);
    if (!cancelled) pg::check_result(conn.raw(), rest, kWhat, sql);
  }
  throw_if_interrupted();
  // Binary COPY: the first message carries the header, the last one the trailer.
  out.rows = format == WireFormat::binary && messages >= 1 ? messages - 1 : messages;
  out.wall_s = std::chrono::duration<double>(end - start).count();
  return out;
}

}  // namespace benchlab
