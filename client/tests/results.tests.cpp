// The artifact: schema (required fields, context first), atomic write, no secrets.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "support.hpp"

#include "pg/connection.hpp"
#include "results/artifact.hpp"

namespace fs = std::filesystem;
using namespace benchlab;

using Scratch = benchlab::test::TempDir;

namespace {

BenchmarkReport sample_report() {
  BenchmarkReport report;
  SizeResult size;
  size.limit = 1000;
  size.all = {1, 1000, 1000};
  WireCeiling w;
  w.rows_per_sec = summarize({2000.0, 2200.0, 1800.0});
  size.wire_ceiling["text"] = w;
  size.server_rows = 1000;
  size.server_checksum = 0xDEADBEEFCAFEF00DULL;
  size.server_checksum_source = "range_checksum";
  StrategyResult ok{"naive", {}, {}, 0};
  for (double rps : {1000.0, 1100.0, 900.0}) {
    RunFigures f;
    f.rows = 1000;
    f.rows_per_sec = rps;
    f.checksum = 0xDEADBEEFCAFEF00DULL;
    f.peak_rss_bytes = 1 << 20;
    f.rows_match = true;
    f.checksum_match = true;
    ok.runs.push_back(f);
  }
  StrategyResult bad{"async_stream", {}, {}, 0};
  RunFigures f;
  f.rows = 999;
  f.rows_per_sec = 500;
  f.rows_match = false;
  f.checksum_match = false;
  bad.runs.push_back(f);
  StrategyResult failed{"pooled_sync", {}, {"pooled_sync run 1/3: connection lost"}, 0};
  size.strategies = {ok, bad, failed};
  report.sizes.push_back(size);
  return report;
}

cli::RunOptions sample_options() {
  cli::RunOptions o;
  o.strategies = {"naive", "async_stream", "pooled_sync"};
  o.row_counts = {1000};
  return o;
}

}  // namespace

TEST_CASE("artifact: context first, then the benchmarks with the Python lab's field names", "[results]") {
  dataset::TableInfo table;
  table.display_name = "public.benchlab_records";
  results::TargetFacts target;
  target.dsn_redacted = pg::redact_conninfo("host=db.example port=5433 user=me password=hunter2Secret");
  results::stamp_start(target);
  results::ServerFacts server;
  server.version = "15.0";
  const auto a = results::build_artifact(sample_options(), target, server, table, sample_report());

  CHECK(a.begin().key() == "context");
  const auto& c = a["context"];
  for (const char* k : {"schema_version", "date", "host", "compiler", "benchlab_version", "git_commit", "postgresql",
                        "target", "options"})
    CHECK(c.contains(k));
  for (const char* k : {"cpu_model", "cores", "memory_bytes", "kernel"}) CHECK(c["host"].contains(k));
  CHECK(c["schema_version"] == results::kSchemaVersion);
  CHECK(c["date"] == target.started_at);
  CHECK(c["host"]["load_average"].size() == 3);
  CHECK(a.dump().find("hunter2Secret") == std::string::npos);
  CHECK(c["target"]["dsn"].get<std::string>().find("db.example") != std::string::npos);

  REQUIRE(a["benchmarks"].size() == 3);
  const auto& b = a["benchmarks"][0];
  CHECK(b["limit"] == 1000);
  CHECK(b["strategy"] == "naive");
  CHECK(b["format"] == "text");
  CHECK(b["workers"] == 2);
  CHECK(b["throughput_rows_per_sec"]["median"] == 1000.0);
  CHECK(b["throughput_rows_per_sec"]["min"] == 900.0);
  CHECK(b["throughput_rows_per_sec"]["max"] == 1100.0);
  CHECK(b["peak_rss_bytes"]["median"] == double(1 << 20));
  CHECK(b["ratio_to_wire_ceiling"].get<double>() == Approx(0.5));
  CHECK(b["status"] == "ok");
  CHECK(b["rows_match"] == true);
  REQUIRE(b["runs"].size() == 3);
  for (const char* k : {"wall_s", "rows", "bytes", "rows_per_sec", "mb_per_sec", "ttfr_ms", "cpu_user_s", "cpu_sys_s",
                        "server_cpu_user_s", "server_cpu_sys_s", "peak_rss_bytes", "maxrss_bytes", "latency_ms",
                        "pool_wait_s", "checksum", "rows_match", "checksum_match", "unknown_values", "notes"})
    CHECK(b["runs"][0].contains(k));
  CHECK(b["runs"][0]["checksum"] == "0xdeadbeefcafef00d");
  for (const char* k : {"p50", "p95", "p99"}) CHECK(b["runs"][0]["latency_ms"].contains(k));

  CHECK(a["benchmarks"][1]["status"] == "mismatch");
  CHECK(a["benchmarks"][1]["rows_match"] == false);
  CHECK(a["benchmarks"][2]["status"] == "error");
  CHECK(a["benchmarks"][2]["errors"].size() == 1);

  REQUIRE(a["sizes"].size() == 1);
  CHECK(a["sizes"][0]["wire_ceiling"]["text"]["rows_per_sec"]["median"] == 2000.0);
  CHECK(a["sizes"][0]["server_checksum"] == "0xdeadbeefcafef00d");
  CHECK(a["status"]["complete"] == true);
}

TEST_CASE("ratio to the wire ceiling: the median of per-round ratios, the old median/median kept", "[results]") {
  // The machine speeds up and slows down: each run is judged against its own round's ceiling.
  StrategyResult s{"cursor_pagination", {}, {}, 0};
  const double ceilings[] = {1000.0, 2000.0, 4000.0};
  const double rps[] = {900.0, 1000.0, 3600.0};  // ratios 0.9, 0.5, 0.9
  for (int i = 0; i < 3; ++i) {
    RunFigures f;
    f.round = i + 1;
    f.rows_per_sec = rps[i];
    f.wire_ceiling_rows_per_sec = ceilings[i];
    s.runs.push_back(f);
  }
  CHECK(s.round_ratios() == std::vector<double>{0.9, 0.5, 0.9});
  CHECK(*ratio_to_wire_ceiling(s, 2000.0) == Approx(0.9));
  CHECK(*ratio_of_medians(s, 2000.0) == Approx(0.5));
  StrategyResult none{"naive", {}, {}, 0};
  CHECK_FALSE(ratio_to_wire_ceiling(none, 2000.0).has_value());
}

TEST_CASE("artifact: written atomically, no temporary file left", "[results]") {
  Scratch dir("results-test");
  const results::Json doc = {{"context", {{"schema_version", 1}}}, {"benchmarks", results::Json::array()}};
  const fs::path first = results::write_artifact(dir.path, doc);
  const fs::path second = results::write_artifact(dir.path, doc);  // same second: a distinct name
  CHECK(first != second);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) {
    ++files;
    const std::string name = e.path().filename().string();
    CHECK(name.starts_with("run-"));
    CHECK(e.path().extension() == ".json");
  }
  CHECK(files == 2);
  std::ifstream in(first);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(results::Json::parse(ss.str()) == doc);
}

TEST_CASE("results dir: created when missing, refused when unwritable", "[results]") {
  Scratch dir("results-test");
  const fs::path nested = dir.path / "a" / "b";
  CHECK(results::ensure_writable_dir(nested));
  CHECK(fs::is_directory(nested));
  CHECK(fs::is_empty(nested));  // the probe file is gone
  CHECK_FALSE(results::ensure_writable_dir(nested));

  const fs::path file = dir.path / "file";
  std::ofstream(file) << "x";
  CHECK_THROWS_WITH(results::ensure_writable_dir(file), Catch::Contains("not a directory"));
  CHECK_THROWS_WITH(results::ensure_writable_dir(file / "sub"), Catch::Contains("--results-dir"));
}

TEST_CASE("checksum_hex: 0x and 16 hex digits", "[results]") {
  CHECK(results::checksum_hex(0) == "0x0000000000000000");
  CHECK(results::checksum_hex(0xFFFFFFFFFFFFFFFFULL) == "0xffffffffffffffff");
}
