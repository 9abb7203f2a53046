// RAII over libpq pipeline mode (libpq 14+) and query cancellation.
//
// Pipeline: enters pipeline mode on construction; queues statements with
// PQsendQueryParams (one statement each: pipeline mode forbids multi-statement
// strings and COPY) and sync points with PQpipelineSync. The destructor leaves
// pipeline mode when nothing is pending; otherwise it cancels what is running so
// the server stops producing rows nobody will read, and leaves the connection to
// its owner (which closes it).
#pragma once

#include <libpq-fe.h>

#include <string>

#include "pg/error.hpp"

namespace benchlab::pg {

// Sends a cancel request for whatever `conn` is running (blocking, short); never throws.
void cancel_running_query(PGconn* conn) noexcept;

// Cancels the connection's running query when destroyed while armed: put one
// on the stack before sending, disarm() once the results are all read.
class CancelOnUnwind {
 public:
  explicit CancelOnUnwind(PGconn* conn) : conn_(conn) {}
  ~CancelOnUnwind() {
    if (conn_ != nullptr) cancel_running_query(conn_);
  }
  CancelOnUnwind(CancelOnUnwind&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  CancelOnUnwind(const CancelOnUnwind&) = delete;
  CancelOnUnwind& operator=(const CancelOnUnwind&) = delete;
  CancelOnUnwind& operator=(CancelOnUnwind&&) = delete;
  void disarm() { conn_ = nullptr; }
  void arm(PGconn* conn) { conn_ = conn; }

 private:
  PGconn* conn_;
};

class Pipeline {
 public:
  // Throws pg::Error if the connection cannot enter pipeline mode.
  explicit Pipeline(PGconn* conn);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  Pipeline(Pipeline&&) = delete;
  Pipeline& operator=(Pipeline&&) = delete;

  // Queues one statement (no parameters); result_format applies to its rows.
  void send(const std::string& sql, int result_format = 0);
  // Queues a sync point: the server answers PGRES_PIPELINE_SYNC; errors abort
  // the pipeline up to here only.
  void sync();
  // Flushes what libpq buffered. Returns true when everything is sent (false:
  // a non-blocking connection must wait for POLLOUT and call flush again).
  bool flush();
  // Leaves pipeline mode; all results must have been read. Throws on failure.
  void exit();

  [[nodiscard]] PGconn* conn() const { return conn_; }
  [[nodiscard]] bool active() const { return active_; }

 private:
  PGconn* conn_;
  bool active_ = false;
};

}  // namespace benchlab::pg
