// The parallel strategies' fallback chain and checkpoints (no row lost or read twice), run
// as a user runs them: the real benchclient against the test server, faults
// injected deterministically (BENCHLAB_INJECT_FAULT: worker k meets the fault after
// n batches) — a SIGKILLed or SIGSTOPped worker, its backend terminated, a
// statement timeout. Every fault ends with exactly the server's rows and checksum,
// or a clean, explained failure; an interrupted read resumed from its checkpoint
// ends with the rows and checksum of an uninterrupted one.
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/recovery.hpp"
#include "pg/error.hpp"
#include "run/recovery.hpp"
#include "support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

// 40 000 standard rows in parts of 5 000 (8 parts, 4 per worker), batches of 500.
constexpr int kRows = 40000;

std::vector<std::string> read_args(const test::ScratchDatabase& db, const std::string& strategy,
                                   const fs::path& results) {
  return {"--dsn",       db.conninfo(), "--table",      "public.t", "--rows",        std::to_string(kRows),
          "--strategy",  strategy,      "--runs",       "1",        "--workers",     "2",
          "--part-rows", "5000",        "--batch-rows", "500",      "--results-dir", results.string(),
          "--console",   "none",        "--no-progress"};
}

// The backends of the test's database still there (none, once every client is gone).
std::string backends_left(const test::ScratchDatabase& db) { return test::backends_left(db.admin(), "benchclient%"); }

// Waits (with a deadline) until `file` holds a checkpoint with at least `parts` parts done.
bool wait_for_parts(const fs::path& file, std::size_t parts) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = test::slurp(file);
    if (!text.empty()) {
      const auto j = nlohmann::json::parse(text, nullptr, false);
      if (!j.is_discarded() && j.contains("parts_done") && j["parts_done"].get<std::size_t>() >= parts) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("recovery: injected faults parse, and bad ones are refused by name", "[recovery]") {
  const InjectedFault f = parse_injected_fault("stop:worker=1:after=3:attempts=2");
  CHECK(f.kind == FaultKind::stop);
  CHECK(f.worker == 1);
  CHECK(f.after_batches == 3);
  CHECK(f.attempts == 2);
  CHECK(parse_injected_fault("terminate").worker == 0);
  CHECK(parse_injected_fault("timeout:after=0").after_batches == 0);
  for (const char* bad : {"", "explode", "kill:worker=-1", "kill:after=x", "kill:attempts=0", "kill:when=3"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_injected_fault(bad), std::invalid_argument);
  }
}

TEST_CASE("recovery: tiers keep the width once, then halve, and the last retry reads in one worker", "[recovery]") {
  auto tiers = [](int workers, int retries) {
    std::vector<int> out;
    for (int a = 1; a <= retries + 1; ++a) out.push_back(tier_workers(workers, a, retries));
    return out;
  };
  CHECK(tiers(2, 3) == std::vector<int>{2, 2, 1, 1});
  CHECK(tiers(8, 4) == std::vector<int>{8, 8, 4, 2, 1});
  CHECK(tiers(4, 1) == std::vector<int>{4, 1});
  CHECK(tiers(1, 2) == std::vector<int>{1, 1, 1});
  CHECK(tiers(4, 0) == std::vector<int>{4});
}

TEST_CASE("recovery: forked workers that keep faulting degrade to decoupled, then to one process", "[recovery]") {
  auto chain = [](std::string_view strategy, int workers, int decoders, int retries) {
    std::vector<FallbackTier> out;
    for (int a = 1; a <= retries + 1; ++a) out.push_back(fallback_tier(strategy, workers, decoders, a, retries));
    return out;
  };
  using T = FallbackTier;
  CHECK(chain("multiprocessing", 4, 0, 3) ==
        std::vector<T>{
            {"multiprocessing", 4, 0}, {"multiprocessing", 4, 0}, {"decoupled", 2, 2}, {"parallel_copy", 1, 0}});
  CHECK(chain("multiprocessing", 8, 0, 4) == std::vector<T>{{"multiprocessing", 8, 0},
                                                            {"multiprocessing", 8, 0},
                                                            {"decoupled", 4, 4},
                                                            {"decoupled", 2, 2},
                                                            {"parallel_copy", 1, 0}});
  CHECK(chain("decoupled", 2, 3, 3) ==
        std::vector<T>{{"decoupled", 2, 3}, {"decoupled", 2, 3}, {"decoupled", 1, 1}, {"parallel_copy", 1, 0}});
  CHECK(chain("decoupled", 2, 0, 1) == std::vector<T>{{"decoupled", 2, 2}, {"parallel_copy", 1, 0}});
  CHECK(chain("multiprocessing", 2, 0, 0) == std::vector<T>{{"multiprocessing", 2, 0}});
  // --mask or --memory-budget: no degrading; the strategy narrows as the other strategies do.
  std::vector<T> masked;
  for (int a = 1; a <= 4; ++a) masked.push_back(fallback_tier("multiprocessing", 4, 0, a, 3, false));
  CHECK(masked == std::vector<T>{{"multiprocessing", 4, 0},
                                 {"multiprocessing", 4, 0},
                                 {"multiprocessing", 2, 0},
                                 {"multiprocessing", 1, 0}});
  std::vector<T> budgeted;  // --memory-budget on decoupled: its decoders stay under their ceilings
  for (int a = 1; a <= 4; ++a) budgeted.push_back(fallback_tier("decoupled", 4, 4, a, 3, false));
  CHECK(budgeted == std::vector<T>{{"decoupled", 4, 4}, {"decoupled", 4, 4}, {"decoupled", 2, 2}, {"decoupled", 1, 1}});
  // The thread strategies keep themselves and narrow.
  CHECK(chain("pooled_sync", 4, 0, 3) ==
        std::vector<T>{{"pooled_sync", 4, 0}, {"pooled_sync", 4, 0}, {"pooled_sync", 2, 0}, {"pooled_sync", 1, 0}});
  CHECK(chain("parallel_copy", 2, 0, 2) ==
        std::vector<T>{{"parallel_copy", 2, 0}, {"parallel_copy", 2, 0}, {"parallel_copy", 1, 0}});
}

TEST_CASE("recovery: lost connections, timeouts and dead workers are retried, errors in the statement are not",
          "[recovery]") {
  CHECK(retryable(pg::BrokenConnection("server closed the connection unexpectedly")));
  CHECK(retryable(pg::Error("worker 1 ended without reporting (exit status 137, killed by a signal)")));
  CHECK(retryable(pg::QueryCanceled("canceling statement due to statement timeout", "57014")));
  CHECK(retryable(pg::SqlError("terminating connection due to administrator command", "57P01")));
  CHECK_FALSE(retryable(pg::SqlError("syntax error", "42601")));
  CHECK_FALSE(retryable(pg::SqlError("invalid snapshot identifier", "22023")));
  CHECK_FALSE(retryable(std::runtime_error("cannot decode value")));
}

TEST_CASE("recovery: every parallel strategy survives each injected fault with the server's rows and checksum",
          "[db][recovery][faults]") {
  test::ScratchDatabase db("rec_faults");
  db.admin().exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kRows));
  struct Case {
    std::string strategy, fault;
  };
  std::vector<Case> cases;
  for (const char* s : {"multiprocessing", "pooled_sync", "async_stream", "parallel_copy", "decoupled"}) {
    cases.push_back({s, "terminate:worker=1:after=2"});
    cases.push_back({s, "timeout:worker=0:after=1"});
  }
  cases.push_back({"multiprocessing", "kill:worker=1:after=2"});
  cases.push_back({"multiprocessing", "stop:worker=0:after=2"});
  cases.push_back({"decoupled", "kill:worker=1:after=2"});  // a decoder crashes
  cases.push_back({"decoupled", "stop:worker=0:after=2"});  // a decoder hangs
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.strategy << " " << c.fault) {
      test::TempDir dir("rec_faults");
      std::vector<std::string> args = read_args(db, c.strategy, dir.path / "r");
      if (c.fault.starts_with("stop")) args.insert(args.end(), {"--hang-timeout", "2s"});
      const test::Outcome out = test::run_benchclient(args, dir.path, {"BENCHLAB_INJECT_FAULT=" + c.fault});
      INFO(out.err);
      REQUIRE(out.exit_code == 0);
      const auto a = test::only_run_artifact(dir.path / "r");
      const auto& run = a["benchmarks"][0]["runs"][0];
      CHECK(run["rows"] == kRows);
      CHECK(run["rows_match"] == true);
      CHECK(run["checksum_match"] == true);
      const auto& rec = run["recovery"];
      CHECK(rec["recovered"] == true);
      CHECK(rec["attempts"] == 2);
      CHECK(rec["tiers"] == nlohmann::json::array({2, 2}));
      REQUIRE(rec["faults"].size() == 1);
      CHECK(rec["faults"][0]["attempt"] == 1);
      CHECK(rec["backoff_s"].get<double>() >= 0.1);  // the first backoff, inside the run's time
      // Each part is reported once, with its rows: confirmed before the fault or read again after it.
      std::uint64_t rows = 0;
      std::set<std::size_t> indices;
      for (const auto& p : run["parts"]) {
        rows += p["rows"].get<std::uint64_t>();
        indices.insert(p["index"].get<std::size_t>());
      }
      CHECK(rows == kRows);
      CHECK(indices.size() == run["parts"].size());
      CHECK(a["benchmarks"][0]["strategy"] == c.strategy);
      CHECK(backends_left(db) == "0");
    }
  }
  CHECK(test::shm_benchlab_entries().empty());
}

TEST_CASE("recovery: forked workers crashing in two attempts are read by decoupled, then by one process",
          "[db][recovery][faults]") {
  test::ScratchDatabase db("rec_degrade");
  db.admin().exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kRows));
  struct Case {
    std::string strategy, fault, last;
    std::vector<std::string> tiers;
  };
  const std::vector<Case> cases = {
      // Workers crash in attempts 1 and 2: decoupled (attempt 3) reads the rest.
      {"multiprocessing",
       "kill:worker=0:after=2:attempts=2",
       "decoupled",
       {"multiprocessing", "multiprocessing", "decoupled"}},
      // A decoder crashes in attempts 1 to 3: the last tier reads without forking.
      {"decoupled",
       "kill:worker=0:after=2:attempts=3",
       "parallel_copy",
       {"decoupled", "decoupled", "decoupled", "parallel_copy"}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.strategy << " " << c.fault) {
      test::TempDir dir("rec_degrade");
      std::vector<std::string> args = read_args(db, c.strategy, dir.path / "r");
      args.insert(args.end(), {"--retries", "3", "--retry-backoff-ms", "1"});
      const test::Outcome out = test::run_benchclient(args, dir.path, {"BENCHLAB_INJECT_FAULT=" + c.fault});
      INFO(out.err);
      REQUIRE(out.exit_code == 0);
      const auto a = test::only_run_artifact(dir.path / "r");
      const auto& run = a["benchmarks"][0]["runs"][0];
      CHECK(run["rows"] == kRows);
      CHECK(run["rows_match"] == true);
      CHECK(run["checksum_match"] == true);
      const auto& rec = run["recovery"];
      CHECK(rec["tier_strategies"] == nlohmann::json(c.tiers));
      CHECK(rec["tiers"].size() == c.tiers.size());
      CHECK(rec["tiers"].back() == 1);
      std::uint64_t rows = 0;
      for (const auto& p : run["parts"]) rows += p["rows"].get<std::uint64_t>();
      CHECK(rows == kRows);
      CHECK(backends_left(db) == "0");
    }
  }
  CHECK(test::shm_benchlab_entries().empty());
}

TEST_CASE("recovery: a fault in every attempt takes the chain to its last tier, then fails cleanly",
          "[db][recovery][faults]") {
  test::ScratchDatabase db("rec_every");
  db.admin().exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kRows));
  test::TempDir dir("rec_every");
  std::vector<std::string> args = read_args(db, "multiprocessing", dir.path / "r");
  args.insert(args.end(), {"--retries", "2", "--retry-backoff-ms", "1"});
  const test::Outcome out = test::run_benchclient(args, dir.path, {"BENCHLAB_INJECT_FAULT=kill:worker=0:attempts=99"});
  INFO(out.err);
  CHECK(out.exit_code == 3);  // a strategy failed (tolerant: after the whole run)
  const auto a = test::only_run_artifact(dir.path / "r");
  const auto errors = a["benchmarks"][0]["errors"];
  REQUIRE(errors.size() == 1);
  const std::string error = errors[0].get<std::string>();
  // multiprocessing, then (the last retry) one process with one connection, which a
  // kill meets as a terminated backend.
  CHECK(error.find("gave up after 3 attempts, at 2, 2, 1 workers (multiprocessing, multiprocessing, parallel_copy)") !=
        std::string::npos);
  CHECK(backends_left(db) == "0");
  CHECK(test::shm_benchlab_entries().empty());

  // --retries 0: no chain; the fault fails the run at once, as it is.
  test::TempDir off("rec_off");
  std::vector<std::string> no_retry = read_args(db, "pooled_sync", off.path / "r");
  no_retry.insert(no_retry.end(), {"--retries", "0"});
  const test::Outcome failed = test::run_benchclient(no_retry, off.path, {"BENCHLAB_INJECT_FAULT=terminate"});
  CHECK(failed.exit_code == 3);
  const auto b = test::only_run_artifact(off.path / "r");
  CHECK(b["benchmarks"][0]["errors"][0].get<std::string>().find("gave up") == std::string::npos);
  CHECK(b["benchmarks"][0]["runs"].empty());
}

TEST_CASE("recovery: bad fault and retry settings are refused before anything starts", "[db][recovery]") {
  test::ScratchDatabase db("rec_bad");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 100)");
  test::TempDir dir("rec_bad");
  const auto results = dir.path / "r";
  auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"--dsn", db.conninfo(),   "--table",        "public.t",     "--rows",
                                  "100",   "--results-dir", results.string(), "--no-progress"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  struct Bad {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string says;
  };
  const std::vector<Bad> bad = {
      {args({"--strategy", "pooled_sync"}), {"BENCHLAB_INJECT_FAULT=explode"}, "BENCHLAB_INJECT_FAULT='explode'"},
      {args({"--strategy", "pooled_sync", "--retries", "-1"}), {}, "--retries -1"},
      {args({"--strategy", "naive", "--checkpoint", (dir.path / "c.json").string()}), {}, "one parallel read"},
      {args({"--strategy", "pooled_sync", "--checkpoint", (dir.path / "c.json").string()}), {}, "--runs 1"},
  };
  for (const auto& b : bad) {
    INFO(b.says);
    const test::Outcome o = test::run_benchclient(b.args, dir.path, b.env);
    CHECK(o.exit_code == 2);
    CHECK(o.err.find(b.says) != std::string::npos);
    CHECK(test::line_count(o.err) == 1);
    CHECK_FALSE(fs::exists(results));
    CHECK_FALSE(fs::exists(dir.path / "c.json"));
  }
}

TEST_CASE("checkpoint: SIGKILL of the parent mid-read, then a resume that matches an uninterrupted read",
          "[db][recovery][checkpoint]") {
  test::ScratchDatabase db("ckpt_kill");
  db.admin().exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kRows));
  for (const char* strategy : {"multiprocessing", "parallel_copy"}) {
    DYNAMIC_SECTION(strategy) {
      test::TempDir dir("ckpt_kill", true);
      const fs::path file = dir.path / "read.checkpoint.json";
      std::vector<std::string> args = read_args(db, strategy, dir.path / "r");
      args.insert(args.end(), {"--checkpoint", file.string()});
      {
        // multiprocessing: worker 1 stalls for good after its first batch (stopped),
        // so the read cannot finish; worker 0 confirms parts, and once two are in
        // the file the parent is killed. parallel_copy: worker 1's backend is
        // terminated two batches into its second part (its first is confirmed),
        // with no retry left to take.
        std::vector<std::string> stalled = args;
        stalled.insert(stalled.end(), {"--hang-timeout", "600s", "--retries", "0"});
        const std::string fault =
            std::string(strategy) == "multiprocessing" ? "stop:worker=1:after=1" : "terminate:worker=1:after=12";
        test::Benchclient run(stalled, dir.path, true, {"BENCHLAB_INJECT_FAULT=" + fault});
        if (std::string(strategy) == "multiprocessing") {
          REQUIRE(wait_for_parts(file, 2));
          kill(-run.pid(), SIGKILL);
          const test::Outcome killed = run.wait();
          CHECK(killed.exit_code == 128 + SIGKILL);
        } else {
          // The terminated worker fails the attempt with no retry: the parts the
          // other worker finished by then stay in the file; exit 3.
          const test::Outcome failed = run.wait();
          INFO(failed.err);
          CHECK(failed.exit_code == 3);
        }
      }
      CHECK(backends_left(db) == "0");
      CHECK(test::shm_benchlab_entries().empty());
      const auto saved = nlohmann::json::parse(test::slurp(file));
      CHECK(saved["complete"] == false);
      const std::size_t before = saved["parts_done"].get<std::size_t>();
      CHECK(before < saved["parts_total"].get<std::size_t>());

      // The resume: no fault; the earlier snapshot is gone (its holder died), so
      // the tolerant policy resumes in a new one and says so (the table did not change).
      fs::remove_all(dir.path / "r");
      const test::Outcome resumed = test::run_benchclient(args, dir.path);
      INFO(resumed.err);
      REQUIRE(resumed.exit_code == 0);
      CHECK(resumed.err.find("resumed from --checkpoint in a new snapshot") != std::string::npos);
      const auto a = test::only_run_artifact(dir.path / "r");
      const auto& r = a["benchmarks"][0]["runs"][0];
      CHECK(r["rows"] == kRows);
      CHECK(r["rows_match"] == true);
      CHECK(r["checksum_match"] == true);
      CHECK(r["recovery"]["parts_from_checkpoint"] == before);
      CHECK(r["parts"].size() == saved["parts_total"].get<std::size_t>() - before);  // only the rest was read
      const auto done = nlohmann::json::parse(test::slurp(file));
      CHECK(done["complete"] == true);
      CHECK(done["parts_done"] == done["parts_total"]);

      // Under --policy strict the same resume is refused: its snapshot is gone.
      std::vector<std::string> strict = args;
      strict.insert(strict.end(), {"--policy", "strict"});
      auto incomplete = done;
      incomplete["done"].erase(incomplete["done"].begin());
      incomplete["parts_done"] = incomplete["done"].size();
      incomplete["complete"] = false;
      {
        std::FILE* f = std::fopen(file.c_str(), "w");
        std::fputs(incomplete.dump().c_str(), f);
        std::fclose(f);
      }
      const test::Outcome refused = test::run_benchclient(strict, dir.path);
      CHECK(refused.exit_code == 1);
      CHECK(refused.err.find("is gone") != std::string::npos);
      CHECK(refused.err.find("--policy strict refuses") != std::string::npos);
    }
  }
}

TEST_CASE("checkpoint: SIGINT mid-read, resumed in the held snapshot, exact while the table changes",
          "[db][recovery][checkpoint]") {
  test::ScratchDatabase db("ckpt_int");
  db.admin().exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kRows));
  test::TempDir hold_dir("ckpt_int_h");
  test::Benchclient holder({"snapshot", "hold", "--dsn", db.conninfo()}, hold_dir.path);
  const std::string id = test::held_snapshot_id(hold_dir.path);
  REQUIRE_FALSE(id.empty());

  test::TempDir dir("ckpt_int", true);
  const fs::path file = dir.path / "read.checkpoint.json";
  std::vector<std::string> args = read_args(db, "multiprocessing", dir.path / "r");
  args.insert(args.end(), {"--checkpoint", file.string(), "--snapshot", id});
  {
    std::vector<std::string> stalled = args;
    stalled.insert(stalled.end(), {"--hang-timeout", "600s"});
    test::Benchclient run(stalled, dir.path, true, {"BENCHLAB_INJECT_FAULT=stop:worker=1:after=1"});
    REQUIRE(wait_for_parts(file, 2));
    kill(-run.pid(), SIGINT);  // Ctrl-C: the whole group, the stopped worker with it (it dies of SIGKILL at exit)
    const test::Outcome interrupted = run.wait();
    INFO(interrupted.err);
    CHECK(interrupted.exit_code == 130);
    // It says what is kept where, and how to go on.
    const auto kept = nlohmann::json::parse(test::slurp(file));
    CHECK(kept["parts_total"] == 8);
    CHECK(test::contains(interrupted.err,
                         fmt::format("benchclient: interrupted by SIGINT: {} of 8 parts of multiprocessing at {} rows "
                                     "are kept in {}; run the same command to resume",
                                     kept["parts_done"].get<std::size_t>(), kRows, file.string())));
  }
  CHECK(test::shm_benchlab_entries().empty());
  const auto saved = nlohmann::json::parse(test::slurp(file));
  CHECK(saved["snapshot_id"] == id);
  // The table changes after the snapshot: an exact resume must not see it.
  db.admin().exec("UPDATE public.t SET amount = amount + 1 WHERE id % 7 = 0; DELETE FROM public.t WHERE id > 39000");
  fs::remove_all(dir.path / "r");
  const test::Outcome resumed = test::run_benchclient(args, dir.path);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("new snapshot") == std::string::npos);
  const auto a = test::only_run_artifact(dir.path / "r");
  const auto& r = a["benchmarks"][0]["runs"][0];
  CHECK(r["rows"] == kRows);
  CHECK(r["rows_match"] == true);
  CHECK(r["checksum_match"] == true);
  CHECK(r["recovery"]["parts_from_checkpoint"].get<std::size_t>() >= 2);
  kill(holder.pid(), SIGINT);
  CHECK(holder.wait().exit_code == 0);
}

TEST_CASE("checkpoint: a resume of a different read is refused, naming what differs", "[db][recovery][checkpoint]") {
  test::ScratchDatabase db("ckpt_diff");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 4000)");
  test::TempDir dir("ckpt_diff");
  const fs::path file = dir.path / "c.json";
  auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"--dsn",         db.conninfo(),
                                  "--table",       "public.t",
                                  "--rows",        "4000",
                                  "--strategy",    "pooled_sync",
                                  "--runs",        "1",
                                  "--checkpoint",  file.string(),
                                  "--results-dir", (dir.path / "r").string(),
                                  "--console",     "none",
                                  "--no-progress"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const test::Outcome first = test::run_benchclient(args({}), dir.path);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(nlohmann::json::parse(test::slurp(file))["complete"] == true);

  // A complete checkpoint: nothing is read again, and the totals are still the server's.
  fs::remove_all(dir.path / "r");
  const test::Outcome again = test::run_benchclient(args({}), dir.path);
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(test::only_run_artifact(dir.path / "r")["benchmarks"][0]["runs"][0]["parts"].empty());

  const test::Outcome other_format = test::run_benchclient(args({"--format", "binary"}), dir.path);
  CHECK(other_format.exit_code == 1);
  CHECK(other_format.err.find("format binary (was text)") != std::string::npos);
  CHECK(test::line_count(other_format.err) == 1);

  // Another --digest is another read; a sha256 checkpoint keeps every part's digest, and
  // a resume that reads nothing again still arrives at the server's digest from them.
  const test::Outcome other_digest = test::run_benchclient(args({"--digest", "sha256"}), dir.path);
  CHECK(other_digest.exit_code == 1);
  CHECK(other_digest.err.find("digest sha256 (was xxh3)") != std::string::npos);
  CHECK(test::line_count(other_digest.err) == 1);
  fs::remove(file);
  fs::remove_all(dir.path / "r");
  const test::Outcome sha = test::run_benchclient(args({"--digest", "sha256"}), dir.path);
  INFO(sha.err);
  REQUIRE(sha.exit_code == 0);
  const auto journal = nlohmann::json::parse(test::slurp(file));
  CHECK(journal["digest"] == "sha256");
  for (const auto& part : journal["done"]) CHECK(part["digest"].get<std::string>().size() == 64);
  fs::remove_all(dir.path / "r");
  const test::Outcome sha_again = test::run_benchclient(args({"--digest", "sha256"}), dir.path);
  INFO(sha_again.err);
  CHECK(sha_again.exit_code == 0);
  const auto resumed = test::only_run_artifact(dir.path / "r");
  CHECK(resumed["benchmarks"][0]["runs"][0]["parts"].empty());
  CHECK(resumed["benchmarks"][0]["runs"][0]["digest_match"] == true);
  CHECK(resumed["benchmarks"][0]["runs"][0]["digest"] == resumed["sizes"][0]["server_digest"]);
  fs::remove(file);  // the checks below start from an xxh3 checkpoint again
  REQUIRE(test::run_benchclient(args({}), dir.path).exit_code == 0);

  db.admin().exec("ALTER TABLE public.t ADD COLUMN extra int");
  const test::Outcome drifted = test::run_benchclient(args({}), dir.path);
  CHECK(drifted.exit_code == 1);
  CHECK(drifted.err.find("schema:") != std::string::npos);
  CHECK(drifted.err.find("extra") != std::string::npos);

  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    std::fputs("{\"benchlab_checkpoint\": 1, \"strategy\": ", f);  // truncated
    std::fclose(f);
  }
  const test::Outcome corrupt = test::run_benchclient(args({}), dir.path);
  CHECK(corrupt.exit_code != 0);
  CHECK(corrupt.err.find(file.string() + ": not JSON") != std::string::npos);
}
