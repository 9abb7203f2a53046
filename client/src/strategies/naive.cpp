// naive: one query, the whole result materialized by libpq, every row decoded and
// kept until the end. It exists to show client memory growing with the row count.
#include <libpq-fe.h>

#include <chrono>
#include <fmt/format.h>

#include "decode/decoded_rows.hpp"
#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/connection.hpp"
#include "strategies/strategies.hpp"

namespace benchlab {

namespace {

class Naive final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "naive"; }

  void run(const ReadSpec& spec, RunContext& context) override {
    MeteredConnection conn = context.connect();
    RowDecoder decoder(spec.format);
    const std::string sql = spec.range_query(spec.all);
    context.check_interrupted();
    context.mark_query_sent();
    const auto sent = std::chrono::steady_clock::now();
    pg::Result result(PQexecParams(conn.raw(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                                   static_cast<int>(spec.format)));
    pg::check_result(conn.raw(), result.get(), "naive read failed");
    const auto rows = static_cast<std::uint64_t>(result.rows());
    if (rows > 0) context.mark_first_row();
    // Every decoded value, and the materialized result it points into, stays
    // alive until the run ends.
    DecodedRows kept;
    decoder.consume_and_keep(kept.adopt(std::move(result)), kept);
    context.record_batch(rows, std::chrono::steady_clock::now() - sent);
    context.add_totals(decoder.totals());
    conn.finish();
    context.check_interrupted();
    // `kept` (decoded values and the wire rows) is released only here.
  }
};

}  // namespace

std::unique_ptr<Strategy> make_naive() { return std::make_unique<Naive>(); }

}  // namespace benchlab
