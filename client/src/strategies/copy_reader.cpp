#include "strategies/copy_reader.hpp"

#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/error.hpp"
#include "strategies/fault_point.hpp"

namespace benchlab {

CopyReader::CopyReader(PGconn* conn, const std::string& query, WireFormat format, int batch_rows, RowDecoder& decoder,
                       RunContext& context)
    : decoder_(&decoder), context_(&context), batch_rows_(batch_rows < 1 ? 1 : batch_rows), conn_(conn) {
  // The read starts with the describe (the cursor strategies count their DECLARE
  // too); the decoder must know the columns before the first message arrives.
  context.mark_query_sent();
  last_mark_ = std::chrono::steady_clock::now();
  decoder.expect_copy(pg::describe_columns(conn, query), format);
  // A worker reads several parts in turn through one decoder: this part's batches
  // count from what the decoder holds now.
  bytes_at_mark_ = decoder.totals().bytes;
  copy_.emplace(conn, query, format);
}

void CopyReader::batch_done() {
  if (rows_in_batch_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t decoded = decoder_->totals().bytes;
  context_->record_batch(rows_in_batch_, decoded - bytes_at_mark_, now - last_mark_);
  last_mark_ = now;
  bytes_at_mark_ = decoded;
  rows_in_batch_ = 0;
  if (fault_ != nullptr) fault_->after_batch(conn_);
}

void CopyReader::handle(std::string_view message) {
  bytes_ += message.size();
  const std::uint64_t n = decoder_->consume_copy(message.data(), message.size());
  if (n > 0 && rows_ == 0) context_->mark_first_row();
  rows_ += n;
  rows_in_batch_ += n;
  if (rows_in_batch_ >= static_cast<std::uint64_t>(batch_rows_)) batch_done();
}

CopyReader::Progress CopyReader::pump(int max_messages) {
  if (finished_) return Progress::done;
  std::string_view message;
  for (int i = 0; i < max_messages; ++i) {
    switch (copy_->next(message)) {
      case pg::CopyOut::Next::message:
        handle(message);
        break;
      case pg::CopyOut::Next::would_block:
        return Progress::would_block;
      case pg::CopyOut::Next::done:
        batch_done();
        finished_ = true;
        return Progress::done;
    }
  }
  return Progress::more;
}

void CopyReader::run() {
  if (finished_) return;
  pg::drain(
      *copy_, [this](std::string_view message) { handle(message); }, [this] { context_->check_interrupted(); });
  batch_done();
  finished_ = true;
}

}  // namespace benchlab
