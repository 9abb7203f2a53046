// Settings profiles and fixed resources through the real binary: several profiles in
// one artifact, --pg-set applied or refused with the server's own words, CPU lists
// checked before anything starts, the limits in force recorded.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "process/resources.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using benchlab::test::line_count;
using benchlab::test::Outcome;
using benchlab::test::TempDir;

namespace {

// Nothing left behind: no cluster directory in the run's TMPDIR, no results directory.
bool nothing_left(const TempDir& dir) {
  for (const auto& e : fs::directory_iterator(dir.path)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("benchlab-cluster-") || name == "results") return false;
  }
  return true;
}

Outcome run(const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> all = args;
  all.insert(all.end(), {"--results-dir", (dir.path / "results").string(), "--no-progress"});
  return benchlab::test::run_benchclient(all, dir.path);
}

std::string setting(const nlohmann::json& profile, const char* name) {
  const auto& s = profile.at("settings");
  return s.contains(name) ? s.at(name).get<std::string>() : std::string("(missing)");
}

}  // namespace

TEST_CASE("CPU lists parse, format and refuse CPUs that do not exist", "[profiles]") {
  using benchlab::format_cpu_list;
  using benchlab::parse_cpu_list;
  CHECK(parse_cpu_list("0") == std::vector<int>{0});
  CHECK(format_cpu_list({0, 1, 2, 5, 7, 8}) == "0-2,5,7-8");
  const std::vector<int> allowed = benchlab::allowed_cpus();
  REQUIRE_FALSE(allowed.empty());
  CHECK(parse_cpu_list(format_cpu_list(allowed)) == allowed);
  CHECK_THROWS_WITH(parse_cpu_list("999"), Catch::Contains("CPU 999 does not exist"));
  for (const char* bad : {"", "a", "1-0", "0,", "-1", "0-x", "99999"})
    CHECK_THROWS_AS(parse_cpu_list(bad), std::invalid_argument);
}

TEST_CASE("two profiles: one artifact, each profile's settings in force, resources recorded", "[profiles][db]") {
  TempDir dir("profiles", /*traversable=*/true);
  const Outcome o =
      run({"--strategy", "naive", "--rows", "2000", "--runs", "1", "--profile", "default,async_commit", "--pg-set",
           "work_mem=12MB", "--client-cpus", "0", "--server-cpus", "0", "--client-memory", "8G"},
          dir);
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  CHECK(o.out.find("profile default: 2000 rows") != std::string::npos);
  CHECK(o.out.find("profile async_commit: 2000 rows") != std::string::npos);
  const nlohmann::json a = benchlab::test::only_run_artifact(dir.path / "results");
  const auto& c = a.at("context");
  CHECK(c.at("target").at("profile") == "default,async_commit");
  const auto& profiles = c.at("profiles");
  REQUIRE(profiles.size() == 2);
  CHECK(profiles[0].at("name") == "default");
  CHECK(profiles[1].at("name") == "async_commit");
  CHECK(setting(profiles[0], "synchronous_commit") == "on");
  CHECK(setting(profiles[1], "synchronous_commit") == "off");
  CHECK(setting(profiles[1], "fsync") == "on");  // async_commit keeps durability of what is flushed
  CHECK(setting(profiles[1], "full_page_writes") == "on");
  CHECK(setting(profiles[1], "max_connections") == "200");
  CHECK(setting(profiles[0], "max_connections") == "100");
  for (const auto& p : profiles) CHECK(setting(p, "work_mem") == "12MB");  // --pg-set on top of each
  CHECK(profiles[1].at("requested").at("work_mem") == "12MB");
  // Every size and benchmark entry says which profile it was measured on.
  std::vector<std::string> size_profiles, bench_profiles;
  for (const auto& s : a.at("sizes")) size_profiles.push_back(s.at("profile"));
  for (const auto& b : a.at("benchmarks")) {
    bench_profiles.push_back(b.at("profile"));
    CHECK(b.at("rows_match") == true);
    CHECK(b.at("checksum_match") == true);
  }
  CHECK(size_profiles == std::vector<std::string>{"default", "async_commit"});
  CHECK(bench_profiles == std::vector<std::string>{"default", "async_commit"});
  const auto& r = c.at("resources");
  CHECK(r.at("client_cpus") == "0");
  CHECK(r.at("client_pinned") == true);
  CHECK(r.at("server_cpus") == "0");
  CHECK(r.at("server_pinned") == true);
  CHECK(r.at("client_memory_bytes") == 8ULL << 30);
  CHECK(r.at("client_memory_mechanism").get<std::string>().starts_with("RLIMIT_AS"));
  // The artifact reads back: the report has a section per profile and one side-by-side summary.
  fs::path file;
  for (const auto& e : fs::directory_iterator(dir.path / "results"))
    if (e.path().extension() == ".json") file = e.path();  // not its HTML report beside it
  const Outcome rep = benchlab::test::run_benchclient({"report", file.string()}, dir.path);
  INFO(rep.err);
  REQUIRE(rep.exit_code == 0);
  CHECK(rep.out.find("### 2000 rows, profile `async_commit`") != std::string::npos);
  CHECK(rep.out.find("profile default") != std::string::npos);
  for (const auto& e : fs::directory_iterator(dir.path))
    CHECK_FALSE(e.path().filename().string().starts_with("benchlab-cluster-"));
}

TEST_CASE("a setting the server rejects stops the run with the server's message, nothing left", "[profiles][db]") {
  TempDir dir("profiles", /*traversable=*/true);
  const Outcome bad_value = run({"--strategy", "naive", "--rows", "500", "--pg-set", "work_mem=abc"}, dir);
  CHECK(bad_value.exit_code != 0);
  CHECK(line_count(bad_value.err) == 1);
  CHECK(bad_value.err.find("invalid value for parameter \"work_mem\": \"abc\"") != std::string::npos);
  CHECK(nothing_left(dir));
  const Outcome unknown = run({"--strategy", "naive", "--rows", "500", "--pg-set", "no_such_setting=1"}, dir);
  CHECK(unknown.exit_code != 0);
  CHECK(line_count(unknown.err) == 1);
  CHECK(unknown.err.find("unrecognized configuration parameter \"no_such_setting\"") != std::string::npos);
  CHECK(nothing_left(dir));
}

TEST_CASE("bad profiles, settings and CPU lists are refused before anything starts", "[profiles]") {
  TempDir dir("profiles", /*traversable=*/true);
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{"--profile", "default,turbo"}, "unknown profile 'turbo'; valid profiles: default, tuned, async_commit"},
      {{"--dsn", "", "--profile", "tuned"}, "--profile applies to throwaway clusters"},
      {{"--dsn", "", "--pg-set", "work_mem=8MB"}, "--pg-set applies to throwaway clusters"},
      {{"--pg-set", "work_mem"}, "give name=value"},
      {{"--pg-set", "bad name=1"}, "give name=value"},
      {{"--client-cpus", "999"}, "CPU 999 does not exist"},
      {{"--server-cpus", "999"}, "CPU 999 does not exist"},
      {{"--client-cpus", "1-0"}, "runs backwards"},
      {{"--server-cpus", "zero"}, "is not a CPU list"},
      {{"--client-memory", "lots"}, "--client-memory 'lots'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"--strategy", "naive", "--rows", "500"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const Outcome o = run(args, dir);
    INFO(args.back() << ": " << o.err);
    CHECK(o.exit_code == 2);
    CHECK(line_count(o.err) == 1);
    CHECK(o.err.find(c.says) != std::string::npos);
    CHECK(nothing_left(dir));
  }
}

TEST_CASE("client CPUs alone (--client-cpus) pin benchclient, not the server it starts", "[profiles][db]") {
  TempDir dir("profiles", /*traversable=*/true);
  const Outcome o = run({"--strategy", "naive", "--rows", "500", "--runs", "1", "--client-cpus", "0"}, dir);
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  const nlohmann::json a = benchlab::test::only_run_artifact(dir.path / "results");
  const auto& r = a.at("context").at("resources");
  CHECK(r.at("client_cpus") == "0");
  CHECK(r.at("client_pinned") == true);
  CHECK(r.at("server_cpus") == benchlab::format_cpu_list(benchlab::allowed_cpus()));
  CHECK(r.at("server_pinned") == false);
  CHECK(r.at("client_memory_bytes").is_null());
  CHECK(a.at("context").at("profiles").size() == 1);
}
