// cursor_pagination: one connection, one read-only transaction, a NO SCROLL
// cursor drained with pipelined FETCH FORWARD batch_rows (CursorStream), so the
// server produces batch k+1 while the client decodes batch k.
#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/snapshot.hpp"
#include "strategies/cursor_stream.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

namespace {

class CursorPagination final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "cursor_pagination"; }

  void run(const ReadSpec& spec, RunContext& context) override {
    MeteredConnection conn = context.connect();
    RowDecoder decoder(spec.types, spec.digest, spec.masks);
    CursorStreamOptions options;
    options.prologue = spec.snapshot_id.empty() ? std::vector<std::string>{"BEGIN READ ONLY"}
                                                : pg::snapshot_import_statements(spec.snapshot_id);
    options.query = spec.all_query();
    options.epilogue = {"COMMIT"};
    options.batch_rows = spec.batch_rows;
    options.format = spec.format;
    options.pace_reads = true;
    context.check_interrupted();
    CursorStream stream(conn.raw(), std::move(options), decoder, context);
    stream.run();
    context.add_totals(decoder.totals());
    conn.finish();
  }
};

}  // namespace

std::unique_ptr<Strategy> make_cursor_pagination() { return std::make_unique<CursorPagination>(); }

}  // namespace benchlab
