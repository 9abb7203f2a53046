// benchclient advise: the sample's spans, the model's arithmetic, the artifact, and
// end to end on the test server — every strategy's sampled reads matched with the
// server's rows, within the time budget, and the bad inputs refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "advise/calibrate.hpp"
#include "model/advise.hpp"
#include "report/markdown_reporter.hpp"
#include "store/advise_artifact.hpp"
#include "store/artifact_json.hpp"
#include "store/report_set.hpp"
#include "strategies/registry.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace benchlab;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
const fs::path kSweep = fs::path(BENCHLAB_SOURCE_DIR) / "results" / "run-20261202T045428Z.json";

StrategyCalibration calibrated(const std::string& name, double wall_s, double fixed_s, std::uint64_t rows,
                               std::uint64_t base_rss, std::uint64_t peak_rss, double server_ns, double client_ns) {
  StrategyCalibration s;
  s.strategy = name;
  s.format = WireFormat::text;
  s.rows = rows;
  s.reads = 3;
  s.wall_s = wall_s;
  s.fixed_s = fixed_s;
  s.base_rss_bytes = base_rss;
  s.peak_rss_bytes = peak_rss;
  s.server_cpu_ns_per_row = server_ns;
  s.client_cpu_ns_per_row = client_ns;
  s.rows_match = s.checksum_match = true;
  return s;
}

AdviseCalibration calibration_of(std::vector<StrategyCalibration> strategies) {
  AdviseCalibration c;
  c.table = "public.t";
  c.table_rows = 1000000;
  c.sample_rows = 100000;
  c.cores = 2;
  c.server_shares_cores = true;
  c.workers = 2;
  c.batch_rows = 5000;
  c.memory_limit_bytes = 50 * kMiB;
  c.memory_limit_source = "--memory-budget";
  c.strategies = std::move(strategies);
  return c;
}

std::vector<fs::path> advise_files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with("advise-")) out.push_back(e.path());
  return out;
}

}  // namespace

TEST_CASE("advise: the sample's spans are spread over the whole table, disjoint and in order", "[advise]") {
  const auto spans = advise::spread_spans(1000, 64, 32);
  REQUIRE(spans.size() == 32);
  std::uint64_t pages = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const auto [lo, hi] = spans[i];
    CHECK(lo <= hi);
    CHECK(hi < 1000);
    pages += static_cast<std::uint64_t>(hi - lo + 1);
    // Span i lies in stride i of the table: the sample reaches its end, not only its start.
    CHECK(static_cast<std::uint64_t>(lo) >= i * 1000 / 32);
    CHECK(static_cast<std::uint64_t>(hi) < (i + 1) * 1000 / 32);
    if (i > 0) CHECK(spans[i - 1].second < lo);
  }
  CHECK(pages == 64);
  CHECK(spans.back().first >= 1000 - 1000 / 32);

  // The whole table: spans that cover it, the last open-ended.
  const auto whole = advise::spread_spans(100, 100, 32);
  REQUIRE(!whole.empty());
  CHECK(whole.front().first == 0);
  CHECK(whole.back().second == kOpenEnd);
  for (std::size_t i = 1; i < whole.size(); ++i) CHECK(whole[i].first == whole[i - 1].second + 1);

  // Fewer pages than spans: a span per page.
  const auto few = advise::spread_spans(5, 2, 32);
  const auto most = advise::spread_spans(100, 90, 32);  // most of it, still spread
  CHECK(most.back().second != kOpenEnd);
  REQUIRE(few.size() == 2);
  CHECK(few[0].first < few[1].first);
  CHECK(advise::spread_spans(0, 10, 32).empty());
  CHECK(advise::minimum_sample_rows(4, 5000) == 40000);
  CHECK(advise::minimum_sample_rows(1, 10) == 10000);
}

TEST_CASE("advise: a sampled part reads each span by its own TID range scan", "[advise]") {
  ReadSpec spec;
  spec.relation_sql = "public.t";
  spec.select_list = "a";
  spec.split = Split::ctid;
  KeyRange part;
  part.lo = 3;
  part.hi = kOpenEnd;
  part.block_spans = {{3, 4}, {10, kOpenEnd}};
  CHECK(spec.range_query(part) ==
        "SELECT a FROM public.t WHERE ctid >= '(3,0)'::tid AND ctid < '(5,0)'::tid UNION ALL "
        "SELECT a FROM public.t WHERE ctid >= '(10,0)'::tid");
}

TEST_CASE("advise: predictions from the sample's steady rate, fixed cost and memory", "[advise]") {
  // copy_stream: 100000 rows in 1.1 s of which 0.1 s fixed: 100000 rows/s steady,
  // so the table's 1M rows take 0.1 + 10 s.
  // naive: its peak grows with the rows, 10 MiB over its base for 100000 rows.
  // parallel_copy: faster, but predicted beyond the 50 MiB limit? No: it holds batches.
  const AdviseCalibration c = calibration_of({
      calibrated("copy_stream", 1.1, 0.1, 100000, 10 * kMiB, 15 * kMiB, 1000, 400),
      calibrated("naive", 0.6, 0.1, 100000, 10 * kMiB, 20 * kMiB, 1000, 2000),
      calibrated("parallel_copy", 0.6, 0.1, 100000, 10 * kMiB, 16 * kMiB, 1000, 400),
  });
  const auto p = predict(c);
  REQUIRE(p.size() == 3);
  CHECK(p[0].wall_s == Approx(10.1));
  CHECK(p[0].rows_per_sec == Approx(1e6 / 10.1));
  CHECK(p[0].peak_rss_bytes == 15 * kMiB);
  CHECK_FALSE(p[0].rss_grows_with_rows);
  CHECK(p[1].rss_grows_with_rows);
  CHECK(p[1].peak_rss_bytes == 10 * kMiB + 100 * kMiB);
  CHECK_FALSE(p[1].fits_memory);
  CHECK(p[1].limited_by == AdviseLimit::memory);
  // The fastest that fits, the runner-up named; naive (faster than copy_stream here,
  // but over the limit) is left out and said so.
  const auto r = recommend(p, c);
  REQUIRE(r);
  CHECK(r->strategy == "parallel_copy");
  CHECK(r->runner_up == "copy_stream");
  CHECK(test::contains(r->why, "1 left out"));
  // One row of the model per strategy and format, the recommended one marked.
  AdviseResult a{c, p, r, std::nullopt};
  const StrategyTable t = predictions_table(a);
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[2][0] == "parallel_copy (recommended)");
  CHECK(test::contains(recommendation_text(a), "Runner-up: copy_stream"));

  // In two formats, the runner-up is another strategy: the same one in the other
  // format is no alternative architecture.
  AdviseCalibration both = c;
  StrategyCalibration binary = both.strategies[2];
  binary.format = WireFormat::binary;
  binary.wall_s = 0.7;  // parallel_copy binary, second fastest of all
  both.strategies.push_back(binary);
  const auto r2 = recommend(predict(both), both);
  REQUIRE(r2);
  CHECK(r2->strategy == "parallel_copy");
  CHECK(r2->runner_up == "copy_stream");
}

TEST_CASE("advise: the calibration's slowest and fastest reads bound each prediction, and a tie is said", "[advise]") {
  // copy_stream: reads of 1.1 s (median), 1.0 s and 1.6 s, 0.1 s fixed: the prediction
  // (1M rows in 0.1 + 10 s) moved as far as those reads were from the median one.
  StrategyCalibration copy = calibrated("copy_stream", 1.1, 0.1, 100000, 10 * kMiB, 15 * kMiB, 1000, 400);
  copy.fastest_wall_s = 1.0;
  copy.slowest_wall_s = 1.6;
  // parallel_copy: 0.6 s, as fast as 0.55 s and as slow as 0.65 s: clearly faster.
  StrategyCalibration parallel = calibrated("parallel_copy", 0.6, 0.1, 100000, 10 * kMiB, 16 * kMiB, 1000, 400);
  parallel.fastest_wall_s = 0.55;
  parallel.slowest_wall_s = 0.65;
  AdviseCalibration c = calibration_of({copy, parallel});
  c.memory_limit_bytes = 0;
  auto p = predict(c);
  REQUIRE(p.size() == 2);
  REQUIRE(p[0].rows_per_sec_low);
  REQUIRE(p[0].rows_per_sec_high);
  CHECK(p[0].rows_per_sec == Approx(1e6 / 10.1));
  CHECK(*p[0].rows_per_sec_low == Approx(1e6 / 10.1 * 1.1 / 1.6));
  CHECK(*p[0].rows_per_sec_high == Approx(1e6 / 10.1 * 1.1 / 1.0));
  CHECK(*p[0].rows_per_sec_low < p[0].rows_per_sec);
  CHECK(p[0].rows_per_sec < *p[0].rows_per_sec_high);
  auto r = recommend(p, c);
  REQUIRE(r);
  CHECK(r->strategy == "parallel_copy");
  CHECK_FALSE(r->tie_with_runner_up);
  CHECK_FALSE(test::contains(r->why, "cannot tell"));
  // The runner-up's range reaches the recommended one's: a tie, and the sentence says
  // how to measure both (copy_stream's high 99k × 1.1 ÷ 0.6 = 181.5k against
  // parallel_copy's low 196k × 0.6 ÷ 0.65 = 181.0k).
  c.strategies[0].fastest_wall_s = 0.6;
  p = predict(c);
  r = recommend(p, c);
  REQUIRE(r);
  CHECK(r->tie_with_runner_up);
  CHECK(test::contains(r->why,
                       "measure both (benchclient --dsn … --table public.t --rows all --format text --strategy "
                       "parallel_copy,copy_stream)"));
  // In two formats, each is measured.
  c.strategies[0].format = WireFormat::binary;
  r = recommend(predict(c), c);
  REQUIRE(r);
  CHECK(test::contains(r->why, "--strategy parallel_copy,copy_stream, once with --format text and once with"));
  c.strategies[0].format = WireFormat::text;
  // One read: no range, and no tie claimed from noise nobody measured.
  c.strategies[0].reads = 1;
  c.strategies[1].reads = 1;
  p = predict(c);
  CHECK_FALSE(p[0].rows_per_sec_low);
  CHECK_FALSE(recommend(p, c)->tie_with_runner_up);

  // The check: a prediction outside ±15% of the median whose range meets the
  // measured runs' range is counted apart, and the widest spread of the runs named.
  StrategyCheck sc;
  sc.strategy = "copy_stream";
  sc.predicted_rows_per_sec = 130;
  sc.predicted_rows_per_sec_low = 110;
  sc.predicted_rows_per_sec_high = 150;
  sc.measured_rows_per_sec = 100;
  sc.measured_rows_per_sec_min = 60;
  sc.measured_rows_per_sec_max = 115;
  sc.predicted_rss_bytes = sc.measured_rss_bytes = kMiB;
  sc.runs = 3;
  CHECK_FALSE(sc.rows_within());
  CHECK(sc.ranges_meet());
  CHECK(*sc.measured_spread() == Approx(0.55));
  StrategyCheck apart = sc;  // the same, but its ranges do not meet
  apart.strategy = "naive";
  apart.measured_rows_per_sec_min = 95;
  apart.measured_rows_per_sec_max = 105;
  CHECK_FALSE(apart.ranges_meet());
  AdviseResult a;
  a.calibration = c;
  a.check = AdviseCheck{};
  a.check->strategies = {sc, apart};
  const CheckSummary s = summarize_check(*a.check, 1);
  CHECK(s.ranges_meet == 1);
  CHECK(s.rows_within == 0);
  CHECK(*s.widest_spread == Approx(0.55));
  CHECK(s.widest_spread_strategy == "copy_stream text");
  CHECK(test::contains(check_summary_text(a), "1 of 2 predicted ranges meet the measured runs' range"));
  const StrategyTable t = check_table(a);
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0].back() == "range, RSS");
  CHECK(t.rows[1].back() == "RSS");
  CHECK(t.rows[0][2] == "130 (110–150)");
  CHECK(t.rows[0][3] == "100 (60–115)");
}

TEST_CASE("advise: the whole read's own part queries move a parallel strategy's prediction with its bound",
          "[advise]") {
  // Two backends at 1000 ns of server CPU per row bind (2 ÷ 1000 ns = 2M rows/s; the
  // client's 100 ns allow 20M): a part query costing twice the sample's per row halves
  // the bound, and the steady rate with it. cores 0: the server runs elsewhere.
  // The sample: 100000 rows in 0.06 s after 0.1 s fixed, 1.67M rows/s, 0.83 of the bound.
  AdviseCalibration c =
      calibration_of({calibrated("parallel_copy", 0.16, 0.1, 100000, 10 * kMiB, 16 * kMiB, 1000, 100)});
  c.strategies[0].parts = "partitions";
  c.server_shares_cores = false;
  c.table_rows = 100000;
  const double before = predict(c).at(0).wall_s;
  c.partition_server_ratio = 2.0;
  const Prediction after = predict(c).at(0);
  CHECK(after.wall_s == Approx(0.1 + 2 * (before - 0.1)));
  CHECK(after.limited_by == AdviseLimit::server);
  c.batch_server_ratio = 3.0;  // batches are pooled_sync's, not parallel_copy's
  CHECK(predict(c).at(0).wall_s == Approx(after.wall_s));
  // A strategy reading at under kWaitingBelowBound of its bound waits on round trips.
  c.partition_server_ratio.reset();
  c.strategies[0].wall_s = 10.1;  // 10000 rows/s against a bound of 2M
  CHECK(predict(c).at(0).limited_by == AdviseLimit::round_trips);
}

TEST_CASE("advise: a check compares each prediction with the full reads' medians", "[advise]") {
  const Artifact run = read_artifact_file(kSweep);
  REQUIRE(!run.report.sizes.empty());
  const SizeResult& size = run.report.sizes.front();
  const SizeSummary& summary = run.summary.sizes.front();
  AdviseResult a;
  a.calibration = calibration_of({});
  a.calibration.memory_limit_bytes = 0;
  a.calibration.seconds = 3;
  const WireFormat format = run.context.read.format;
  double best = 0;
  std::string best_name;
  for (const StrategyResult& s : size.strategies) {
    const StrategySummary* m = summary.of(size, s.strategy);
    Prediction p;
    p.strategy = s.strategy;
    p.format = format;
    p.rows_per_sec = m->rows_per_sec.median * 1.1;  // 10% over every measured median
    p.peak_rss_bytes = static_cast<std::uint64_t>(m->peak_rss_bytes.median);
    a.predictions.push_back(p);
    if (m->rows_per_sec.median > best) {
      best = m->rows_per_sec.median;
      best_name = s.strategy;
    }
  }
  a.recommendation = Recommendation{size.strategies.front().strategy, format, "why", "", std::nullopt};
  const AdviseCheck check = check_predictions(a, {{kSweep.string(), run}}, 30);
  REQUIRE(check.strategies.size() == size.strategies.size());
  for (const StrategyCheck& sc : check.strategies) {
    CHECK(sc.rows_error() == Approx(0.1));
    CHECK(sc.rows_within());
    CHECK(sc.rss_within());
    CHECK(sc.runs == 3);
  }
  CHECK(check.best_measured == best_name);
  REQUIRE(check.recommended_share_of_best);
  CHECK(*check.recommended_share_of_best ==
        Approx(summary.of(size, size.strategies.front().strategy)->rows_per_sec.median / best));
  a.check = check;
  const CheckSummary s = summarize_check(check, a.calibration.seconds);
  CHECK(s.rows_within == check.strategies.size());
  CHECK(*s.calibration_share == Approx(0.1));
  CHECK(test::contains(check_summary_text(a),
                       fmt::format("{} of {} predictions within ±15%", s.strategies, s.strategies)));
  // 25% over: rows/s out; RSS 25% over is within, and 8 MiB over a small peak is too.
  StrategyCheck off;
  off.strategy = "x";
  off.predicted_rows_per_sec = 125;
  off.measured_rows_per_sec = 100;
  off.predicted_rss_bytes = 125 * kMiB;
  off.measured_rss_bytes = 100 * kMiB;
  off.runs = 3;
  CHECK_FALSE(off.rows_within());
  CHECK(off.rss_within());
  off.predicted_rss_bytes = 20 * kMiB;
  off.measured_rss_bytes = 13 * kMiB;
  CHECK(off.rss_within());
  off.predicted_rss_bytes = 200 * kMiB;
  CHECK_FALSE(off.rss_within());
}

TEST_CASE("advise: the artifact reads back as written, and report renders it", "[advise][report]") {
  AdviseArtifact artifact;
  artifact.context = read_artifact_file(kSweep).context;
  artifact.result.calibration =
      calibration_of({calibrated("copy_stream", 1.1, 0.1, 100000, 10 * kMiB, 15 * kMiB, 1000, 400)});
  artifact.result.calibration.partition_server_ratio = 1.5;
  artifact.result.calibration.notes = {"a note"};
  artifact.result.calibration.strategies[0].fastest_wall_s = 1.0;
  artifact.result.calibration.strategies[0].slowest_wall_s = 1.3;
  artifact.result.predictions = predict(artifact.result.calibration);
  REQUIRE(artifact.result.predictions.at(0).rows_per_sec_low);
  artifact.result.recommendation = recommend(artifact.result.predictions, artifact.result.calibration);
  const auto doc = advise_artifact_json(artifact);
  CHECK(doc["kind"] == "advise");
  REQUIRE(doc["predictions"].size() == 1);
  for (const char* key :
       {"strategy", "rows_per_sec", "rows_per_sec_low", "rows_per_sec_high", "peak_rss_bytes", "wall_s", "limited_by"})
    CHECK(doc["predictions"][0].contains(key));
  for (const char* key : {"strategy", "why", "runner_up", "tie_with_runner_up"})
    CHECK(doc["recommendation"].contains(key));
  CHECK(doc["calibration"]["table_rows"] == 1000000);

  test::TempDir dir("advise_artifact");
  const fs::path file = dir.path / "advise-x.json";
  write_advise_artifact(artifact, file);
  const ReportSet set = load_report_set({file.string()});
  REQUIRE(set.advises.size() == 1);
  CHECK(set.advises.front().artifact.result == artifact.result);
  const test::Outcome md = test::run_benchclient({"report", "--format", "md", file.string()}, dir.path);
  INFO(md.err);
  REQUIRE(md.exit_code == 0);
  CHECK(test::contains(md.out, "## " + file.string()));
  CHECK(test::contains(md.out, "Recommended: copy_stream"));
  CHECK(test::contains(md.out, "| copy_stream (recommended) | text |"));

  // Two checks of the same table and rows: the report says how far apart the same
  // full reads measured, each strategy's median against the earlier one's.
  AdviseArtifact again = artifact;
  StrategyCheck sc;
  sc.strategy = "copy_stream";
  sc.measured_rows_per_sec = 100;
  sc.predicted_rows_per_sec = 100;
  artifact.result.check = AdviseCheck{};
  artifact.result.check->rows = 1000000;
  artifact.result.check->strategies = {sc, sc};
  artifact.result.check->strategies[1].strategy = "naive";
  again.result.check = artifact.result.check;
  again.result.check->strategies[0].measured_rows_per_sec = 130;  // +30%
  again.result.check->strategies[1].measured_rows_per_sec = 90;   // -10%
  const auto repeated = compare_checks(artifact.result, "a.json", again.result, "b.json");
  REQUIRE(repeated);
  CHECK(repeated->compared == 2);
  CHECK(repeated->within == 1);
  CHECK(*repeated->largest_difference == Approx(0.3));
  CHECK(repeated->largest_strategy == "copy_stream text");
  AdviseArtifact other_rows = again;
  other_rows.result.check->rows = 2000000;
  CHECK_FALSE(compare_checks(artifact.result, "a.json", other_rows.result, "c.json"));
  const fs::path first = dir.path / "advise-1.json", second = dir.path / "advise-2.json";
  write_advise_artifact(artifact, first);
  write_advise_artifact(again, second);
  const test::Outcome both =
      test::run_benchclient({"report", "--format", "md", first.string(), second.string()}, dir.path);
  INFO(both.err);
  REQUIRE(both.exit_code == 0);
  CHECK(test::contains(both.out,
                       "1 of 2 medians within ±15% of each other (largest difference: copy_stream text, +30%)"));

  // Pairs by date, not by the order given; past another table's check and another
  // machine's, to the latest earlier one of the same table and rows on this machine;
  // a strategy that read other rows than the server's is not compared.
  artifact.context.date = "2026-01-01T00:00:00Z";
  again.context.date = "2026-01-03T00:00:00Z";
  AdviseArtifact other_table = again, other_host = again;
  other_table.result.calibration.table = "public.other";
  other_table.context.date = "2026-01-02T00:00:00Z";
  other_host.context.host.cpu_model = "another CPU";
  other_host.context.date = "2026-01-02T12:00:00Z";
  ReportSet checks;
  checks.advises = {{"later.json", again},
                    {"other-table.json", other_table},
                    {"other-host.json", other_host},
                    {"earlier.json", artifact}};
  auto pairs = repeated_checks(checks);
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].earlier == "earlier.json");
  CHECK(pairs[0].later == "later.json");
  CHECK(pairs[0].compared == 2);
  checks.advises[0].artifact.result.check->strategies[0].read_exactly = false;
  pairs = repeated_checks(checks);
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].compared == 1);
  CHECK(pairs[0].within == 1);
}

TEST_CASE("advise: every strategy reads the sample exactly as the server has it, within the time budget",
          "[db][advise]") {
  test::ScratchDatabase db("advise_run");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 60000)");
  test::TempDir dir("advise_run");
  const test::Outcome out =
      test::run_benchclient({"advise", "--dsn", db.conninfo(), "--table", "public.t", "--format", "both",
                             "--time-budget", "60s", "--json", "--results-dir", dir.path.string(), "--no-progress"},
                            dir.path);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const auto doc = nlohmann::json::parse(out.out);
  CHECK(doc["kind"] == "advise");
  const auto& c = doc["calibration"];
  CHECK(c["seconds"].get<double>() <= 60);
  REQUIRE(c["strategies"].size() == 2 * strategy_names().size());  // every strategy in two formats
  for (const auto& s : c["strategies"]) {
    INFO(s.dump());
    CHECK(s["reads"].get<int>() >= 1);
    CHECK(s["rows_match"] == true);
    CHECK(s["checksum_match"] == true);
    CHECK(s["rows"] == c["sample_rows"]);
  }
  REQUIRE(c["formats"].size() == 2);
  CHECK(c["formats"][0]["rows"] == c["sample_rows"]);
  if (c["table_rows_exact"].get<bool>()) {
    CHECK(c["table_rows"] == 60000);
  } else {  // a sample of part of the table, spread over it: its rows per page × the pages
    CHECK(c["sample_pages"].get<std::uint64_t>() < c["table_pages"].get<std::uint64_t>());
    CHECK(c["spans"].get<int>() > 1);
    CHECK(c["table_rows"].get<double>() == Approx(60000).epsilon(0.2));
  }
  REQUIRE(doc["predictions"].size() == 2 * strategy_names().size());
  for (const auto& p : doc["predictions"]) CHECK(p["rows_per_sec"].get<double>() > 0);
  const std::string recommended = doc["recommendation"]["strategy"];
  CHECK(std::any_of(doc["predictions"].begin(), doc["predictions"].end(),
                    [&](const auto& p) { return p["strategy"] == recommended; }));
  // The same document is in results-dir, and the human view went to stderr.
  const auto files = advise_files(dir.path);
  REQUIRE(files.size() == 1);
  CHECK(nlohmann::json::parse(test::slurp(files.front())) == doc);
  CHECK(test::contains(out.err, "Recommended: "));
}

TEST_CASE("advise --check reads the whole table with each strategy and compares", "[db][advise]") {
  test::ScratchDatabase db("advise_check");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 20000)");
  test::TempDir dir("advise_check");
  const test::Outcome out = test::run_benchclient(
      {"advise", "--dsn", db.conninfo(), "--table", "public.t", "--strategy", "copy_stream,parallel_copy", "--check",
       "--runs", "1", "--warmup", "0", "--results-dir", dir.path.string(), "--no-progress", "--console", "none"},
      dir.path);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const auto files = advise_files(dir.path);
  REQUIRE(files.size() == 1);
  const auto doc = nlohmann::json::parse(test::slurp(files.front()));
  const auto& check = doc["check"];
  CHECK(check["rows"] == 20000);
  REQUIRE(check["strategies"].size() == 2);
  for (const auto& s : check["strategies"]) {
    CHECK(s["measured_rows_per_sec"].get<double>() > 0);
    CHECK(s["read_exactly"] == true);
    CHECK(s["runs"] == 1);
  }
  REQUIRE(check["run_files"].size() == 1);
  CHECK(fs::exists(check["run_files"][0].get<std::string>()));
  CHECK(test::contains(out.out, "predicted against measured"));
  const test::Outcome md = test::run_benchclient({"report", "--format", "md", files.front().string()}, dir.path);
  REQUIRE(md.exit_code == 0);
  CHECK(test::contains(md.out, "Predicted against measured"));
}

TEST_CASE("advise: a table too small to sample is read whole, and says so", "[db][advise]") {
  test::ScratchDatabase db("advise_small");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 10)");
  test::TempDir dir("advise_small");
  const test::Outcome out =
      test::run_benchclient({"advise", "--dsn", db.conninfo(), "--table", "public.t", "--strategy", "naive,copy_stream",
                             "--results-dir", dir.path.string(), "--no-progress"},
                            dir.path);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  CHECK(test::contains(out.out, "the sample is the table"));
  const auto doc = nlohmann::json::parse(test::slurp(advise_files(dir.path).at(0)));
  CHECK(doc["calibration"]["table_rows"] == 10);
  CHECK(doc["calibration"]["table_rows_exact"] == true);
  CHECK(doc["predictions"].size() == 2);
}

TEST_CASE("advise refuses bad input in one line, exit 2, writing nothing", "[db][advise][cli]") {
  test::ScratchDatabase db("advise_bad");
  db.admin().exec(
      "CREATE TABLE public.empty (id bigint PRIMARY KEY, v text);"
      "CREATE TABLE public.parted (id bigint PRIMARY KEY, v text) PARTITION BY RANGE (id);"
      "CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (100);"
      "INSERT INTO public.parted SELECT g, 'x' FROM generate_series(1, 50) g;"
      "SELECT benchlab.seed_records('public.t', 100)");
  test::TempDir dir("advise_bad");
  const std::string results = (dir.path / "results").string();
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--table", "public.empty"}, "is empty"},
      {{"--table", "public.parted"}, "is partitioned"},
      {{"--table", "public.t", "--time-budget", "1s"}, "--time-budget 1s: too small"},
      {{"--table", "public.t", "--time-budget", "soon"}, "--time-budget 'soon'"},
      {{"--table", "public.t", "--rows", "100"}, "--rows: advise predicts a read of the whole --table"},
      {{"--table", "public.t", "--strategy", "nope"}, "--strategy: unknown strategy 'nope'"},
      {{"--table", "public.t", "--no-shared-snapshot"}, "--no-shared-snapshot"},
      {{"--table", "public.t", "--markdown", "x.md"}, "--markdown writes one run's report"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"advise", "--dsn", db.conninfo(), "--results-dir", results, "--no-progress"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const test::Outcome out = test::run_benchclient(args, dir.path);
    INFO(fmt::format("{}\n{}", fmt::join(c.args, " "), out.err));
    CHECK(out.exit_code == 2);
    CHECK(test::contains(out.err, c.says));
    CHECK(test::line_count(out.err) == 1);
    CHECK(advise_files(results).empty());
  }
  // A run reads one format: both is advise's.
  const test::Outcome run = test::run_benchclient(
      {"--dsn", db.conninfo(), "--table", "public.t", "--all", "--format", "both", "--results-dir", results}, dir.path);
  CHECK(run.exit_code == 2);
  CHECK(test::contains(run.err, "--format both: a run reads one wire format"));
}

TEST_CASE("advise: a time budget too small for one sample names the minimum", "[db][advise][cli]") {
  // Rows slow by construction: a policy that sleeps 10 ms for every row the role
  // reads, so a sample of this table takes seconds whatever the machine.
  test::ScratchDatabase db("advise_slow");
  const std::string role = fmt::format("benchlab_advise_slow_{}", getpid());
  db.admin().exec(
      fmt::format("SET client_min_messages = warning; DROP ROLE IF EXISTS {0}; CREATE ROLE {0} LOGIN;"
                  "GRANT USAGE ON SCHEMA benchlab TO {0};"
                  "SELECT benchlab.seed_records('public.t', 100);"
                  "CREATE FUNCTION public.slowly() RETURNS boolean LANGUAGE sql VOLATILE AS "
                  "$$ SELECT true FROM pg_sleep(0.01) $$;"
                  "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;"
                  "CREATE POLICY slow ON public.t FOR SELECT USING (public.slowly());"
                  "GRANT SELECT ON public.t TO {0}",
                  role));
  test::TempDir dir("advise_slow");
  const std::string results = (dir.path / "results").string();
  const test::Outcome out =
      test::run_benchclient({"advise", "--dsn", db.conninfo() + " user=" + role, "--table", "public.t", "--time-budget",
                             "2s", "--results-dir", results, "--no-progress"},
                            dir.path);
  db.admin().exec(fmt::format("DROP OWNED BY {0}; DROP ROLE {0}", role));
  INFO(out.err);
  CHECK(out.exit_code == 2);
  CHECK(test::contains(out.err, "--time-budget 2s is too small to calibrate table public.t"));
  CHECK(test::contains(out.err, "give --time-budget"));
  CHECK(test::line_count(out.err) == 1);
  CHECK(advise_files(results).empty());
}
