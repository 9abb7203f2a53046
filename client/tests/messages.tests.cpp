// What a run tells the user, and nothing it need not: the server's notices dropped
// (its warnings in one line), a snapshot taken before the rows it should see named as
// such, and what the concurrent writer did. Each against the test server, most
// through the real binary as a user runs it.
#include <signal.h>

#include <fmt/format.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/notices.hpp"
#include "support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

// Sets the process's notice sink for one test, and the default back afterwards.
struct SinkFor {
  explicit SinkFor(pg::NoticeSink sink) { pg::set_notice_sink(std::move(sink)); }
  ~SinkFor() { pg::set_notice_sink(nullptr); }
  SinkFor(const SinkFor&) = delete;
  SinkFor& operator=(const SinkFor&) = delete;
};

}  // namespace

TEST_CASE("messages: a connection drops the server's NOTICEs and hands its WARNINGs to the sink", "[messages][db]") {
  test::ScratchDatabase db("msg_notice");
  std::vector<pg::ServerNotice> seen;
  const SinkFor sink([&](const pg::ServerNotice& n) { seen.push_back(n); });
  const pg::Connection conn = db.admin();
  conn.exec(
      "DO $$BEGIN RAISE NOTICE 'only chatter'; RAISE INFO 'more chatter'; "
      "RAISE WARNING 'look at this' USING DETAIL = 'a detail', HINT = 'do that'; END$$");
  conn.exec("CREATE TABLE IF NOT EXISTS public.t (id int); CREATE TABLE IF NOT EXISTS public.t (id int)");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].severity == "WARNING");
  CHECK(seen[0].message == "look at this");
  CHECK(seen[0].detail == "a detail");
  CHECK(seen[0].hint == "do that");
  CHECK(seen[0].sqlstate == "01000");
  CHECK(pg::notice_matters("WARNING"));
  for (const char* chatter : {"NOTICE", "INFO", "DEBUG", "LOG"}) CHECK_FALSE(pg::notice_matters(chatter));
}

TEST_CASE("messages: a --dsn run on a database that already has the standard table prints no NOTICE",
          "[messages][db][cli]") {
  test::ScratchDatabase db("msg_seed");
  test::TempDir dir("msg_seed");
  const std::vector<std::string> args{"--dsn",     db.conninfo(), "--strategy",    "naive",
                                      "--rows",    "1000",        "--runs",        "1",
                                      "--console", "none",        "--results-dir", (dir.path / "r").string()};
  for (const char* which : {"first (seeds)", "second (the table is there)"}) {
    const test::Outcome o = test::run_benchclient(args, dir.path);
    INFO(which << ": " << o.err);
    CHECK(o.exit_code == 0);
    CHECK_FALSE(test::contains(o.err, "NOTICE"));
    CHECK_FALSE(test::contains(o.err, "already exists"));
    CHECK(test::contains(o.err, "; artifact: "));
  }
}

TEST_CASE("messages: a snapshot held before the run seeds the table is said to be one, with what to do",
          "[messages][db][snapshot][cli]") {
  test::ScratchDatabase db("msg_snap");  // no standard table yet
  test::TempDir hold_dir("msg_snap_h");
  test::Benchclient holder({"snapshot", "hold", "--dsn", db.conninfo()}, hold_dir.path);
  const std::string id = test::held_snapshot_id(hold_dir.path);
  REQUIRE_FALSE(id.empty());
  test::TempDir dir("msg_snap");
  const fs::path results = dir.path / "r";
  const test::Outcome o =
      test::run_benchclient({"--dsn", db.conninfo(), "--strategy", "naive", "--rows", "2000", "--runs", "1",
                             "--snapshot", id, "--results-dir", results.string(), "--no-progress"},
                            dir.path);
  INFO(o.err);
  CHECK(o.exit_code != 0);
  CHECK(o.err == fmt::format("benchclient: error: --snapshot {} was taken before table public.benchlab_records held "
                             "2000 rows (it sees none of them): a snapshot cannot see rows written after it was "
                             "taken; seed it first (the same run without --snapshot), then hold a new snapshot with "
                             "benchclient snapshot hold --dsn ... and pass the id it prints\n",
                             id));
  CHECK_FALSE(test::contains(o.err, "holds fewer"));
  CHECK_FALSE(fs::exists(results));

  // Seeded before the snapshot is taken, the same run reads in it.
  kill(holder.pid(), SIGINT);
  CHECK(holder.wait().exit_code == 0);
  test::TempDir hold_again_dir("msg_snap_h2");
  test::Benchclient again({"snapshot", "hold", "--dsn", db.conninfo()}, hold_again_dir.path);
  const std::string later = test::held_snapshot_id(hold_again_dir.path);
  REQUIRE_FALSE(later.empty());
  const test::Outcome ok =
      test::run_benchclient({"--dsn", db.conninfo(), "--strategy", "naive", "--rows", "2000", "--runs", "1",
                             "--snapshot", later, "--results-dir", results.string(), "--no-progress"},
                            dir.path);
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  kill(again.pid(), SIGINT);
  CHECK(again.wait().exit_code == 0);
}

TEST_CASE("messages: --concurrent-writes shows what the writer did, in the console and the artifact",
          "[messages][db][writes]") {
  test::ScratchDatabase db("msg_writes");
  test::TempDir dir("msg_writes");
  const test::Outcome o = test::run_benchclient(
      {"--dsn", db.conninfo(), "--rows", "5000", "--strategy", "naive,pooled_sync", "--runs", "2", "--part-rows",
       "1000", "--concurrent-writes", "2000", "--results-dir", (dir.path / "r").string(), "--no-progress"},
      dir.path);
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  const auto a = test::only_run_artifact(dir.path / "r");
  std::uint64_t inserted = 0, updated = 0;
  std::size_t runs = 0;
  for (const auto& b : a["benchmarks"]) {
    INFO(b["strategy"]);
    std::vector<double> per_run_inserted;
    for (const auto& r : b["runs"]) {
      const auto& w = r["concurrent_writes"];
      inserted += w["rows_inserted"].get<std::uint64_t>();
      updated += w["rows_updated"].get<std::uint64_t>();
      per_run_inserted.push_back(w["rows_inserted"].get<double>());
      ++runs;
    }
    REQUIRE(per_run_inserted.size() == 2);
    // The benchmark's own figures: the median (of two: their mean) and the spread over its runs.
    CHECK(b["writer_rows_inserted"]["median"].get<double>() == (per_run_inserted[0] + per_run_inserted[1]) / 2);
    CHECK(b["writer_rows_inserted"]["min"].get<double>() == std::min(per_run_inserted[0], per_run_inserted[1]));
    CHECK(b["writer_rows_updated"]["median"].get<double>() > 0);
  }
  CHECK(runs == 4);
  CHECK(updated > 0);
  // The console says the same totals, after the size's table.
  CHECK(test::contains(o.out, fmt::format("while the 4 measured runs read, the concurrent writer (2000 rows/s) "
                                          "inserted {} row{} and updated {}\n",
                                          inserted, inserted == 1 ? "" : "s", updated)));
}

// verify in a throwaway cluster, as a user tries it: with-cluster has created the
// extension; the standard table, which verify reads without --table, is missing, and
// the one line says the one command that makes it; run as printed, verify then works.
TEST_CASE("messages: verify under with-cluster says the one command it needs, which then makes it work",
          "[messages][cluster][verify]") {
  test::TempDir dir("msg_verify", true);  // the nested cluster's TMPDIR
  const std::string bin = BENCHCLIENT_BINARY;
  const std::string seed = "SELECT benchlab.seed_records('public.benchlab_records', 100000)";
  const test::Outcome missing = test::run_benchclient(
      {"with-cluster", "--", bin, "verify", "--dsn", "", "--target-table", "public.copy", "--no-progress"}, dir.path);
  INFO(missing.err);
  CHECK(missing.exit_code == 2);
  CHECK(test::contains(missing.err,
                       "benchclient: error: verify: source: table public.benchlab_records does not "
                       "exist: it is the standard table, read when no --table is given; seed it with "
                       "psql -c \"" +
                           seed + "\", or give --table\n"));
  CHECK_FALSE(test::contains(missing.err, "extension is missing"));

  // The printed command, a copy, then verify: the copy is equal (exit 0).
  const test::Outcome ok = test::run_benchclient(
      {"with-cluster", "--", "sh", "-c",
       fmt::format("psql -X -q -c \"{}\" -c 'CREATE TABLE public.copy AS TABLE public.benchlab_records' -c 'ALTER "
                   "TABLE public.copy ADD PRIMARY KEY (id)' >/dev/null && '{}' verify --dsn '' --target-table "
                   "public.copy --no-progress",
                   seed, bin)},
      dir.path);
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(test::contains(ok.out, "100000 rows"));
}
