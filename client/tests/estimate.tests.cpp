// The duration estimate a run prints before it measures and refines as rounds
// complete: the model's arithmetic on made-up figures, and the real binary saying it
// before its first round. Nothing here asserts how accurate it is (that depends on the
// machine's speed); only that it is said, when, worded as an estimate and positive.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>

#include "cli/progress_lines.hpp"
#include "model/estimate.hpp"
#include "support.hpp"

using benchlab::EstimateShape;
using benchlab::SizeToRead;
namespace test = benchlab::test;

namespace {

EstimateShape quick_start_shape() {  // --all: 7 strategies, 3 runs, text beside binary
  EstimateShape s;
  s.strategies = 7;
  s.runs = 3;
  s.ceilings = 2;
  return s;
}

// Whether a JSON value holds a key naming an estimate anywhere.
bool has_estimate_key(const nlohmann::json& j) {
  if (j.is_object())
    for (const auto& [key, value] : j.items())
      if (key.find("estimat") != std::string::npos || has_estimate_key(value)) return true;
  if (j.is_array())
    for (const auto& value : j)
      if (has_estimate_key(value)) return true;
  return false;
}

}  // namespace

TEST_CASE("estimate: every read costs a wire ceiling, before the run from the server_scan", "[estimate]") {
  const EstimateShape shape = quick_start_shape();
  // 2 warm passes + 3 rounds × (2 ceilings + 7 strategies) = 29 reads of one size.
  CHECK(shape.reads_per_size() == 29);
  const std::vector<SizeToRead> one{{500000, 1.0}};
  const auto total = benchlab::estimate_from_scans(shape, one);
  REQUIRE(total);
  CHECK(*total == Approx(29 * benchlab::kCeilingPerServerScan));
  // Two profiles: each cluster reads it all again.
  CHECK(*benchlab::estimate_from_scans(shape, one, 2) == Approx(2 * *total));
  // A size without a scan is scaled by rows from one with a scan; none at all: no estimate.
  const std::vector<SizeToRead> sweep{{100000, std::nullopt}, {1000000, 2.0}};
  CHECK(*benchlab::estimate_from_scans(shape, sweep) == Approx(29 * 1.5 * (0.2 + 2.0)));
  CHECK_FALSE(benchlab::estimate_from_scans(shape, {{1000, std::nullopt}}));
}

TEST_CASE("estimate: what is left after a round's ceiling, at the rounds' own pace", "[estimate]") {
  const EstimateShape shape = quick_start_shape();
  const std::vector<SizeToRead> sizes{{100000, 0.2}, {1000000, 2.0}};
  // Round 1: a read costs the ceiling just measured.
  CHECK(benchlab::seconds_per_read(shape, 0.5, 0, 0) == Approx(0.5));
  // Round 3 after two rounds of 18 s: 9 reads a round, 1 s each.
  CHECK(benchlab::seconds_per_read(shape, 0.5, 2, 18) == Approx(1.0));
  // Last round of the last size: its strategies only.
  CHECK(benchlab::remaining_seconds(shape, sizes, 1, 3, 1.0) == Approx(7));
  // Round 1 of the first size: its strategies, 2 more rounds, then the next size, 10× the scan.
  CHECK(benchlab::remaining_seconds(shape, sizes, 0, 1, 1.0) == Approx(7 + 2 * 9 + 29 * 10));
  // A later profile's cluster reads both sizes again.
  CHECK(benchlab::remaining_seconds(shape, sizes, 1, 3, 1.0, 1) == Approx(7 + 29 * 0.1 + 29 * 1.0));
}

TEST_CASE("estimate: said as an estimate, rounded as one", "[estimate]") {
  CHECK(benchlab::about(0.2) == "about 1 s");
  CHECK(benchlab::about(7.4) == "about 8 s");
  CHECK(benchlab::about(42) == "about 40 s");
  CHECK(benchlab::about(130) == "about 2 min");
  CHECK(benchlab::about(3600 + 20 * 60 + 40) == "about 1 h 20 min");
  CHECK(benchlab::about(2 * 3600) == "about 2 h");
  benchlab::RunEstimate e;
  e.seconds = 130;
  e.sizes = 1;
  e.shape = quick_start_shape();
  CHECK(benchlab::cli::estimate_line(e) ==
        "benchclient: about 2 min to measure: 1 size × (2 wire ceilings + 7 strategies) × 3 runs; estimate from the "
        "server_scan");
  e.seconds.reset();
  e.targets = 2;
  CHECK(benchlab::cli::estimate_line(e) ==
        "benchclient: 1 size × 2 profiles × (2 wire ceilings + 7 strategies) × 3 runs; how long: estimated after the "
        "first wire ceiling (no server_scan to go by)");
}

TEST_CASE("estimate: a run says how long it will take before its first round, and what is left after each",
          "[estimate][cli][db]") {
  test::ScratchDatabase db("estimate_run");
  test::TempDir dir("estimate");
  const auto results = dir.path / "results";
  const test::Outcome o = test::run_benchclient({"--dsn", db.conninfo(), "--strategy", "naive,copy_stream", "--rows",
                                                 "2000", "--runs", "2", "--results-dir", results.string()},
                                                dir.path);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  std::smatch m;
  const std::regex said(
      R"(benchclient: about (\d+) (s|min|h)[^\n]* to measure: 1 size × \(2 wire ceilings \+ 2 strategies\) × 2 runs; estimate from the server_scan\n)");
  REQUIRE(std::regex_search(o.err, m, said));
  CHECK(std::stoi(m[1].str()) > 0);
  const auto estimate_at = static_cast<std::size_t>(m.position(0));
  const auto round1 = o.err.find("  round 1/2: wire ceiling");
  REQUIRE(round1 != std::string::npos);
  CHECK(estimate_at < round1);
  // Each round's line says what is left, as an estimate.
  const std::regex left(
      R"(  round 2/2: wire ceiling \(text\) \d+ rows/s; about \d+ (s|min|h)[^\n]* left \(estimate\)\n)");
  CHECK(std::regex_search(o.err, left));
  // An estimate is not a measurement: the artifact holds none.
  int artifacts = 0;
  for (const auto& e : std::filesystem::directory_iterator(results))
    if (e.path().extension() == ".json") {
      ++artifacts;
      CHECK_FALSE(has_estimate_key(nlohmann::json::parse(test::slurp(e.path()))));
    }
  CHECK(artifacts == 1);
}
