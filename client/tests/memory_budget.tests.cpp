// --memory-budget: the planner's arithmetic, and runs of the real binary that stay
// within the budget, refuse a budget too small for one worker, and let a worker
// that outgrows its ceiling fail alone.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "model/memory_plan.hpp"
#include "support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMiB = 1ULL << 20;

}  // namespace

TEST_CASE("memory plan: workers and batch from the budget, and the minimum named", "[memory]") {
  // 64 MiB, 16 reserved, 2 MiB per worker + 2 x 5000 x 400 B: 8 fit, 2 cores cap them.
  const MemoryPlan wide = plan_memory(64 * kMiB, "--memory-budget", 16 * kMiB, 2 * kMiB, 400, 4, 2, 5000);
  CHECK(wide.workers == 2);
  CHECK(wide.batch_rows == 5000);
  CHECK(wide.per_worker_bytes == 2 * kMiB + 2 * 5000 * 400);
  CHECK(wide.worker_limit_bytes == 24 * kMiB);
  CHECK(wide.arithmetic.size() >= 4);

  // 20 MiB: 4 MiB for workers, not even one at 5000 rows: one worker, a smaller batch.
  const MemoryPlan tight = plan_memory(20 * kMiB, "--memory-budget", 16 * kMiB, 2 * kMiB, 400, 4, 2, 5000);
  CHECK(tight.workers == 1);
  CHECK(tight.batch_rows == static_cast<int>((2 * kMiB) / 800));
  CHECK(tight.per_worker_bytes <= tight.worker_limit_bytes);

  // --workers caps it too.
  CHECK(plan_memory(1024 * kMiB, "MemAvailable", 16 * kMiB, 2 * kMiB, 400, 1, 8, 5000).workers == 1);

  // Below reserve + base + a 64-row batch: an error naming the minimum.
  CHECK_THROWS_WITH(plan_memory(17 * kMiB, "--memory-budget", 16 * kMiB, 2 * kMiB, 400, 2, 2, 5000),
                    Catch::Contains("too small for even one worker: it needs at least 18.0 MiB"));
}

TEST_CASE("memory plan: a multiprocessing run stays within its budget, measured", "[db][memory]") {
  test::ScratchDatabase db("mem_run");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 30000)");
  test::TempDir dir("mem_run");
  const test::Outcome out = test::run_benchclient(
      {"--dsn", db.conninfo(), "--table", "public.t", "--rows", "30000", "--strategy", "multiprocessing", "--runs", "1",
       "--memory-budget", "48MiB", "--results-dir", dir.path.string(), "--console", "none", "--no-progress"},
      dir.path);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const auto a = test::only_run_artifact(dir.path);
  const auto& plan = a["context"]["memory_plan"];
  CHECK(plan["budget_bytes"] == 48 * kMiB);
  CHECK(plan["worker_limit"] == "RLIMIT_AS");
  CHECK(a["context"]["options"]["workers"] == plan["workers"]);
  CHECK(a["context"]["options"]["batch_rows"] == plan["batch_rows"]);
  // What it chose is said before the run starts, --no-progress or not.
  const auto workers = plan["workers"].get<int>();
  CHECK(test::contains(out.err, fmt::format("benchclient: memory budget 48.0 MiB (--memory-budget): {} worker{}",
                                            workers, workers == 1 ? "" : "s")));
  CHECK(test::contains(out.err, fmt::format("batch {} rows", plan["batch_rows"].get<int>())));
  CHECK(test::contains(out.err, "the arithmetic: benchclient plan with the same options"));
  const auto& run = a["benchmarks"][0]["runs"][0];
  CHECK(run["rows_match"] == true);
  CHECK(run["checksum_match"] == true);
  const auto privates = run["worker_private_bytes_each"].get<std::vector<std::uint64_t>>();
  REQUIRE(privates.size() == plan["workers"].get<std::size_t>());
  for (const auto p : privates) {
    CHECK(p > 0);
    CHECK(p <= plan["worker_limit_bytes"].get<std::uint64_t>());  // each within its share
  }
  // What was used: the parent's own peak plus every worker's private pages.
  const std::uint64_t used =
      run["parent_peak_rss_bytes"].get<std::uint64_t>() + std::accumulate(privates.begin(), privates.end(), 0ULL);
  CHECK(used <= 48 * kMiB);
}

TEST_CASE("memory plan: a budget too small for one worker is refused before anything starts", "[db][memory]") {
  test::ScratchDatabase db("mem_small");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 1000)");
  test::TempDir dir("mem_small");
  const fs::path results = dir.path / "results";
  const test::Outcome out = test::run_benchclient(
      {"--dsn", db.conninfo(), "--table", "public.t", "--rows", "1000", "--strategy", "multiprocessing",
       "--memory-budget", "1MiB", "--results-dir", results.string(), "--no-progress"},
      dir.path);
  CHECK(out.exit_code != 0);
  CHECK(out.err.find("--memory-budget 1.0 MiB is too small for even one worker: it needs at least") !=
        std::string::npos);
  CHECK(test::line_count(out.err) == 1);
  CHECK_FALSE(fs::exists(results));  // nothing written

  const test::Outcome bad =
      test::run_benchclient({"--dsn", db.conninfo(), "--strategy", "naive", "--memory-budget", "lots"}, dir.path);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--memory-budget 'lots'") != std::string::npos);
}

TEST_CASE("memory plan: a worker that outgrows its ceiling fails alone, named", "[db][memory]") {
  test::ScratchDatabase db("mem_ceiling");
  // One row of ~96 MB among 3000 small ones: the sampled average lets a worker's
  // share hold its batches, but not that row.
  db.admin().exec(
      "CREATE TABLE public.w (id int PRIMARY KEY, v text);"
      "INSERT INTO public.w SELECT g, md5(g::text) FROM generate_series(1, 3000) g;"
      "UPDATE public.w SET v = repeat(md5(v), 3000000) WHERE id = 1500; ANALYZE public.w");
  test::TempDir dir("mem_ceiling");
  const auto shm_before = test::shm_benchlab_entries();
  const test::Outcome out = test::run_benchclient(
      {"--dsn", db.conninfo(), "--table", "public.w", "--rows", "all", "--strategy", "multiprocessing", "--runs", "1",
       "--memory-budget", "64MiB", "--results-dir", dir.path.string(), "--console", "none", "--no-progress"},
      dir.path);
  CHECK(out.exit_code == 3);  // the strategy failed; benchclient itself did not
  const auto a = test::only_run_artifact(dir.path);
  REQUIRE(a["benchmarks"][0]["errors"].size() == 1);
  const std::string error = a["benchmarks"][0]["errors"][0].get<std::string>();
  CHECK(error.find("the worker hit its --memory-budget ceiling") != std::string::npos);
  CHECK(test::shm_benchlab_entries() == shm_before);  // the segment went with the run
}

TEST_CASE("benchclient plan prints the budget's arithmetic without running a strategy", "[db][memory][cli]") {
  test::ScratchDatabase db("mem_plan");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 5000)");
  test::TempDir dir("mem_plan");
  const test::Outcome out = test::run_benchclient(
      {"plan", "--dsn", db.conninfo(), "--table", "public.t", "--rows", "5000", "--memory-budget", "40MiB"}, dir.path);
  INFO(out.err);
  CHECK(out.exit_code == 0);
  CHECK(out.out.find("budget 40.0 MiB (--memory-budget)") != std::string::npos);
  CHECK(out.out.find("row width") != std::string::npos);
  CHECK(out.out.find("workers = min(--workers 2, cores") != std::string::npos);
  CHECK(out.out.find("5000 rows: ") != std::string::npos);
  CHECK(out.out.find("rows/s") == std::string::npos);  // no strategy ran
}
