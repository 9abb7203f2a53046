// naive: one query (pg::exec_waiting: the same as PQexecParams, but interruptible), the whole result materialized by
// libpq, every row decoded and kept until the end. It exists to show client memory growing with the row count.
#include <chrono>

#include "decode/decoded_rows.hpp"
#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/connection.hpp"
#include "pg/snapshot.hpp"
#include "pg/wait.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

namespace {

class Naive final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "naive"; }

  void run(const ReadSpec& spec, RunContext& context) override {
    MeteredConnection conn = context.connect();
    RowDecoder decoder(spec.types, spec.digest, spec.masks);
    if (!spec.snapshot_id.empty()) pg::import_snapshot(conn.connection(), spec.snapshot_id);  // --snapshot
    const std::string sql = spec.all_query();
    context.check_interrupted();
    context.mark_query_sent();
    const auto sent = std::chrono::steady_clock::now();
    // Sent asynchronously so an interruption is noticed while the server is still
    // producing (the cancel guard then stops it); the result is still the whole
    // result, materialized by libpq, as PQexecParams would return it.
    pg::Result result = pg::exec_waiting(
        conn.connection(), sql, static_cast<int>(spec.format), [&] { context.check_interrupted(); },
        "naive read failed");
    const auto rows = static_cast<std::uint64_t>(result.rows());
    if (rows > 0) context.mark_first_row();
    // Every decoded value, and the materialized result it points into, stays
    // alive until the run ends.
    DecodedRows kept;
    decoder.consume_and_keep(kept.adopt(std::move(result)), kept);
    context.record_batch(rows, decoder.totals().bytes, std::chrono::steady_clock::now() - sent);
    if (!spec.snapshot_id.empty()) conn.connection().exec("COMMIT");
    context.add_totals(decoder.totals());
    conn.finish();
    context.check_interrupted();
    // `kept` (decoded values and the wire rows) is released only here.
  }
};

}  // namespace

std::unique_ptr<Strategy> make_naive() { return std::make_unique<Naive>(); }

}  // namespace benchlab
