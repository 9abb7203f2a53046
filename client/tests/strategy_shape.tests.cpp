// Each strategy's shape and the bound it allows (model/strategy_shape.hpp): exact
// arithmetic on given figures, the summary's per-run fractions, the artifact's
// fields, the reports, and an artifact written before the shape was kept.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include "support.hpp"

#include "model/context.hpp"
#include "model/number_format.hpp"
#include "model/strategy_shape.hpp"
#include "model/strategy_table.hpp"
#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"
#include "strategies/registry.hpp"

namespace fs = std::filesystem;
using namespace benchlab;
using Scratch = benchlab::test::TempDir;

namespace {

// A run of `rows` rows at `rows_per_sec` whose client and server spent the given CPU per row.
RunFigures run_at(double rows_per_sec, double client_ns, double server_ns, std::uint64_t rows = 1000000) {
  RunFigures r;
  r.rows = rows;
  r.rows_per_sec = rows_per_sec;
  r.cpu_user_s = client_ns * static_cast<double>(rows) / 1e9;
  r.server_cpu_user_s = server_ns * static_cast<double>(rows) / 1e9;
  r.server_cpu_sys_s = 0;
  return r;
}

}  // namespace

TEST_CASE("shape: what each strategy reads with at once", "[shape]") {
  CHECK(strategy_shape("naive", 4) == StrategyShape{1, 1, false});
  CHECK(strategy_shape("cursor_pagination", 4) == StrategyShape{1, 1, false});
  CHECK(strategy_shape("copy_stream", 4) == StrategyShape{1, 1, false});
  CHECK(strategy_shape("pooled_sync", 4) == StrategyShape{4, 4, false});
  CHECK(strategy_shape("async_stream", 4) == StrategyShape{4, 1, false});
  CHECK(strategy_shape("multiprocessing", 3) == StrategyShape{3, 3, true});
  CHECK(strategy_shape("parallel_copy", 2) == StrategyShape{2, 1, false});
  CHECK(strategy_shape("parallel_copy/unshared", 2) == StrategyShape{2, 1, false});  // the control reads alike
  // A single-connection strategy needs no worker count; a parallel one does.
  CHECK(strategy_shape("copy_stream", 0) == StrategyShape{1, 1, false});
  CHECK_FALSE(strategy_shape("pooled_sync", 0).has_value());
  CHECK_FALSE(strategy_shape("a_strategy_of_another_version", 2).has_value());
  // Every strategy this build runs has one.
  for (const auto& name : strategy_names()) {
    INFO(name);
    CHECK(strategy_shape(name, 2).has_value());
  }
  CHECK(describe(StrategyShape{1, 1, false}) == "1 backend → 1 thread");
  CHECK(describe(StrategyShape{2, 1, false}) == "2 backends → 1 thread");
  CHECK(describe(StrategyShape{4, 4, false}) == "4 backends → 4 threads");
  CHECK(describe(StrategyShape{2, 2, true}) == "2 backends → 2 processes");
}

TEST_CASE("shape bound: the least of backends ÷ server, workers ÷ client and cores ÷ both", "[shape]") {
  // One backend and one thread, a pipeline: 1 ÷ max(s, c), whichever side is slower.
  auto b = shape_bound({1, 1, false}, 1400, 600, 2);  // 714.3k (server), 1.67M (client), 1M (cores)
  REQUIRE(b);
  CHECK(b->rows_per_sec == Approx(1e9 / 1400));
  CHECK(b->limit == BoundLimit::server);
  b = shape_bound({1, 1, false}, 500, 800, 2);  // 2M, 1.25M, 1.54M
  REQUIRE(b);
  CHECK(b->rows_per_sec == Approx(1e9 / 800));
  CHECK(b->limit == BoundLimit::client);
  // Two backends into one thread on 2 cores: 1.43M, 2.22M, 1.08M: the cores bind.
  b = shape_bound({2, 1, false}, 1400, 450, 2);
  REQUIRE(b);
  CHECK(b->rows_per_sec == Approx(2e9 / 1850));
  CHECK(b->limit == BoundLimit::cores);
  // Four backends into one thread on 8 cores: 2.86M, 1.11M, 3.48M: the one client thread binds.
  b = shape_bound({4, 1, false}, 1400, 900, 8);
  REQUIRE(b);
  CHECK(b->rows_per_sec == Approx(1e9 / 900));
  CHECK(b->limit == BoundLimit::client);
  // Two pipelines: 2 ÷ max(s, c) with the cores left out (the server runs elsewhere) ...
  b = shape_bound({2, 2, true}, 1000, 400, 0);
  REQUIRE(b);
  CHECK(b->rows_per_sec == Approx(2e6));
  CHECK(b->limit == BoundLimit::server);
  // ... and 2 ÷ (s + c) when the two pipelines share 2 cores.
  b = shape_bound({2, 2, true}, 1000, 400, 2);
  REQUIRE(b);
  CHECK(b->rows_per_sec == Approx(2e9 / 1400));
  CHECK(b->limit == BoundLimit::cores);
  // A tie: the server is named first.
  b = shape_bound({1, 1, false}, 1000, 1000, 0);
  REQUIRE(b);
  CHECK(b->limit == BoundLimit::server);
  CHECK_FALSE(shape_bound({1, 1, false}, 0, 400, 2).has_value());
  CHECK_FALSE(shape_bound({1, 1, false}, 1000, 0, 2).has_value());
}

TEST_CASE("shape bound in the summary: each run against its own figures, the limit at the medians", "[shape]") {
  // copy_stream: 1 backend → 1 thread. Runs at 1000 ns of server and 500 of client CPU
  // per row are bound at 1M rows/s by the backend; one run slower on the server side.
  StrategyResult copy{
      "copy_stream", {run_at(900000, 500, 1000), run_at(950000, 500, 1000), run_at(500000, 500, 2000)}, {}, 0};
  StrategySummary sum = summarize(copy, SizeResult{}, WireFormat::binary, 3, 2, 2);
  REQUIRE(sum.shape);
  CHECK(*sum.shape == StrategyShape{1, 1, false});
  REQUIRE(sum.shape_bound_rows_per_sec.count == 3);
  CHECK(sum.shape_bound_rows_per_sec.median == Approx(1e6));
  CHECK(sum.shape_bound_rows_per_sec.min == Approx(5e5));
  CHECK(sum.fraction_of_shape_bound.median == Approx(0.95));  // 0.9, 0.95, 1.0 (500k ÷ 500k)
  CHECK(sum.fraction_of_shape_bound.max == Approx(1.0));
  REQUIRE(sum.shape_limit);
  CHECK(*sum.shape_limit == BoundLimit::server);
  // The machine's bound is another figure: 2 cores ÷ 1500 ns = 1.33M rows/s.
  CHECK(sum.cpu_bound_rows_per_sec.median == Approx(2e9 / 1500));

  // pooled_sync with 4 workers but only 2 parts: only 2 readers had work.
  RunFigures r = run_at(1e6, 500, 1000);
  r.parts = {PartFigures{0, "", 1, 10, 500000, 0, 1.0, 0, 0}, PartFigures{1, "", 11, 20, 500000, 0, 1.0, 0, 0}};
  StrategyResult pooled{"pooled_sync", {r}, {}, 0};
  sum = summarize(pooled, SizeResult{}, WireFormat::text, 1, 0, 4);
  REQUIRE(sum.shape);
  CHECK(*sum.shape == StrategyShape{2, 2, false});
  CHECK(sum.shape_bound_rows_per_sec.median == Approx(2e6));  // 2 backends ÷ 1000 ns, no cores term
  CHECK(sum.fraction_of_shape_bound.median == Approx(0.5));
  CHECK(*sum.shape_limit == BoundLimit::server);

  // Without the server's CPU there is no bound, but the shape is still known.
  RunFigures unmeasured = run_at(1e6, 500, 1000);
  unmeasured.server_cpu_user_s.reset();
  sum = summarize(StrategyResult{"naive", {unmeasured}, {}, 0}, SizeResult{}, WireFormat::text, 1, 2, 2);
  CHECK(sum.shape.has_value());
  CHECK(sum.shape_bound_rows_per_sec.count == 0);
  CHECK(sum.fraction_of_shape_bound.count == 0);
  CHECK_FALSE(sum.shape_limit.has_value());
  // Workers not known: a parallel strategy's shape is not either.
  sum =
      summarize(StrategyResult{"async_stream", {run_at(1e6, 500, 1000)}, {}, 0}, SizeResult{}, WireFormat::text, 1, 2);
  CHECK_FALSE(sum.shape.has_value());
  CHECK(sum.fraction_of_shape_bound.count == 0);
}

namespace {

const fs::path kMainSweep = fs::path(BENCHLAB_SOURCE_DIR) / "results" / "run-20261202T045428Z.json";

}  // namespace

TEST_CASE("shape bound in the artifact: written beside the CPU bound, recomputed when read", "[shape][results]") {
  const Artifact a = read_artifact_file(kMainSweep);
  const Json written = Json(a);
  bool parallel_copy_seen = false;
  for (const auto& b : written["benchmarks"]) {
    INFO(b["strategy"]);
    REQUIRE(b.contains("shape"));
    REQUIRE(b["shape"].is_object());
    CHECK(b["shape"]["limit"].is_string());
    CHECK(b["fraction_of_shape_bound"]["median"].get<double>() > 0);
    CHECK(b["shape_bound_rows_per_sec"]["median"].get<double>() > 0);
    CHECK(b.contains("cpu_bound_rows_per_sec"));  // the machine's bound keeps its name and meaning
    if (b["strategy"] == "parallel_copy") {
      parallel_copy_seen = true;
      CHECK(b["shape"]["backends"] == a.context.read.workers);
      CHECK(b["shape"]["client_workers"] == 1);
      CHECK(b["shape"]["client_workers_are"] == "threads");
    }
  }
  CHECK(parallel_copy_seen);
  Scratch dir("shape-artifact");
  const fs::path file = dir.path / "run.json";
  write_atomically(file, written.dump(2) + "\n");
  const Artifact back = read_artifact_file(file);
  CHECK(back == a);
  CHECK(Json(back).dump() == written.dump());  // the derived fields come out the same
}

TEST_CASE("shape bound of an artifact written before it was kept: the reports show it from the runs",
          "[shape][report]") {
  Json old = Json::parse(test::slurp(kMainSweep));
  for (auto& b : old["benchmarks"]) {
    b.erase("shape");
    b.erase("shape_bound_rows_per_sec");
    b.erase("fraction_of_shape_bound");
  }
  Scratch dir("shape-old");
  const fs::path file = test::write_file(dir.path, "run-old.json", old.dump(2));
  const Artifact a = read_artifact_file(file);
  // cursor_pagination: each run's rows/s ÷ 1 ÷ max(server, client) of that run's own figures.
  const SizeResult& size = a.report.sizes.front();
  const StrategyResult* cursor = size.strategy("cursor_pagination");
  REQUIRE(cursor != nullptr);
  std::vector<double> fractions;
  for (const RunFigures& r : cursor->runs)
    fractions.push_back(r.rows_per_sec * std::max(*r.server_cpu_ns_per_row(), *r.client_cpu_ns_per_row()) / 1e9);
  const StrategySummary* sum = a.summary.sizes.front().of(size, "cursor_pagination");
  REQUIRE(sum != nullptr);
  CHECK(sum->fraction_of_shape_bound.median == Approx(summarize(fractions).median));
  CHECK(sum->fraction_of_shape_bound.median > sum->fraction_of_cpu_bound.median);

  const test::Outcome md = test::run_benchclient({"report", file.string()}, dir.path);
  INFO(md.err);
  REQUIRE(md.exit_code == 0);
  CHECK(test::contains(md.out,
                       "| strategy | client CPU / row | server CPU / row | shape | its bound (rows/s) | limited by | "
                       "/ bound | CPU bound (rows/s) | / CPU bound |\n"));
  CHECK(test::contains(md.out, "| cursor_pagination | "));
  CHECK(test::contains(
      md.out, fmt::format(" | 1 backend → 1 thread | {} | server | {:.2f} | ", si(sum->shape_bound_rows_per_sec.median),
                          sum->fraction_of_shape_bound.median)));
  CHECK(test::contains(md.out, fmt::format("| {:.2f} | ✓ / ✓ |", sum->fraction_of_shape_bound.median)));  // "/bound"
  const test::Outcome html = test::run_benchclient({"report", "--format", "html", file.string()}, dir.path);
  REQUIRE(html.exit_code == 0);
  CHECK(test::contains(html.out, "<th class=\"l\">limited by</th>"));
  CHECK(test::contains(html.out, "<td class=\"l\">1 backend → 1 thread</td>"));
}
