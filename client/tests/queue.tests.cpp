// The job-queue workload against the test server: the command end to
// end with the artifact's names, every job succeeded exactly once in every sample,
// a dead worker's job reclaimed after its lease, a failing worker stopping its
// siblings (structured concurrency) without hanging, and bad input refused.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "queue/dequeue.hpp"
#include "queue/jobs_table.hpp"
#include "support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

nlohmann::json only_queue_artifact(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with("queue-")) found.push_back(e.path());
  REQUIRE(found.size() == 1);
  return nlohmann::json::parse(test::slurp(found.front()));
}

}  // namespace

TEST_CASE("queue: the command measures enqueue and dequeue, every job exactly once, in the artifact's names",
          "[db][queue]") {
  test::ScratchDatabase db("queue_cmd");
  test::TempDir dir("queue_cmd");
  const test::Outcome out =
      test::run_benchclient({"queue", "--dsn", db.conninfo(), "--jobs", "300", "--concurrency", "1,3", "--samples", "2",
                             "--results-dir", (dir.path / "r").string(), "--no-progress"},
                            dir.path);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  CHECK(out.out.find("jobs/s mean") != std::string::npos);
  CHECK(out.out.find("of the bound") != std::string::npos);  // the verdict at concurrency 1
  const auto a = only_queue_artifact(dir.path / "r");
  CHECK(a["kind"] == "queue");
  CHECK(a["context"]["host"]["cores"].get<int>() > 0);
  CHECK(a["context"]["postgresql"]["settings"].contains("synchronous_commit"));
  REQUIRE(a["queue_samples"].size() == 4);  // 2 concurrencies x 2 samples
  // The bound, measured beside the samples, and each level read as a fraction of it.
  REQUIRE(a["queue_bound"].size() == 2);  // one per sample
  for (const auto& b : a["queue_bound"]) {
    CHECK(b["profile"] == "dsn");
    CHECK(b["jobs"] == 300);
    CHECK(b["jobs_per_sec"].get<double>() > 0);
    CHECK(b["claim_us"].get<double>() > 0);
    CHECK(b["wal_bytes_per_job"].get<double>() > 0);
  }
  REQUIRE(a["queue_summary"].size() == 2);
  for (const auto& l : a["queue_summary"]) {
    CHECK(l["payload_bytes"] == 0);  // the standard payload unless asked
    CHECK(l["bound_jobs_per_sec"].get<double>() > 0);
    CHECK(l["fraction_of_bound"].get<double>() > 0);
    CHECK(l["wal_bytes_per_job"].get<double>() > 0);
  }
  for (const auto& s : a["queue_samples"]) {
    CHECK(s["profile"] == "dsn");
    CHECK(s["payload_bytes"] == 0);
    CHECK(s["claim_us"].get<double>() > 0);
    CHECK(s["complete_us"].get<double>() > 0);
    CHECK(s["jobs"] == 300);
    CHECK(s["jobs_per_sec"].get<double>() > 0);
    CHECK(s["exactly_once"] == true);
    CHECK(s["acknowledged"] == 300);
    CHECK(s["duplicate_acks"] == 0);
  }
  std::set<std::string> methods;
  for (const auto& e : a["enqueue"]) {
    methods.insert(e["method"].get<std::string>());
    CHECK(e["rows_per_sec"].get<double>() > 0);
    if (e["method"] == "savepoints") {
      CHECK(e["rows"] == 270);  // every 10th of 300 refused by the CHECK, the rest committed
      CHECK(e["rejected"] == 30);
    } else {
      CHECK(e["rows"] == 300);
      CHECK(e["rejected"] == 0);
    }
  }
  CHECK(methods == std::set<std::string>{"per_transaction", "pipelined", "multirow", "copy", "savepoints",
                                         "savepoints_clean", "outbox"});
  CHECK(a["crash_test"].empty());
  CHECK(test::backends_left(db.admin(), "benchclient%") == "0");
}

TEST_CASE("queue: --payload-bytes seeds payloads of exactly that size, and their WAL is counted per job",
          "[db][queue]") {
  test::ScratchDatabase db("queue_payload");
  test::TempDir dir("queue_payload");
  const test::Outcome out = test::run_benchclient(
      {"queue", "--dsn", db.conninfo(), "--jobs", "200", "--concurrency", "1", "--samples", "1", "--payload-bytes",
       "64,10240", "--results-dir", (dir.path / "r").string(), "--no-progress"},
      dir.path);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const auto a = only_queue_artifact(dir.path / "r");
  CHECK(a["queue_options"]["payload_bytes"] == nlohmann::json::array({64, 10240}));
  REQUIRE(a["queue_samples"].size() == 2);
  const auto& small = a["queue_samples"][0];
  const auto& large = a["queue_samples"][1];
  CHECK(small["payload_bytes"] == 64);
  CHECK(large["payload_bytes"] == 10240);
  for (const auto& s : a["queue_samples"]) {
    CHECK(s["exactly_once"] == true);
    CHECK(s["wal_bytes_per_job"].get<double>() > 0);
  }
  // Seeding writes each payload into the WAL (its padding incompressible, TOASTed or
  // not): a job of 10240 bytes carries at least 10000 bytes more than one of 64.
  CHECK(large["seed_wal_bytes_per_job"].get<double>() - small["seed_wal_bytes_per_job"].get<double>() >= 10000);
  REQUIRE(a["queue_bound"].size() == 2);
  CHECK(a["queue_bound"][1]["payload_bytes"] == 10240);
  // The table keeps the last size's jobs: every payload exactly that long as JSON text.
  CHECK(db.admin().query_value("SELECT min(octet_length(payload::text)) || ',' || max(octet_length(payload::text)) "
                               "|| ',' || count(*) FROM public.benchlab_jobs") == "10240,10240,200");
}

TEST_CASE("queue: a job whose worker died is claimed again after its lease, and still done exactly once",
          "[db][queue]") {
  test::ScratchDatabase db("queue_lease");
  const pg::Connection admin = db.admin();
  queue::migrate(admin);
  queue::reset(admin);
  queue::seed(admin, 50);
  {
    // A worker claims a job (committed: state running, a 300 ms lease) and dies.
    const pg::Connection dead = pg::Connection::open(db.conninfo(), queue::queue_session("benchclient-dead"));
    const pg::Result claimed = dead.exec_params(queue::claim_sql(), {"300", "1"});
    REQUIRE(claimed.rows() == 1);
  }
  const QueueSample s = queue::run_sample(db.conninfo(), 2, 50, 1, 300);
  INFO(s.error);
  CHECK(s.error.empty());
  CHECK(s.exactly_once);
  CHECK(s.acknowledged == 50);
  CHECK(s.reclaimed == 1);  // the dead worker's job, claimed a second time
  CHECK(admin.query_value("SELECT attempts FROM public.benchlab_jobs WHERE id = 1") == "2");
}

TEST_CASE("queue: a failing worker stops its siblings, every connection is released, the sample fails", "[db][queue]") {
  test::ScratchDatabase db("queue_fail");
  const pg::Connection admin = db.admin();
  queue::migrate(admin);
  queue::reset(admin);
  queue::seed(admin, 200);
  // Completing job 40 fails on the server, whichever worker claims it.
  admin.exec(R"sql(
CREATE FUNCTION public.fail_job_40() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id = 40 AND NEW.state = 'succeeded' THEN RAISE EXCEPTION 'job 40 cannot be finished'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER fail_job_40 BEFORE UPDATE ON public.benchlab_jobs FOR EACH ROW EXECUTE FUNCTION public.fail_job_40())sql");
  const QueueSample s = queue::run_sample(db.conninfo(), 4, 200, 1, 30000);
  CHECK(s.error.find("job 40 cannot be finished") != std::string::npos);
  CHECK_FALSE(s.exactly_once);
  CHECK(s.jobs_per_sec == 0);
  CHECK(s.acknowledged < 200);
  CHECK(test::backends_left(admin, "benchclient-worker") == "0");
}

TEST_CASE("queue: bad input is refused in one line before anything starts", "[db][queue]") {
  test::ScratchDatabase db("queue_bad");
  test::TempDir dir("queue_bad");
  const auto results = (dir.path / "r").string();
  struct Bad {
    std::vector<std::string> args;
    std::string says;
    int exit_code;
  };
  const std::vector<Bad> bad = {
      {{"queue", "--concurrency", "0"}, "--concurrency '0'", 2},
      {{"queue", "--concurrency", "1,x"}, "--concurrency 'x'", 2},
      {{"queue", "--jobs", "0"}, "--jobs", 2},
      {{"queue", "--payload-bytes", "64,10"}, "--payload-bytes '10'", 2},
      {{"queue", "--payload-bytes", "big"}, "--payload-bytes 'big'", 2},
      {{"queue", "--payload-bytes", "2000000"}, "--payload-bytes '2000000'", 2},
      {{"queue", "--profile", "default,nosuch"}, "unknown cluster profile 'nosuch'", 2},
      {{"queue", "--dsn", db.conninfo(), "--crash-test"}, "never on --dsn", 2},
      {{"queue", "--dsn", db.conninfo(), "--profile", "tuned"}, "--profile applies to throwaway clusters", 2},
      {{"queue", "--dsn", db.conninfo(), "--concurrency", "500", "--jobs", "10"}, "allows max_connections", 1},
  };
  for (const auto& b : bad) {
    INFO(b.says);
    std::vector<std::string> args = b.args;
    args.insert(args.end(), {"--results-dir", results, "--no-progress"});
    const test::Outcome o = test::run_benchclient(args, dir.path);
    CHECK(o.exit_code == b.exit_code);
    CHECK(o.err.find(b.says) != std::string::npos);
    CHECK(test::line_count(o.err) == 1);
    CHECK_FALSE(fs::exists(results));
  }
}

TEST_CASE(
    "queue: the crash test kills each profile's server mid-run, with synchronous_commit on nothing confirmed is lost",
    "[db][queue][crash]") {
  test::TempDir dir("queue_crash", true);  // the throwaway clusters live in it (TMPDIR)
  const test::Outcome out = test::run_benchclient(
      {"queue", "--profile", "default,async_commit", "--jobs", "300", "--concurrency", "1", "--samples", "1",
       "--crash-test", "--crashes", "1", "--results-dir", (dir.path / "r").string(), "--no-progress"},
      dir.path);
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const auto a = only_queue_artifact(dir.path / "r");
  REQUIRE(a["crash_test"].size() == 2);
  const auto& on = a["crash_test"][0];
  CHECK(on["profile"] == "default");
  CHECK(on["synchronous_commit"] == "on");
  CHECK(on["crashes"] == 1);
  CHECK(on["confirmed_commits"].get<std::uint64_t>() > 0);
  CHECK(on["lost_commits"] == 0);  // durability: every commit the server confirmed survived its SIGKILL
  const auto& off = a["crash_test"][1];
  CHECK(off["synchronous_commit"] == "off");
  CHECK(off["confirmed_commits"].get<std::uint64_t>() > 0);
  CHECK(off["lost_commits"].get<std::uint64_t>() <= off["confirmed_commits"].get<std::uint64_t>());
  for (const auto& s : a["queue_samples"]) CHECK(s["exactly_once"] == true);
  // Both clusters are gone: no directory, so no server left behind.
  for (const auto& e : fs::directory_iterator(dir.path))
    CHECK_FALSE(e.path().filename().string().starts_with("benchlab-cluster-"));
}
