#include "strategies/cursor_stream.hpp"

#include <poll.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <system_error>

#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/connection.hpp"
#include "pg/result.hpp"
#include "strategies/fault_point.hpp"

namespace benchlab {

CursorStream::CursorStream(PGconn* conn, CursorStreamOptions options, RowDecoder& decoder, RunContext& context)
    : conn_(conn), options_(std::move(options)), decoder_(&decoder), context_(&context) {
  if (options_.batch_rows < 1) throw std::invalid_argument("batch_rows must be at least 1");
  if (options_.depth < 1) options_.depth = 1;
  if (options_.first_fetch_rows < 1) options_.first_fetch_rows = 1;
  if (options_.fetch_growth < 1) options_.fetch_growth = 1;
  next_fetch_rows_ = std::min(options_.first_fetch_rows, options_.batch_rows);
}

// The Pipeline member's destructor cancels the server's work if results are
// still pending (error or interruption); the connection's owner then closes it.
CursorStream::~CursorStream() = default;

void CursorStream::queue(const std::string& sql, Expect kind, int format) {
  pipeline_->send(sql, format);
  expected_.push_back(kind);
}

void CursorStream::queue_sync() {
  pipeline_->sync();
  expected_.push_back(Expect::sync);
}

void CursorStream::queue_fetch() {
  const int n = next_fetch_rows_;
  queue(fmt::format("FETCH FORWARD {} FROM {}", n, options_.cursor_name), Expect::fetch,
        static_cast<int>(options_.format));
  queue_sync();
  fetch_sizes_.push_back(n);
  ++fetches_in_flight_;
  // Geometric growth up to batch_rows (64-bit product: no overflow for any int).
  next_fetch_rows_ = static_cast<int>(
      std::min<std::int64_t>(static_cast<std::int64_t>(n) * options_.fetch_growth, options_.batch_rows));
}

void CursorStream::queue_close() {
  queue(fmt::format("CLOSE {}", options_.cursor_name), Expect::command, 0);
  for (const auto& sql : options_.epilogue) queue(sql, Expect::command, 0);
  queue_sync();
  closing_ = true;
}

void CursorStream::start() {
  pipeline_.emplace(conn_);
  for (const auto& sql : options_.prologue) queue(sql, Expect::command, 0);
  // DECLARE plans for 10% of the rows by default; this cursor reads them all.
  queue("SET LOCAL cursor_tuple_fraction = 1.0", Expect::command, 0);
  queue(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", options_.cursor_name, options_.query), Expect::command, 0);
  queue_sync();
  context_->mark_query_sent();
  last_mark_ = std::chrono::steady_clock::now();
  for (int i = 0; i < options_.depth; ++i) queue_fetch();
  want_write_ = !pipeline_->flush();
}

short CursorStream::poll_events() const { return static_cast<short>(POLLIN | (want_write_ ? POLLOUT : 0)); }

void CursorStream::on_writable() { want_write_ = !pipeline_->flush(); }

void CursorStream::on_batch(const PGresult* result) {
  --fetches_in_flight_;
  const int asked = fetch_sizes_.front();
  fetch_sizes_.pop_front();
  const int n = PQntuples(result);
  if (exhausted_) return;  // a FETCH sent ahead past the end: 0 rows
  if (n < asked) {
    // The cursor is drained: no more FETCHes; CLOSE and the epilogue queue
    // behind the FETCHes still in flight (no extra round trip).
    exhausted_ = true;
    queue_close();
  } else {
    queue_fetch();  // keep `depth` FETCHes at the server while this batch decodes
  }
  want_write_ = !pipeline_->flush();
  if (n == 0) return;
  if (rows_ == 0) context_->mark_first_row();
  const std::uint64_t bytes_before = decoder_->totals().bytes;
  decoder_->consume(result);
  const std::uint64_t batch_bytes = decoder_->totals().bytes - bytes_before;
  pacer_.consumed(static_cast<std::size_t>(batch_bytes));
  rows_ += static_cast<std::uint64_t>(n);
  const auto now = std::chrono::steady_clock::now();
  context_->record_batch(static_cast<std::uint64_t>(n), batch_bytes, now - last_mark_);
  last_mark_ = now;
  if (options_.fault != nullptr) options_.fault->after_batch(conn_);
  context_->check_interrupted();
}

void CursorStream::handle(PGresult* raw) {
  pg::Result result(raw);
  const ExecStatusType status = result.status();
  const Expect front = expected_.front();
  if (status == PGRES_PIPELINE_SYNC) {
    if (front != Expect::sync) throw pg::Error("cursor stream: pipeline out of step (unexpected sync)");
    expected_.pop_front();
    return;
  }
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    if (front == Expect::sync) throw pg::Error("cursor stream: pipeline out of step (missing sync)");
    if (front == Expect::fetch) on_batch(result.get());
    awaiting_end_of_query_ = true;
    return;
  }
  pg::check_result(conn_, result.get(), "cursor read failed");  // throws the typed error
  throw pg::Error(fmt::format("cursor read failed: unexpected result status {}", PQresStatus(status)));
}

bool CursorStream::pump() {
  if (finished_) return true;
  if (PQconsumeInput(conn_) != 1) {
    throw pg::BrokenConnection(fmt::format("cursor read failed: {}", pg::one_line(PQerrorMessage(conn_))));
  }
  while (!expected_.empty() && PQisBusy(conn_) == 0) {
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) {
      if (!awaiting_end_of_query_) {
        throw pg::BrokenConnection(
            fmt::format("cursor read failed: results ended early: {}", pg::one_line(PQerrorMessage(conn_))));
      }
      awaiting_end_of_query_ = false;
      expected_.pop_front();
      continue;
    }
    handle(result);
  }
  if (closing_ && expected_.empty()) {
    pipeline_->exit();
    pipeline_.reset();
    finished_ = true;
  }
  return finished_;
}

void CursorStream::run() {
  if (!pipeline_ && !finished_) start();
  while (!pump()) {
    // A nap while the server queues more, unless a FETCH waits to be sent or
    // data is already there (pump() takes one read per turn).
    if (options_.pace_reads && !want_write_) pacer_.before_wait(socket());
    pollfd p{socket(), poll_events(), 0};
    const int r = ::poll(&p, 1, 100);
    if (r < 0 && errno != EINTR)
      throw pg::BrokenConnection(fmt::format("poll failed: {}", std::generic_category().message(errno)));
    if ((p.revents & POLLOUT) != 0) on_writable();
    context_->check_interrupted();
  }
}

}  // namespace benchlab
