// --concurrent-writes (does each run read one snapshot?): a writer inserts and updates the table while
// every strategy reads it. Strategies that share one snapshot match the server's
// figures in the snapshot held for their run exactly; the deliberately broken
// control (--no-shared-snapshot: NAME/unshared beside each) drifts, in the same artifact — proof
// that the check can fail, for pooled_sync and async_stream too (each run starts
// only after the writer committed past the held snapshot: a state, not a sleep).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kParallel = {"pooled_sync", "async_stream", "multiprocessing", "parallel_copy",
                                            "decoupled"};

test::Outcome read_while_writing(const test::ScratchDatabase& db, const fs::path& dir, const std::string& rows,
                                 bool broken) {
  std::vector<std::string> args = {"--dsn",
                                   db.conninfo(),
                                   "--rows",
                                   rows,
                                   "--strategy",
                                   "naive,pooled_sync,async_stream,multiprocessing,parallel_copy,decoupled",
                                   "--runs",
                                   "2",
                                   "--part-rows",
                                   "5000",
                                   "--concurrent-writes",
                                   "3000",
                                   "--results-dir",
                                   (dir / "r").string(),
                                   "--console",
                                   "none",
                                   "--no-progress"};
  if (broken) args.emplace_back("--no-shared-snapshot");
  return test::run_benchclient(args, dir);
}

}  // namespace

TEST_CASE("concurrent writes: every strategy matches its own snapshot while a writer changes the table",
          "[db][snapshot][writes]") {
  test::ScratchDatabase db("cw_ok");
  test::TempDir dir("cw_ok");
  const test::Outcome out = read_while_writing(db, dir.path, "20000", false);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const auto a = test::only_run_artifact(dir.path / "r");
  CHECK(a["context"]["options"]["concurrent_writes"] == 3000.0);
  REQUIRE(a["benchmarks"].size() == 6);
  for (const auto& b : a["benchmarks"]) {
    INFO(b["strategy"]);
    REQUIRE(b["runs"].size() == 2);
    std::set<std::string> expected;
    for (const auto& r : b["runs"]) {
      CHECK(r["rows_match"] == true);
      CHECK(r["checksum_match"] == true);
      const auto& w = r["concurrent_writes"];
      CHECK(w["rows_updated"].get<std::uint64_t>() > 0);  // the writer committed during the run
      CHECK(w["row_drift"] == 0);
      expected.insert(w["expected_checksum"].get<std::string>());
    }
    CHECK(expected.size() == 2);  // each run had a snapshot of its own, and the table had changed between them
  }
}

TEST_CASE("concurrent writes: the broken control drifts in every parallel strategy, rows and checksum",
          "[db][snapshot][writes]") {
  test::ScratchDatabase db("cw_broken");
  test::TempDir dir("cw_broken");
  // The whole table: rows the writer inserts after the run's snapshot show up in a
  // connection that took a snapshot of its own, so the row count drifts too.
  const test::Outcome out = read_while_writing(db, dir.path, "all", true);
  INFO(out.err);
  CHECK(out.exit_code == 0);  // the controls drift by design: that fails nothing; the strategies matched
  const auto a = test::only_run_artifact(dir.path / "r");
  CHECK(a["context"]["options"]["unshared_control"] == true);
  std::set<std::string> names;
  for (const auto& b : a["benchmarks"]) {
    const std::string name = b["strategy"];
    names.insert(name);
    INFO(name);
    REQUIRE(b["runs"].size() == 2);
    for (const auto& r : b["runs"]) {
      const bool control = name.ends_with("/unshared");
      CHECK(r["checksum_match"] == !control);
      const auto drift = r["concurrent_writes"]["row_drift"].get<std::int64_t>();
      if (control)
        CHECK(drift > 0);
      else
        CHECK(drift == 0);
    }
  }
  // In the same artifact: each parallel strategy and its control; naive has none.
  for (const auto& s : kParallel) {
    CHECK(names.count(s) == 1);
    CHECK(names.count(s + "/unshared") == 1);
  }
  CHECK(names.count("naive/unshared") == 0);
}

TEST_CASE("concurrent writes: bad input is refused before anything starts", "[db][writes]") {
  test::ScratchDatabase db("cw_bad");
  test::TempDir dir("cw_bad");
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--concurrent-writes", "-5"}, {"--concurrent-writes", "100", "--table", "public.x"}}) {
    std::vector<std::string> args = {
        "--dsn", db.conninfo(), "--strategy", "naive", "--results-dir", (dir.path / "r").string(), "--no-progress"};
    args.insert(args.end(), extra.begin(), extra.end());
    const test::Outcome o = test::run_benchclient(args, dir.path);
    CHECK(o.exit_code == 2);
    CHECK(o.err.find("--concurrent-writes") != std::string::npos);
    CHECK(test::line_count(o.err) == 1);
    CHECK_FALSE(fs::exists(dir.path / "r"));
  }
}
