// `benchclient report`, run as the real binary on small artifacts written here in
// the shape of a real one (results/run-*.json): the Markdown tables carry the
// figures, several artifacts end with a side-by-side summary, and bad input is one
// line on stderr naming the file and what is missing, exit 2, nothing on stdout.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>
#include "support.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

using Scratch = benchlab::test::TempDir;

namespace {

using benchlab::test::Outcome;

Outcome run_benchclient(const std::vector<std::string>& args, const fs::path& dir) {
  return benchlab::test::run_benchclient(args, dir);
}

Json range(double median, double min, double max) { return Json{{"median", median}, {"min", min}, {"max", max}}; }

// One run as the artifact writes it. The report recomputes every figure from the
// runs, so they hold what the tables below must show: TTFR 12.34 ms, CPU 0.5/0.25 s,
// server CPU 1.0/0.1 s, the given p99, peak RSS and round ceiling.
Json run(double rows_per_sec, double p99_ms, double ceiling, std::uint64_t peak_rss, Json worker_each = Json::array(),
         bool checksum_match = true) {
  const bool forked = !worker_each.empty();
  return Json{{"wall_s", 1000 / rows_per_sec},
              {"rows", 1000},
              {"bytes", 150000},
              {"rows_per_sec", rows_per_sec},
              {"mb_per_sec", 40.0},
              {"ttfr_ms", 12.34},
              {"cpu_user_s", 0.5},
              {"cpu_sys_s", 0.25},
              {"server_cpu_user_s", 1.0},
              {"server_cpu_sys_s", 0.1},
              {"peak_rss_bytes", peak_rss},
              {"maxrss_bytes", 20971520},
              {"maxrss_children_bytes", 0},
              {"parent_peak_rss_bytes", 14680064},
              {"worker_peak_rss_bytes", forked ? Json(9437184) : Json(nullptr)},
              {"worker_peak_rss_bytes_each", worker_each},
              {"batches", 1},
              {"latency_ms", Json{{"p50", p99_ms / 2}, {"p95", p99_ms}, {"p99", p99_ms}, {"max", p99_ms}}},
              {"pool_wait_s", 0.0},
              {"checksum", "0xaea032e00230f8e3"},
              {"rows_match", true},
              {"checksum_match", checksum_match},
              {"unknown_values", 0},
              {"notes", Json::array()},
              {"round", 1},
              {"wire_ceiling_rows_per_sec", ceiling},
              {"ratio_to_wire_ceiling", rows_per_sec / ceiling}};
}

Json benchmark(const std::string& strategy, const std::string& format, int workers, Json rps, Json runs) {
  return Json{{"limit", 1000},
              {"strategy", strategy},
              {"format", format},
              {"workers", workers},
              {"batch_rows", 5000},
              {"runs_completed", runs.size()},
              {"warmups", 0},
              {"status", "ok"},
              {"throughput_rows_per_sec", rps},
              {"peak_rss_bytes", range(52428800, 50000000, 53000000)},
              {"parent_peak_rss_bytes", range(52428800, 50000000, 53000000)},
              {"worker_peak_rss_bytes", nullptr},
              {"mb_per_sec", range(40, 39, 41)},
              {"wall_s", range(0.004, 0.003, 0.005)},
              {"ttfr_ms", range(12.34, 10, 15)},
              {"cpu_user_s", range(0.5, 0.4, 0.6)},
              {"cpu_sys_s", range(0.25, 0.2, 0.3)},
              {"server_cpu_user_s", range(1.0, 0.9, 1.1)},
              {"server_cpu_sys_s", range(0.1, 0.09, 0.11)},
              {"ratio_to_wire_ceiling", 0.8333},
              {"ratio_of_medians_to_wire_ceiling", 0.8333},
              {"rows_match", true},
              {"checksum_match", true},
              {"errors", Json::array()},
              {"runs", runs}};
}

// A one-size artifact in the shape of results/run-*.json: naive, multiprocessing
// (worker/parent split), async_stream (checksum mismatch), pooled_sync (failed, no runs).
// The summaries it carries are what the runs give; the report recomputes them anyway.
Json sample_artifact(const std::string& format, int workers, double naive_rps) {
  constexpr std::uint64_t kMiB = 1024 * 1024;
  Json naive =
      benchmark("naive", format, workers, range(naive_rps, naive_rps - 50000, naive_rps + 50000),
                Json::array({run(naive_rps, 10, 300000, 50 * kMiB), run(naive_rps - 50000, 30, 300000, 50 * kMiB),
                             run(naive_rps + 50000, 20, 300000, 50 * kMiB)}));

  const Json each = {9437184, 9000000};
  Json mp = benchmark("multiprocessing", format, workers, range(1.5e6, 1.2e6, 1.6e6),
                      Json::array({run(1.5e6, 5, 1e6, 30 * kMiB, each), run(1.2e6, 7, 1e6, 30 * kMiB, each),
                                   run(1.6e6, 6, 1e6, 30 * kMiB, each)}));
  mp["peak_rss_bytes"] = range(31457280, 31457280, 31457280);
  mp["parent_peak_rss_bytes"] = range(14680064, 14680064, 14680064);
  mp["worker_peak_rss_bytes"] = range(9437184, 9437184, 9437184);
  mp["ratio_to_wire_ceiling"] = 1.5;
  // Two deliberately skewed parts in every run: rows 10 and 990 (CV 0.98), times 1 and 3 ms (CV 0.50).
  for (auto& r : mp["runs"])
    r["parts"] = Json::array({Json{{"index", 0},
                                   {"relation", nullptr},
                                   {"lo", 1},
                                   {"hi", 10},
                                   {"rows", 10},
                                   {"bytes", 1500},
                                   {"wall_s", 0.001}},
                              Json{{"index", 1},
                                   {"relation", nullptr},
                                   {"lo", 11},
                                   {"hi", nullptr},
                                   {"rows", 990},
                                   {"bytes", 148500},
                                   {"wall_s", 0.003}}});

  // The second run's checksum differs from the server's.
  Json bad = benchmark("async_stream", format, workers, range(400000, 390000, 410000),
                       Json::array({run(400000, 8, 480000, 50 * kMiB), run(390000, 9, 480000, 50 * kMiB, {}, false),
                                    run(410000, 10, 480000, 50 * kMiB)}));
  bad["status"] = "mismatch";
  bad["checksum_match"] = false;

  Json failed = benchmark("pooled_sync", format, workers, range(0, 0, 0), Json::array());
  failed["status"] = "error";
  failed["rows_match"] = nullptr;
  failed["checksum_match"] = nullptr;
  failed["ratio_to_wire_ceiling"] = nullptr;
  failed["errors"] = Json::array({"pooled_sync run 1/3: connection lost"});

  // Rounds at 300k/290k/310k rows/s (text) and 400k/390k/410k (binary): 45 and 60 MB/s medians.
  const Json ceiling_text{{"rows_per_sec", range(300000, 290000, 310000)},
                          {"mb_per_sec", range(45, 43.5, 46.5)},
                          {"rows", 1000},
                          {"bytes", 150000},
                          {"wall_s", {1000 / 300000.0, 1000 / 290000.0, 1000 / 310000.0}},
                          {"rows_per_sec_each", {300000, 290000, 310000}}};
  Json ceiling_binary = ceiling_text;
  ceiling_binary["rows_per_sec"] = range(400000, 390000, 410000);
  ceiling_binary["mb_per_sec"] = range(60, 58.5, 61.5);
  ceiling_binary["wall_s"] = {1000 / 400000.0, 1000 / 390000.0, 1000 / 410000.0};
  ceiling_binary["rows_per_sec_each"] = {400000, 390000, 410000};

  return Json{
      {"context",
       {{"schema_version", 1},
        {"date", "2026-11-21T16:44:30Z"},
        {"host",
         {{"cpu_model", "Test CPU 9000"},
          {"cores", 2},
          {"memory_bytes", 25274793984},
          {"kernel", "Linux 6.1.0 x86_64"},
          {"load_average", {0.5, 0.4, 0.3}}}},
        {"compiler", "g++ 12.2.0"},
        {"benchlab_version", "0.1.0"},
        {"git_commit", "unknown"},
        {"libpq_version", 150020},
        {"postgresql",
         {{"version", "15.20 (Debian 15.20-0+deb12u1)"},
          {"version_num", 150020},
          {"extension_version", "0.1.0"},
          {"settings", {{"jit", "on"}}}}},
        {"target", {{"dsn", "throwaway cluster"}, {"throwaway_cluster", true}, {"profile", "default"}}},
        {"table", {{"name", "public.benchlab_records"}, {"standard", true}, {"key", "id"}, {"columns", Json::array()}}},
        {"options",
         {{"strategies", {"naive", "multiprocessing", "async_stream", "pooled_sync"}},
          {"rows", {1000}},
          {"runs", 3},
          {"warmup", 0},
          {"format", format},
          {"workers", workers},
          {"batch_rows", 5000},
          {"statement_timeout_ms", 0},
          {"policy", "tolerant"},
          {"table", nullptr},
          {"key", "id"},
          {"measure_observer", true}}}}},
      {"status", {{"complete", true}, {"interrupted_by_signal", nullptr}, {"strict_failure", nullptr}}},
      {"benchmarks", Json::array({naive, mp, bad, failed})},
      {"sizes", Json::array({Json{{"limit", 1000},
                                  {"key_range", {{"lo", 1}, {"hi", 1000}, {"rows", 1000}}},
                                  {"partitions", 2},
                                  {"batches", 1},
                                  {"wire_ceiling", {{"binary", ceiling_binary}, {"text", ceiling_text}}},
                                  {"server_scan",
                                   {{"rows", 1000},
                                    {"bytes", 190000},
                                    {"elapsed_s", 0.5},
                                    {"cpu_user_s", 0.4},
                                    {"cpu_sys_s", 0.05},
                                    {"checksum", "0xaea032e00230f8e3"}}},
                                  {"server_rows", 1000},
                                  {"server_checksum", "0xaea032e00230f8e3"},
                                  {"server_checksum_source", "range_checksum"},
                                  {"notes", Json::array()}}})}};
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& content) {
  return benchlab::test::write_file(dir, name, content);
}

using benchlab::test::contains;

// Bad input: exit 2, nothing on stdout, one stderr line naming the file and the problem.
void require_input_error(const Outcome& o, const std::string& file, const std::string& what) {
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 2);
  CHECK(o.out.empty());
  CHECK(benchlab::test::line_count(o.err) == 1);
  CHECK(contains(o.err, "error"));
  CHECK(contains(o.err, file));
  CHECK(contains(o.err, what));
}

}  // namespace

TEST_CASE("report: one artifact gives its context, the size's ceilings and a strategy table", "[report]") {
  Scratch dir("report-test");
  const fs::path a = write(dir.path, "run-20261121T164635Z.json", sample_artifact("text", 2, 250000).dump(2));
  const Outcome o = run_benchclient({"report", a.string()}, dir.path);
  INFO("stdout:\n" << o.out << "\nstderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  CHECK(o.err.empty());

  CHECK(contains(o.out, "\n## run-20261121T164635Z.json\n"));
  CHECK(contains(o.out, "- **Date:** 2026-11-21T16:44:30Z\n"));
  CHECK(contains(o.out, "- **Host:** Test CPU 9000, 2 cores, 25.27GB memory\n"));
  CHECK(contains(o.out, "- **PostgreSQL:** 15.20 (Debian 15.20-0+deb12u1)\n"));
  CHECK(contains(o.out, "- **Server:** throwaway cluster, profile `default`\n"));
  CHECK(contains(o.out, "- **Format:** text · **workers:** 2 · **runs:** 3 · **batch rows:** 5000\n"));
  CHECK(contains(o.out, "\n### 1000 rows\n"));
  // The artifact's own format first: the ratios are to it.
  CHECK(contains(o.out, "text 300.0k rows/s (45.0 MB/s), binary 400.0k rows/s (60.0 MB/s); ratios below are to text"));
  CHECK(contains(o.out, "- server_scan (the server alone): 0.500 s, CPU 0.400/0.050 s user/sys, 1000 rows\n"));

  CHECK(contains(o.out,
                 "| strategy | rows/s | min … max | /ceiling | peak RSS | TTFR | p99 batch | CPU ns/row | /bound | "
                 "match |\n|:--|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n"));
  // p99 batch: the median over the runs of each run's p99 (10, 30, 20 ms); CPU per row: 0.75 s of the
  // client's and 1.1 s of the server's over 1000 rows; /bound: each run's rows/s ÷ the most its shape
  // allows at that cost, the median: naive's one backend, 1 ÷ 1.1 ms = 909 rows/s (250k ÷ 909.09).
  CHECK(contains(o.out,
                 "| naive | 250.0k | 200.0k … 300.0k | 0.83× | 50.0 MiB | 12.3 ms | 20.0 ms | 750000 + 1100000 | "
                 "275.00 | ✓ / ✓ |\n"));
  // The forked workers' share of the memory: beside the table, too wide for a column.
  CHECK(contains(o.out,
                 "| multiprocessing | 1.50M | 1.20M … 1.60M | 1.50× | 30.0 MiB | 12.3 ms | 6.0 ms | 750000 + 1100000 | "
                 "1387.50 | ✓ / ✓ |\n"));
  CHECK(contains(o.out, "\n- Peak RSS of multiprocessing: 30.0 MiB (2×9.0 + parent 14.0)\n"));
  CHECK(contains(o.out,
                 "| async_stream | 400.0k | 390.0k … 410.0k | 0.83× | 50.0 MiB | 12.3 ms | 9.0 ms | 750000 + 1100000 | "
                 "370.00 | ✓ / ✗ (mismatch) |\n"));
  // No runs: no figures (the artifact's zeros are not measurements), the error below the table.
  CHECK(contains(o.out, "| pooled_sync | — | — | — | — | — | — | — | — | — / — (error) |\n"));
  CHECK(contains(o.out, "- **pooled_sync** error: pooled_sync run 1/3: connection lost"));
  // One artifact: no summary.
  CHECK_FALSE(contains(o.out, "## Summary"));
  // Where the time went: 0.75 s of client CPU and 1.1 s of server CPU over 1000 rows. naive's
  // one backend allows 909 rows/s at that cost; async_stream's 2 backends 1.82k, its one thread
  // 1.33k, and 2 cores 2 / 1.85 ms = 1.08k rows/s, whatever the shape (a throwaway cluster: same host).
  CHECK(contains(o.out,
                 "| strategy | client CPU / row | server CPU / row | shape | its bound (rows/s) | limited by | / bound "
                 "| CPU bound (rows/s) | / CPU bound |\n|:--|--:|--:|:--|--:|:--|--:|--:|--:|\n"));
  CHECK(contains(o.out,
                 "| naive | 750000 ns | 1100000 ns | 1 backend → 1 thread | 909 | server | 275.00 | 1.1k | "
                 "231.25 |\n"));
  CHECK(contains(o.out,
                 "| async_stream | 750000 ns | 1100000 ns | 2 backends → 1 thread | 1.1k | cores | 370.00 | "
                 "1.1k | 370.00 |\n"));
  CHECK(contains(o.out, "| multiprocessing | 750000 ns | 1100000 ns | 2 backends → 2 processes | 1.1k | cores | "));
  CHECK_FALSE(contains(o.out, "| pooled_sync | 750000 ns"));  // no runs: no row
  // Skew: only the strategy that reported parts, its CVs (medians over the runs).
  CHECK(contains(o.out, "| strategy | parts | part rows CV | part time CV |\n"));
  CHECK(contains(o.out, "| multiprocessing | 2 | 0.98 | 0.50 |\n"));
  CHECK_FALSE(contains(o.out, "| naive | 0 |"));
}

TEST_CASE("report: several artifacts end with a summary, format and workers in the column headers", "[report]") {
  Scratch dir("report-test");
  const fs::path text = write(dir.path, "run-a.json", sample_artifact("text", 2, 250000).dump(2));
  const fs::path binary = write(dir.path, "run-b.json", sample_artifact("binary", 4, 350000).dump());
  const Outcome o = run_benchclient({"report", text.string(), binary.string()}, dir.path);
  INFO("stdout:\n" << o.out << "\nstderr: " << o.err);
  REQUIRE(o.exit_code == 0);

  // Both sections, in the order given; the binary one judged against the binary ceiling.
  const auto first = o.out.find("\n## run-a.json\n"), second = o.out.find("\n## run-b.json\n");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(
      contains(o.out, "binary 400.0k rows/s (60.0 MB/s), text 300.0k rows/s (45.0 MB/s); ratios below are to binary"));
  CHECK(contains(o.out, "- **Format:** binary · **workers:** 4 · **runs:** 3"));

  const auto summary = o.out.find("\n## Summary: rows/s (median)\n");
  REQUIRE(summary != std::string::npos);
  CHECK(summary > second);
  const std::string tail = o.out.substr(summary);
  CHECK(contains(tail,
                 "| strategy | run-a · 1000 rows · text · 2 workers | run-b · 1000 rows · binary · 4 workers |\n"
                 "|:--|--:|--:|\n"));
  CHECK(contains(tail, "| naive | 250.0k | 350.0k |\n"));
  CHECK(contains(tail, "| multiprocessing | 1.50M | 1.50M |\n"));
  CHECK(contains(tail, "| async_stream | 400.0k (mismatch) | 400.0k (mismatch) |\n"));
  CHECK(contains(tail, "| pooled_sync | — (error) | — (error) |\n"));
  CHECK(contains(tail, "| *wire ceiling (COPY)* | *300.0k* | *400.0k* |\n"));
  // Strategies in the tables' usual order, whatever order the artifacts hold them in.
  CHECK(tail.find("| naive |") < tail.find("| pooled_sync |"));
  CHECK(tail.find("| pooled_sync |") < tail.find("| async_stream |"));
  CHECK(tail.find("| async_stream |") < tail.find("| multiprocessing |"));
}

TEST_CASE("report: a missing file, a non-JSON file and missing fields are one-line errors, exit 2", "[report]") {
  Scratch dir("report-test");
  const fs::path good = write(dir.path, "good.json", sample_artifact("text", 2, 250000).dump());

  SECTION("missing file") {
    const std::string missing = (dir.path / "nope.json").string();
    require_input_error(run_benchclient({"report", good.string(), missing}, dir.path), missing, "no such file");
  }
  SECTION("not JSON") {
    const fs::path p = write(dir.path, "garbage.json", "benchmark went well\n");
    require_input_error(run_benchclient({"report", p.string()}, dir.path), p.string(), "not JSON");
  }
  SECTION("empty file") {
    const fs::path p = write(dir.path, "empty.json", "");
    require_input_error(run_benchclient({"report", p.string()}, dir.path), p.string(), "not JSON");
  }
  SECTION("JSON that is not an artifact") {
    const fs::path p = write(dir.path, "list.json", "[1, 2, 3]");
    require_input_error(run_benchclient({"report", p.string()}, dir.path), p.string(), "not a benchclient artifact");
  }
  SECTION("no context") {
    Json a = sample_artifact("text", 2, 250000);
    a.erase("context");
    const fs::path p = write(dir.path, "no-context.json", a.dump());
    require_input_error(run_benchclient({"report", p.string()}, dir.path), p.string(), "missing context");
  }
  SECTION("host without memory") {
    Json a = sample_artifact("text", 2, 250000);
    a["context"]["host"].erase("memory_bytes");
    const fs::path p = write(dir.path, "no-memory.json", a.dump());
    require_input_error(run_benchclient({"report", good.string(), p.string()}, dir.path), p.string(),
                        "missing context.host.memory_bytes");
  }
  SECTION("a benchmark without its throughput") {
    Json a = sample_artifact("text", 2, 250000);
    a["benchmarks"][2].erase("throughput_rows_per_sec");
    const fs::path p = write(dir.path, "no-rps.json", a.dump());
    require_input_error(run_benchclient({"report", p.string()}, dir.path), p.string(),
                        "missing benchmarks[2].throughput_rows_per_sec");
  }
  SECTION("a field of the wrong type") {
    Json a = sample_artifact("text", 2, 250000);
    a["context"]["options"]["workers"] = "two";
    const fs::path p = write(dir.path, "bad-workers.json", a.dump());
    require_input_error(run_benchclient({"report", p.string()}, dir.path), p.string(),
                        "context.options.workers is not a non-negative integer");
  }
  SECTION("no sizes") {
    Json a = sample_artifact("text", 2, 250000);
    a.erase("sizes");
    const fs::path p = write(dir.path, "no-sizes.json", a.dump());
    require_input_error(run_benchclient({"report", p.string()}, dir.path), p.string(), "missing sizes");
  }
  SECTION("no file at all is a usage error") {
    const Outcome o = run_benchclient({"report"}, dir.path);
    CHECK(o.exit_code == 2);
    CHECK(o.out.empty());
    CHECK(benchlab::test::line_count(o.err) == 1);
  }
}
