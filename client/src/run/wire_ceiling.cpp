#include "run/wire_ceiling.hpp"

#include <chrono>

#include "pg/connection.hpp"
#include "pg/copy_out.hpp"
#include "process/interrupt.hpp"

namespace benchlab {

CopyDrain copy_drain(const std::string& conninfo, const std::string& query, WireFormat format) {
  pg::SessionOptions s;
  s.read_only = true;
  pg::Connection conn = pg::Connection::open(conninfo, s);
  CopyDrain out;
  std::uint64_t messages = 0;
  const auto start = std::chrono::steady_clock::now();
  {
    // An interruption unwinds through the CopyOut, which cancels the server's COPY.
    pg::CopyOut copy(conn, query, format);
    pg::drain(
        copy,
        [&](std::string_view message) {
          out.bytes += message.size();
          ++messages;
        },
        [] { throw_if_interrupted(); });
  }
  const auto end = std::chrono::steady_clock::now();
  // Binary COPY: the first message carries the header, the last one the trailer.
  out.rows = format == WireFormat::binary && messages >= 1 ? messages - 1 : messages;
  out.wall_s = std::chrono::duration<double>(end - start).count();
  return out;
}

}  // namespace benchlab
