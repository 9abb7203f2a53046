// The one cursor streaming loop every cursor-reading strategy shares:
//   [prologue...] SET LOCAL cursor_tuple_fraction = 1.0; DECLARE c NO SCROLL CURSOR FOR <query>;
//   FETCH FORWARD n FROM c (pipelined, `depth` in flight); CLOSE c; [epilogue...]
// in libpq pipeline mode, so the next FETCH is already queued at the server while
// the current batch decodes. Client memory: the batch being decoded plus what
// libpq has buffered of the next one (~2 batches).
//
// It is a non-blocking state machine: pump() handles whatever has arrived and
// never waits, so one thread can drive many streams with poll() (async_stream);
// run() drives one stream to the end with poll() on its own socket.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "pg/pipeline.hpp"
#include "pg/read_pacer.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

class RunContext;
class RowDecoder;
class FaultPoint;

struct CursorStreamOptions {
  std::vector<std::string> prologue;  // e.g. BEGIN READ ONLY, or the snapshot import
  std::string query;                  // the SELECT the cursor runs
  std::vector<std::string> epilogue;  // e.g. COMMIT (nothing: the transaction stays open)
  int batch_rows = 5000;              // FETCH FORWARD size once grown (the largest FETCH)
  // The first FETCH asks for this many rows (capped at batch_rows) and each next one
  // for `fetch_growth` times the previous, up to batch_rows: a PGresult is complete
  // only when all its rows arrived, so a small first FETCH brings the first row early.
  int first_fetch_rows = 128;
  int fetch_growth = 8;
  WireFormat format = WireFormat::text;
  int depth = 2;  // FETCHes kept in flight (>= 1)
  std::string cursor_name = "benchlab_cursor";
  FaultPoint* fault = nullptr;  // an injected fault, told of every batch (tests)
  // run() naps while a slower server queues more (pg/read_pacer.hpp). Only for a
  // strategy whose pacing was measured against none (cursor_pagination).
  bool pace_reads = false;
};

class CursorStream {
 public:
  // `conn`, `decoder` and `context` must outlive the stream.
  CursorStream(PGconn* conn, CursorStreamOptions options, RowDecoder& decoder, RunContext& context);
  ~CursorStream();
  CursorStream(const CursorStream&) = delete;
  CursorStream& operator=(const CursorStream&) = delete;
  CursorStream(CursorStream&&) = delete;
  CursorStream& operator=(CursorStream&&) = delete;

  // Enters pipeline mode and queues the prologue, DECLARE and the first FETCHes.
  void start();
  // Reads what the socket holds and handles every complete result without
  // blocking. Returns true once the stream is finished (pipeline left, the
  // connection idle or inside the caller's open transaction).
  bool pump();
  // Drives the stream to its end on this thread (poll() on the socket, checking
  // for interruption at least every 100 ms).
  void run();

  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] int socket() const { return PQsocket(conn_); }
  // poll() events the stream waits for: POLLIN, plus POLLOUT while output is queued.
  [[nodiscard]] short poll_events() const;
  // Call when poll() reports POLLOUT.
  void on_writable();

 private:
  enum class Expect { command, fetch, sync };
  void queue(const std::string& sql, Expect kind, int format);
  void queue_sync();
  void queue_fetch();
  void queue_close();
  void handle(PGresult* result);
  void on_batch(const PGresult* result);

  PGconn* conn_;
  CursorStreamOptions options_;
  RowDecoder* decoder_;
  RunContext* context_;
  std::optional<pg::Pipeline> pipeline_;
  std::deque<int> fetch_sizes_;  // the row counts asked for by the FETCHes in flight, oldest first
  int next_fetch_rows_ = 0;
  std::deque<Expect> expected_;
  bool awaiting_end_of_query_ = false;  // a query's result was read; its NULL terminator is next
  bool want_write_ = false;
  bool exhausted_ = false;  // a short FETCH: no more FETCHes are sent
  bool closing_ = false;
  bool finished_ = false;
  // run()'s waits (pg/read_pacer.hpp), with a smaller target and nap than COPY's:
  // a FETCH's result is decoded whole before the next read, and the socket must
  // not fill while it decodes and naps (64 KiB and 1 ms cost it 12 % of its rows/s).
  pg::ReadPacer pacer_{32 * 1024, std::chrono::microseconds(400)};
  int fetches_in_flight_ = 0;
  std::uint64_t rows_ = 0;
  std::chrono::steady_clock::time_point last_mark_{};
};

}  // namespace benchlab
