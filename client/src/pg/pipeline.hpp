// RAII over libpq pipeline mode (libpq 14+).
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
#include <string_view>

#include "pg/cancel.hpp"
#include "pg/connection.hpp"
#include "pg/error.hpp"

namespace benchlab::pg {

class Pipeline {
 public:
  // Throws pg::Error if the connection cannot enter pipeline mode.
  explicit Pipeline(PGconn* conn);
  explicit Pipeline(const Connection& conn) : Pipeline(conn.raw()) {}
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  Pipeline(Pipeline&&) = delete;
  Pipeline& operator=(Pipeline&&) = delete;

  // Queues one statement (no parameters); result_format applies to its rows.
  void send(const std::string& sql, int result_format = 0);
  // Queues one execution of the prepared statement `name` with text parameters.
  void send_prepared(const char* name, int count, const char* const* values);
  // Queues a sync point: the server answers PGRES_PIPELINE_SYNC; errors abort
  // the pipeline up to here only.
  void sync();
  // Reads every result up to and including the next sync point (blocking);
  // throws the typed pg error, starting with `what`, for the first that failed.
  void read_to_sync(std::string_view what);
  // Flushes what libpq buffered. Returns true when everything is sent (false:
  // a non-blocking connection must wait for POLLOUT and call flush again).
  bool flush();
  // Leaves pipeline mode; all results must have been read. Throws on failure.
  void exit();

 private:
  PGconn* conn_;
  bool active_ = false;
};

}  // namespace benchlab::pg
