// COPY ... TO STDOUT, read without blocking: one CopyData message (one row; in
// binary COPY the first also carries the file header, and the trailer comes as a
// message of its own) per call, in a buffer libpq allocates and this object frees.
// Pipeline mode cannot carry COPY: the connection must be idle and outside it.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/wire_format.hpp"
#include "pg/cancel.hpp"
#include "pg/connection.hpp"

namespace benchlab::pg {

// The column types `query` returns, from the server's description of it (a
// Parse and Describe of the unnamed statement: nothing runs). COPY carries no
// per-column metadata, so its decoders are chosen from this. Throws the typed
// pg error when the query does not parse (no such column, no privilege, ...).
std::vector<std::uint32_t> describe_columns(PGconn* conn, const std::string& query);

// `COPY (query) TO STDOUT` in `format`.
std::string copy_statement(const std::string& query, WireFormat format);

class CopyOut {
 public:
  // Sends the COPY (does not wait for the server). Throws BrokenConnection.
  CopyOut(PGconn* conn, const std::string& query, WireFormat format);
  CopyOut(const Connection& conn, const std::string& query, WireFormat format) : CopyOut(conn.raw(), query, format) {}
  // Cancels the COPY on the server if it has not finished (an exception or an
  // interruption is unwinding), and frees the last message.
  ~CopyOut();
  CopyOut(const CopyOut&) = delete;
  CopyOut& operator=(const CopyOut&) = delete;
  CopyOut(CopyOut&&) = delete;
  CopyOut& operator=(CopyOut&&) = delete;

  enum class Next { message, would_block, done };
  // The next message in `message` (valid until the next call), or would_block
  // (wait for the socket to be readable, then call again), or done (every row
  // arrived and the command succeeded). Throws the typed pg error if it failed.
  Next next(std::string_view& message);

  [[nodiscard]] int socket() const { return PQsocket(conn_); }
  [[nodiscard]] bool finished() const { return finished_; }

 private:
  void release_buffer();
  Next finish();

  PGconn* conn_;
  std::string sql_;
  CancelOnUnwind cancel_;
  char* buffer_ = nullptr;
  bool copying_ = false;  // the server said COPY OUT
  bool finished_ = false;
};

// Drives `copy` to its end on this thread, blocking: every message to
// `on_message`. `between` runs after every 4096 messages and before each wait on
// the socket (at most 100 ms); it may throw (an interruption), and the CopyOut's
// destructor then cancels the COPY on the server. A server slower than the reader
// is waited for in naps (pg/read_pacer.hpp), not once per write it makes.
void drain(CopyOut& copy, const std::function<void(std::string_view)>& on_message,
           const std::function<void()>& between);

}  // namespace benchlab::pg
