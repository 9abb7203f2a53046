// copy_stream: one connection, one read-only transaction, COPY (<query>) TO STDOUT
// in the run's format read with libpq's non-blocking COPY-out API; every row
// parsed from the COPY stream and every value decoded by the same decoders as
// the other strategies (binary COPY fields are the send bytes, de-escaped text
// fields the output text), so the shared checksum applies unchanged.
#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/snapshot.hpp"
#include "strategies/copy_reader.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

namespace {

class CopyStream final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "copy_stream"; }

  void run(const ReadSpec& spec, RunContext& context) override {
    MeteredConnection conn = context.connect();
    RowDecoder decoder(spec.types, spec.digest, spec.masks);
    context.check_interrupted();
    context.mark_query_sent();  // from BEGIN on, as cursor_pagination counts its pipelined BEGIN
    if (spec.snapshot_id.empty())
      conn.connection().exec("BEGIN READ ONLY");
    else
      pg::import_snapshot(conn.connection(), spec.snapshot_id);  // --snapshot: the held snapshot
    CopyReader reader(conn.raw(), spec.all_query(), spec.format, spec.batch_rows, decoder, context);
    reader.run();
    conn.connection().exec("COMMIT");
    context.add_totals(decoder.totals());
    conn.finish();
  }
};

}  // namespace

std::unique_ptr<Strategy> make_copy_stream() { return std::make_unique<CopyStream>(); }

}  // namespace benchlab
