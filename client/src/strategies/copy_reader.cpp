#include "strategies/copy_reader.hpp"

#include <poll.h>

#include <cerrno>
#include <system_error>

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
  copy_.emplace(conn, query, format);
}

void CopyReader::batch_done() {
  if (rows_in_batch_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  context_->record_batch(rows_in_batch_, now - last_mark_);
  last_mark_ = now;
  rows_in_batch_ = 0;
  if (fault_ != nullptr) fault_->after_batch(conn_);
}

CopyReader::Progress CopyReader::pump(int max_messages) {
  if (finished_) return Progress::done;
  std::string_view message;
  for (int i = 0; i < max_messages; ++i) {
    switch (copy_->next(message)) {
      case pg::CopyOut::Next::message: {
        const std::uint64_t n = decoder_->consume_copy(message.data(), message.size());
        if (n > 0 && rows_ == 0) context_->mark_first_row();
        rows_ += n;
        rows_in_batch_ += n;
        if (rows_in_batch_ >= static_cast<std::uint64_t>(batch_rows_)) batch_done();
        break;
      }
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
  for (;;) {
    const Progress progress = pump();
    if (progress == Progress::done) return;
    context_->check_interrupted();
    if (progress == Progress::more) continue;
    pollfd p{socket(), POLLIN, 0};
    const int r = ::poll(&p, 1, 100);
    if (r < 0 && errno != EINTR) throw pg::BrokenConnection("poll failed: " + std::generic_category().message(errno));
  }
}

}  // namespace benchlab
