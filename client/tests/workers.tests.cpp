// --workers checked against sense and the server's free connections, `plan` and a
// run deciding alike (one planner), and every refusal made before any work: the
// real binary, as a user runs it.
#include <fmt/format.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/error_wording.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace benchlab;

namespace {

// Nothing a refused invocation may leave in its TMPDIR: a throwaway cluster's directory.
bool no_cluster_dirs(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with("benchlab-cluster-")) return false;
  return true;
}

// Refused as bad input: exit 2, one line on stderr naming `what`, nothing on stdout,
// no progress line (nothing started, nothing seeded) and nothing left behind.
void require_refused_before_work(const test::Outcome& o, const fs::path& dir, const std::string& what) {
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 2);
  CHECK(test::line_count(o.err) == 1);
  CHECK(test::contains(o.err, what));
  CHECK_FALSE(test::contains(o.err, "seeding"));
  CHECK(o.out.empty());
  CHECK(no_cluster_dirs(dir));
}

// The error line without its "; see ... --help" ending (the run's and plan's differ
// there) nor a memory budget's minimum (the parent's resident set is part of it).
std::string without_help(const std::string& err) {
  const std::string line = err.substr(0, err.find('\n'));
  return line.substr(0, std::min(line.find("; see benchclient"), line.find(" it needs at least")));
}

// What `benchclient plan` printed that a run's artifact records too.
struct Planned {
  int workers = 0, batch_rows = 0;
  struct Size {
    std::string split;
    int workers = 0, batch_rows = 0;
    std::size_t partitions = 0, batches = 0;
  };
  std::vector<Size> sizes;
};

Planned parse_plan(const std::string& out) {
  Planned p;
  const std::regex overall(R"(^workers (\d+), batches of (\d+) rows \(.*\)$)");
  const std::regex size(R"(^.*: split (\w+), (\d+) workers, batches of (\d+) rows, (\d+) partitions, (\d+) batches$)");
  std::istringstream in(out);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, overall)) {
      p.workers = std::stoi(m[1]);
      p.batch_rows = std::stoi(m[2]);
    } else if (std::regex_match(line, m, size)) {
      p.sizes.push_back({m[1], std::stoi(m[2]), std::stoi(m[3]), std::stoul(m[4]), std::stoul(m[5])});
    }
  }
  return p;
}

}  // namespace

TEST_CASE("workers: what cannot be meant is refused before a cluster starts, by a run and by plan alike",
          "[cli][workers]") {
  test::TempDir dir("workers_refused", true);
  const fs::path results = dir.path / "results";
  struct Case {
    std::vector<std::string> args;
    std::string what;
  };
  const std::vector<Case> cases = {
      {{"--rows", "100", "--workers", "200"},
       "--workers 200: more workers than the 100 rows there are to read, so some would read nothing; give --workers "
       "100 or fewer"},
      {{"--rows", "100,5000", "--workers", "150"}, "more workers than the 100 rows of the smallest size"},
      {{"--split", "ctid", "--rows", "1000"}, "--split ctid has no key order to take the first --rows N rows in"},
      {{"--split", "ctid"}, "--split ctid has no key order"},  // the default --rows 100000 is a row count too
      {{"--memory-budget", "1MiB", "--rows", "1000"},
       "--memory-budget 1.0 MiB is too small for even one worker: it needs at least"},
      {{"--split", "ctid", "--rows", "all", "--concurrent-writes", "100"},
       "--concurrent-writes writes by the standard table's key, which --split ctid does not read by"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> run = {"--all", "--results-dir", results.string()};
    run.insert(run.end(), c.args.begin(), c.args.end());
    INFO(fmt::format("{}", fmt::join(run, " ")));
    const test::Outcome by_run = test::run_benchclient(run, dir.path);
    require_refused_before_work(by_run, dir.path, c.what);
    CHECK(test::contains(by_run.err, "; see benchclient --help"));
    CHECK_FALSE(fs::exists(results));

    std::vector<std::string> plan = {"plan"};
    plan.insert(plan.end(), c.args.begin(), c.args.end());
    const test::Outcome by_plan = test::run_benchclient(plan, dir.path);
    require_refused_before_work(by_plan, dir.path, c.what);
    CHECK(without_help(by_plan.err) == without_help(by_run.err));
  }
  // A serial strategy has no workers: --workers does not limit it (what refuses here is the budget).
  const test::Outcome serial = test::run_benchclient(
      {"--strategy", "naive", "--rows", "5", "--workers", "10", "--memory-budget", "1MiB"}, dir.path);
  require_refused_before_work(serial, dir.path, "--memory-budget 1.0 MiB is too small");
}

TEST_CASE("workers: plan --help lists the options plan takes, the run's own", "[cli][workers]") {
  test::TempDir dir("workers_help");
  const test::Outcome help = test::run_benchclient({"plan", "--help"}, dir.path);
  INFO(help.out);
  CHECK(help.exit_code == 0);
  for (const char* option : {"--workers", "--batch-rows", "--memory-budget", "--split", "--rows", "--part-rows",
                             "--table", "--key", "--dsn", "--profile", "--pg-set", "--strategy", "--all"})
    CHECK(test::contains(help.out, option));
  CHECK(test::contains(help.out, "Exit status:"));
  // Given after `plan` or before it, an option means the same.
  const test::Outcome after = test::run_benchclient({"plan", "--workers", "0"}, dir.path);
  const test::Outcome before = test::run_benchclient({"--workers", "0", "plan"}, dir.path);
  CHECK(after.exit_code == 2);
  CHECK(before.exit_code == 2);
  CHECK(test::contains(after.err, "--workers 0: out of range"));
  CHECK(test::contains(before.err, "--workers 0: out of range"));
}

TEST_CASE("workers: more than the server's free connections is refused before the table is seeded",
          "[cli][db][workers]") {
  test::ScratchDatabase db("workers_conn");
  test::TempDir dir("workers_conn", true);
  const fs::path results = dir.path / "results";
  const std::string max_connections = db.admin().query_value("SHOW max_connections");
  const std::vector<std::string> args = {"--strategy", "multiprocessing", "--rows",        "1000", "--workers",
                                         "999",        "--results-dir",   results.string()};
  std::vector<std::string> run = {"--dsn", db.conninfo()};
  run.insert(run.end(), args.begin(), args.end());
  const test::Outcome by_run = test::run_benchclient(run, dir.path);
  require_refused_before_work(by_run, dir.path,
                              "--workers 999: the run would hold 1000 connections at once (999 workers + 1 "
                              "coordinator), but the server has ");
  CHECK(test::contains(by_run.err, fmt::format("(max_connections {} - ", max_connections)));
  CHECK(test::contains(by_run.err, "; give --workers "));
  CHECK(test::contains(by_run.err, "raise the server's max_connections"));
  CHECK_FALSE(fs::exists(results));
  CHECK(db.admin().query_value("SELECT to_regclass('public.benchlab_records') IS NULL") == "t");  // nothing seeded

  std::vector<std::string> plan = {"plan", "--dsn", db.conninfo()};
  plan.insert(plan.end(), args.begin(), args.end());
  const test::Outcome by_plan = test::run_benchclient(plan, dir.path);
  require_refused_before_work(by_plan, dir.path, "--workers 999: the run would hold 1000 connections");
  // The in-use count may differ by a backend still exiting: the rest is the same sentence.
  CHECK(by_plan.err.substr(0, by_plan.err.find(" free")) == by_run.err.substr(0, by_run.err.find(" free")));

  // The throwaway cluster: its own max_connections, checked once it is up, before seeding;
  // the fix names --pg-set, and the cluster is gone.
  const test::Outcome throwaway = test::run_benchclient(args, dir.path);
  INFO("stderr: " << throwaway.err);
  CHECK(throwaway.exit_code == 2);
  CHECK(test::contains(throwaway.err, "benchclient: error: --workers 999: the run would hold 1000 connections"));
  CHECK(test::contains(throwaway.err, "--pg-set max_connections="));
  CHECK_FALSE(test::contains(throwaway.err, "seeding"));
  CHECK(throwaway.out.empty());
  CHECK(no_cluster_dirs(dir.path));
  CHECK_FALSE(fs::exists(results));
}

TEST_CASE("workers: plan prints the workers, batch and parts a run with the same options records",
          "[cli][db][workers]") {
  test::ScratchDatabase db("workers_plan");
  db.admin().exec(
      "CREATE TABLE public.three (id int PRIMARY KEY, v text); INSERT INTO public.three VALUES (1, 'a'), "
      "(2, 'b'), (3, 'c'); ANALYZE public.three");
  test::TempDir dir("workers_plan");
  const std::vector<std::vector<std::string>> option_sets = {
      {"--rows", "3000,6000"},
      {"--rows", "3000", "--workers", "3"},
      {"--rows", "3000", "--workers", "3", "--memory-budget", "64MiB"},
      {"--rows", "all", "--split", "ctid", "--workers", "3"},
      {"--rows", "3000", "--part-rows", "500"},
      {"--table", "public.three", "--rows", "all", "--workers", "8"},  // fewer rows than workers
  };
  for (const auto& options : option_sets) {
    INFO(fmt::format("{}", fmt::join(options, " ")));
    std::vector<std::string> plan = {"plan", "--dsn", db.conninfo(), "--strategy", "pooled_sync"};
    plan.insert(plan.end(), options.begin(), options.end());
    const test::Outcome planned = test::run_benchclient(plan, dir.path);
    INFO("plan: " << planned.out << planned.err);
    REQUIRE(planned.exit_code == 0);
    const Planned p = parse_plan(planned.out);

    const fs::path results = dir.path / "results";
    fs::remove_all(results);
    std::vector<std::string> run = {"--dsn",         db.conninfo(),    "--strategy", "pooled_sync", "--runs",       "1",
                                    "--results-dir", results.string(), "--console",  "none",        "--no-progress"};
    run.insert(run.end(), options.begin(), options.end());
    const test::Outcome ran = test::run_benchclient(run, dir.path);
    INFO("run: " << ran.err);
    REQUIRE(ran.exit_code == 0);
    const nlohmann::json a = test::only_run_artifact(results);
    CHECK(p.workers == a["context"]["options"]["workers"].get<int>());
    CHECK(p.batch_rows == a["context"]["options"]["batch_rows"].get<int>());
    REQUIRE(p.sizes.size() == a["sizes"].size());
    for (std::size_t i = 0; i < p.sizes.size(); ++i) {
      const auto& z = a["sizes"][i];
      CHECK(p.sizes[i].split == z["split"].get<std::string>());
      CHECK(p.sizes[i].workers == p.workers);
      CHECK(p.sizes[i].batch_rows == p.batch_rows);
      CHECK(p.sizes[i].partitions == z["partitions"].get<std::size_t>());
      CHECK(p.sizes[i].batches == z["batches"].get<std::size_t>());
    }
    if (options.front() == "--table") {
      CHECK(p.workers == 3);  // one per row, said in a note
      CHECK(test::contains(planned.out, "so 3 workers read it, not 8"));
    }
    if (std::find(options.begin(), options.end(), "--memory-budget") != options.end()) {
      CHECK(test::contains(planned.out, "memory plan:"));
    } else {
      CHECK_FALSE(test::contains(planned.out, "memory plan:"));  // no budget assumed
      if (options.front() != "--table")
        CHECK(p.workers == (std::find(options.begin(), options.end(), "3") != options.end() ? 3 : 2));
    }
  }
}

TEST_CASE("workers: the connections refusal names the option, the limit and the fix", "[workers]") {
  ConnectionNeed need;
  need.workers = 120;
  need.writer = 1;
  need.snapshot_holder = 1;
  const ConnectionRoom room{100, 3, 4};
  const plan::ConnectionsRefused refused(120, need, room);
  CHECK(refused.workers_that_fit() == 90);
  CHECK(cli::word(refused, true) ==
        "--workers 120: the run would hold 123 connections at once (120 workers + 1 coordinator + 1 writer + 1 held "
        "snapshot), but the server has 93 free (max_connections 100 - 3 reserved for superusers - 4 in use); give "
        "--workers 90 or fewer, or raise the throwaway cluster's limit with --pg-set max_connections=130");
  CHECK(test::contains(cli::word(refused, false), "raise the server's max_connections to 130 or more"));
}
