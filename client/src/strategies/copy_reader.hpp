// The one COPY reading loop both COPY strategies share: COPY (<query>) TO STDOUT
// in the run's format, every CopyData message parsed and decoded by the
// RowDecoder as it arrives, batch latency recorded per `batch_rows` rows.
// Client memory: the message being decoded plus what libpq has buffered (one
// socket read, ~64 KiB-ish), whatever the size of the result.
//
// pump() never waits, so one thread can drive several readers with poll()
// (parallel_copy); run() drives one reader to its end (copy_stream).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/wire_format.hpp"
#include "pg/copy_out.hpp"

namespace benchlab {

class RunContext;
class RowDecoder;
class FaultPoint;

class CopyReader {
 public:
  // Describes `query` (its column types pick the decoders), then sends the COPY.
  // The connection must be idle, inside whatever transaction the caller opened.
  CopyReader(PGconn* conn, const std::string& query, WireFormat format, int batch_rows, RowDecoder& decoder,
             RunContext& context);

  enum class Progress { more, would_block, done };
  // Handles what has arrived, at most `max_messages` of it, without blocking:
  // `more` when it stopped at that limit (call again before waiting on the
  // socket), `would_block` when libpq holds nothing complete, `done` once the COPY
  // ended and succeeded (throws the typed error if it failed).
  Progress pump(int max_messages = 4096);
  // Drives the reader to its end on this thread (pg::drain: looking for an
  // interruption at least every 100 ms).
  void run();

  // An injected fault, told of every batch (tests).
  void set_fault(FaultPoint* fault) { fault_ = fault; }

  [[nodiscard]] int socket() const { return copy_->socket(); }
  // Bytes of COPY data handled so far (for a caller pacing its waits).
  [[nodiscard]] std::uint64_t bytes() const { return bytes_; }
  [[nodiscard]] bool finished() const { return finished_; }

 private:
  void batch_done();
  void handle(std::string_view message);

  RowDecoder* decoder_;
  RunContext* context_;
  int batch_rows_;
  std::optional<pg::CopyOut> copy_;
  std::uint64_t rows_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t rows_in_batch_ = 0;
  std::uint64_t bytes_at_mark_ = 0;  // the decoder's value bytes when the batch began
  std::chrono::steady_clock::time_point last_mark_;
  bool finished_ = false;
  FaultPoint* fault_ = nullptr;
  PGconn* conn_;
};

}  // namespace benchlab
