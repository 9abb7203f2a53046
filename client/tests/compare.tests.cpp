// `benchclient compare` (did NEW get slower?): the bootstrap verdicts on samples that
// differ by known amounts (none at all must never be flagged), the command on
// copies of a committed artifact scaled by known factors: exit 0 / 1 / 2, and on
// copies of the reference sweep with sizes, context, runs and rows changed.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/compare.hpp"
#include "support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

CompareRow judged(const std::vector<double>& base, const std::vector<double>& fresh, double threshold = 0.05) {
  return judge(CompareRow{}, base, fresh, threshold);
}

// A committed artifact of four parallel strategies, three runs each.
const fs::path kArtifact = fs::path(BENCHLAB_SOURCE_DIR) / "results" / "run-20261202T015528Z.json";

// A copy of the committed artifact with every run's rows/s multiplied by `factor`
// (and, when given, one context option changed).
fs::path scaled_copy(const fs::path& dir, const std::string& name, double factor, const char* option = nullptr,
                     const nlohmann::json& value = nullptr) {
  nlohmann::json a = nlohmann::json::parse(test::slurp(kArtifact));
  for (auto& b : a["benchmarks"])
    for (auto& r : b["runs"]) r["rows_per_sec"] = r["rows_per_sec"].get<double>() * factor;
  if (option != nullptr) a["context"]["options"][option] = value;
  const fs::path out = dir / name;
  std::FILE* f = std::fopen(out.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fputs(a.dump().c_str(), f);
  std::fclose(f);
  return out;
}

}  // namespace

TEST_CASE("compare: identical runs are never a regression, known changes are found", "[compare]") {
  const std::vector<double> base = {100, 104, 97};
  const CompareRow same = judged(base, base);
  CHECK(same.ratio == 1.0);
  CHECK(same.verdict == Verdict::within_noise);
  CHECK_FALSE(same.regression);
  const CompareRow flat = judged({100, 100, 100}, {100, 100, 100});
  CHECK(flat.verdict == Verdict::within_noise);
  CHECK_FALSE(flat.regression);

  const CompareRow slower = judged(base, {80, 83, 78});  // 20 % slower, well beyond the spread
  CHECK(slower.ratio == Approx(80.0 / 100.0));
  CHECK(slower.verdict == Verdict::slower);
  CHECK(slower.interval.hi < 1);
  CHECK(slower.regression);
  CHECK_FALSE(judged(base, {80, 83, 78}, 0.25).regression);  // slower, but within a 25 % threshold

  const CompareRow faster = judged(base, {130, 126, 133});
  CHECK(faster.verdict == Verdict::faster);
  CHECK(faster.interval.lo > 1);
  CHECK_FALSE(faster.regression);

  const CompareRow noisy = judged({100, 120, 80}, {97, 117, 78});  // 3 % slower inside a ±20 % spread
  CHECK(noisy.verdict == Verdict::within_noise);
  CHECK_FALSE(noisy.regression);

  // Seeded: the same samples give the same interval.
  CHECK(bootstrap_ratio_interval(base, {80, 83, 78}).lo == bootstrap_ratio_interval(base, {80, 83, 78}).lo);
}

TEST_CASE("compare: the command on artifacts that differ by known amounts, and on bad input", "[compare]") {
  REQUIRE(fs::exists(kArtifact));
  test::TempDir dir("compare");
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "compare");
    return test::run_benchclient(args, dir.path);
  };
  const test::Outcome same = run({kArtifact.string(), kArtifact.string()});
  INFO(same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("No regression beyond the threshold.") != std::string::npos);
  CHECK(same.out.find("| pooled_sync | 1000000 |") != std::string::npos);

  const fs::path half = scaled_copy(dir.path, "half.json", 0.5);
  const test::Outcome regressed = run({kArtifact.string(), half.string(), "--json"});
  CHECK(regressed.exit_code == 1);
  const auto j = nlohmann::json::parse(regressed.out);
  CHECK(j["regression"] == true);
  REQUIRE(j["comparisons"].size() == 4);
  for (const auto& c : j["comparisons"]) {
    CHECK(c["ratio"].get<double>() == Approx(0.5));
    CHECK(c["verdict"] == "slower");
  }
  const fs::path quicker = scaled_copy(dir.path, "quicker.json", 1.5);
  const test::Outcome better = run({kArtifact.string(), quicker.string()});
  CHECK(better.exit_code == 0);
  CHECK(better.out.find("faster") != std::string::npos);
  // 3 % slower is under the default 5 % threshold, and under noise: never exit 1.
  CHECK(run({kArtifact.string(), scaled_copy(dir.path, "slight.json", 0.97).string()}).exit_code == 0);

  const fs::path other = scaled_copy(dir.path, "binary.json", 1.0, "format", "binary");
  const test::Outcome refused = run({kArtifact.string(), other.string()});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("format text vs binary") != std::string::npos);
  CHECK(test::line_count(refused.err) == 1);
  const test::Outcome forced = run({kArtifact.string(), other.string(), "--force"});
  CHECK(forced.exit_code == 0);
  CHECK(forced.out.find("Compared with --force although the datasets differ") != std::string::npos);

  {
    std::FILE* f = std::fopen((dir.path / "broken.json").c_str(), "w");
    std::fputs("{\"context\": ", f);
    std::fclose(f);
  }
  const test::Outcome broken = run({kArtifact.string(), (dir.path / "broken.json").string()});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find("broken.json") != std::string::npos);
  CHECK(run({kArtifact.string(), kArtifact.string(), "--threshold", "x"}).exit_code == 2);
}

// Like for like (docs/compare.md): copies of the committed reference sweep
// (an earlier reference sweep kept in results/, 7 strategies × 100K/500K/1M rows × 3 runs) with sizes removed,
// the machine, CPU count, PostgreSQL, settings or commit changed, runs removed as an
// interruption leaves them, a resumed run and a control row.
namespace {

const fs::path kSweep = fs::path(BENCHLAB_SOURCE_DIR) / "results" / "run-20261202T045428Z.json";

template <typename Change>
fs::path variant(const fs::path& dir, const std::string& name, Change change) {
  nlohmann::json a = nlohmann::json::parse(test::slurp(kSweep));
  change(a);
  return test::write_file(dir, name, a.dump());
}

void only_sizes(nlohmann::json& a, const std::vector<std::uint64_t>& sizes) {
  const auto keep = [&](const nlohmann::json& x) {
    return std::find(sizes.begin(), sizes.end(), x["limit"].get<std::uint64_t>()) != sizes.end();
  };
  nlohmann::json benchmarks = nlohmann::json::array(), kept = nlohmann::json::array();
  for (auto& b : a["benchmarks"])
    if (keep(b)) benchmarks.push_back(b);
  for (auto& s : a["sizes"])
    if (keep(s)) kept.push_back(s);
  a["benchmarks"] = benchmarks;
  a["sizes"] = kept;
  a["context"]["options"]["rows"] = sizes;
}

void scale(nlohmann::json& a, double factor) {
  for (auto& b : a["benchmarks"])
    for (auto& r : b["runs"]) r["rows_per_sec"] = r["rows_per_sec"].get<double>() * factor;
}

nlohmann::json& benchmark(nlohmann::json& a, std::uint64_t limit, const std::string& strategy) {
  for (auto& b : a["benchmarks"])
    if (b["limit"] == limit && b["strategy"] == strategy) return b;
  throw std::logic_error("no such benchmark");
}

std::size_t table_rows(const std::string& markdown) {
  std::size_t n = 0;
  for (std::size_t at = markdown.find("\n| "); at != std::string::npos; at = markdown.find("\n| ", at + 1)) ++n;
  return n - 1;  // less the header
}

}  // namespace

TEST_CASE("compare: artifacts that share some sizes compare those, and name the rest", "[compare]") {
  REQUIRE(fs::exists(kSweep));
  test::TempDir dir("compare-sizes");
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "compare");
    return test::run_benchclient(args, dir.path);
  };
  const fs::path k500 = variant(dir.path, "500k.json", [](auto& a) { only_sizes(a, {500000}); });
  const test::Outcome one = run({k500.string(), kSweep.string()});
  INFO(one.err);
  CHECK(one.exit_code == 0);
  CHECK(one.err.empty());
  CHECK(test::contains(one.out,
                       "- **Compared:** 500000 rows.\n- **Not compared:** 100000 and 1000000 rows (only in new).\n"));
  CHECK(table_rows(one.out) == 7);
  CHECK(test::contains(one.out, "| pooled_sync | 500000 | 985417 | 985417 | 1.000 |"));
  CHECK_FALSE(test::contains(one.out, "Not like for like"));
  CHECK(test::contains(one.out, "\nNo regression beyond the threshold.\n"));

  const test::Outcome j = run({kSweep.string(), k500.string(), "--json"});
  CHECK(j.exit_code == 0);
  const auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["sizes_compared"] == nlohmann::json::parse(R"([{"rows": 500000, "profile": null}])"));
  CHECK(doc["not_compared"] == nlohmann::json::parse(R"([
    {"rows": 100000, "profile": null, "strategy": null, "why": "only in base"},
    {"rows": 1000000, "profile": null, "strategy": null, "why": "only in base"}])"));
  CHECK(doc["like_for_like"] == true);
  CHECK(doc["context_differences"].empty());
  CHECK(doc["comparisons"].size() == 7);

  // No size in common: refused, naming each side's sizes, --force or not.
  const fs::path k100 = variant(dir.path, "100k-1m.json", [](auto& a) { only_sizes(a, {100000, 1000000}); });
  for (const bool force : {false, true}) {
    std::vector<std::string> args{k500.string(), k100.string()};
    if (force) args.push_back("--force");
    const test::Outcome none = run(args);
    CHECK(none.exit_code == 2);
    CHECK(none.out.empty());
    CHECK(none.err == fmt::format("benchclient: error: compare: {} and {} have no size in common ({} has 500000 "
                                  "rows, {} 100000, 1000000 rows)\n",
                                  k500.string(), k100.string(), k500.string(), k100.string()));
  }

  // A strategy only on one side is named; a whole-table read against a row count is another dataset.
  const fs::path fewer = variant(dir.path, "fewer.json", [](auto& a) {
    nlohmann::json kept = nlohmann::json::array();
    for (auto& b : a["benchmarks"])
      if (b["strategy"] != "naive" && b["strategy"] != "copy_stream") kept.push_back(b);
    a["benchmarks"] = kept;
  });
  const test::Outcome partial = run({kSweep.string(), fewer.string()});
  CHECK(partial.exit_code == 0);
  CHECK(test::contains(partial.out,
                       "- **Not compared:** naive and copy_stream at 100000 rows (only in base); naive and copy_stream "
                       "at 500000 rows (only in base); naive and copy_stream at 1000000 rows (only in base).\n"));
  CHECK(table_rows(partial.out) == 15);
  const fs::path whole = variant(dir.path, "whole.json", [](auto& a) { a["context"]["options"]["all_rows"] = true; });
  const test::Outcome refused = run({kSweep.string(), whole.string()});
  CHECK(refused.exit_code == 2);
  CHECK(test::contains(refused.err, "(rows a row count vs the whole table)"));
}

TEST_CASE("compare: another machine, CPU count or PostgreSQL major version is not like for like", "[compare]") {
  test::TempDir dir("compare-context");
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "compare");
    return test::run_benchclient(args, dir.path);
  };
  const std::string base = kSweep.string();

  // An AMD new against the Intel base, every rate halved: the regressions are printed, the
  // machine is named, and it exits 2 — unless --force, which judges it (exit 1).
  const fs::path amd = variant(dir.path, "amd.json", [](auto& a) {
    a["context"]["host"]["cpu_model"] = "AMD EPYC 7B13";
    scale(a, 0.5);
  });
  const test::Outcome unlike = run({base, amd.string()});
  CHECK(unlike.exit_code == 2);
  CHECK(test::contains(unlike.out, "- **New:** AMD EPYC 7B13 · 2 cores · PostgreSQL 15.20 · settings default ("));
  CHECK(test::contains(unlike.out,
                       "- **Not like for like:** machine Intel(R) Xeon(R) Processor vs AMD EPYC 7B13. The figures "
                       "below would differ with the code unchanged, so their verdicts are no verdict on the code "
                       "(exit 2 unless --force).\n"));
  CHECK(test::contains(unlike.out,
                       "\n**21 regressions beyond the threshold.** Not like for like (machine): the difference may "
                       "be that, not the code.\n"));
  CHECK(unlike.err == fmt::format("benchclient: error: compare: {} and {} were not measured like for like (machine "
                                  "Intel(R) Xeon(R) Processor vs AMD EPYC 7B13); the comparison is printed for "
                                  "reference, but is no verdict on the code: compare runs of one machine, or pass "
                                  "--force\n",
                                  base, amd.string()));
  const test::Outcome as_json = run({base, amd.string(), "--json"});
  CHECK(as_json.exit_code == 2);
  const auto j = nlohmann::json::parse(as_json.out);
  CHECK(j["like_for_like"] == false);
  CHECK(j["forced"] == false);
  CHECK(j["regression"] == true);
  CHECK(j["context_differences"] == nlohmann::json::parse(R"([{"what": "machine",
    "base": "Intel(R) Xeon(R) Processor", "new": "AMD EPYC 7B13", "like_for_like": false}])"));
  const test::Outcome forced = run({base, amd.string(), "--force"});
  CHECK(forced.exit_code == 1);
  CHECK(forced.err.empty());
  CHECK(test::contains(forced.out,
                       "- **Not like for like (compared with --force):** machine Intel(R) Xeon(R) "
                       "Processor vs AMD EPYC 7B13. The figures below would differ with the code "
                       "unchanged, so their verdicts are no verdict on the code.\n"));

  // The CPU count, and the PostgreSQL major version: the same.
  const fs::path cores = variant(dir.path, "cores.json", [](auto& a) { a["context"]["host"]["cores"] = 4; });
  const test::Outcome more_cores = run({base, cores.string()});
  CHECK(more_cores.exit_code == 2);
  CHECK(test::contains(more_cores.out, "- **Not like for like:** CPU count 2 vs 4."));
  const fs::path pg16 = variant(dir.path, "pg16.json", [](auto& a) {
    a["context"]["postgresql"]["version"] = "16.4 (Debian 16.4-1)";
    a["context"]["postgresql"]["version_num"] = 160004;
  });
  const test::Outcome major = run({base, pg16.string(), "--json"});
  CHECK(major.exit_code == 2);
  CHECK(nlohmann::json::parse(major.out)["context_differences"] ==
        nlohmann::json::parse(
            R"([{"what": "PostgreSQL major version", "base": "15", "new": "16", "like_for_like": false}])"));
}

TEST_CASE("compare: a new commit, a PostgreSQL minor version or other settings are named, and judged", "[compare]") {
  test::TempDir dir("compare-named");
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "compare");
    return test::run_benchclient(args, dir.path);
  };
  const std::string base = kSweep.string();
  // A new commit is what compare is for: a halved rate is a regression, exit 1.
  const fs::path commit = variant(dir.path, "commit.json", [](auto& a) {
    a["context"]["git_commit"] = "1111111222222233333334444444555555566666";
    scale(a, 0.5);
  });
  const test::Outcome slower = run({base, commit.string()});
  CHECK(slower.exit_code == 1);
  CHECK(test::contains(slower.out, "- **Also differs:** benchlab commit 07db4ba vs 1111111.\n"));
  CHECK_FALSE(test::contains(slower.out, "Not like for like"));
  CHECK(test::contains(slower.out, "\n**21 regressions beyond the threshold.**\n"));

  // Another minor version and other server settings: named; the same rates, exit 0.
  const fs::path tuned = variant(dir.path, "tuned.json", [](auto& a) {
    a["context"]["postgresql"]["version"] = "15.21 (Debian 15.21-0+deb12u1)";
    a["context"]["postgresql"]["version_num"] = 150021;
    a["context"]["postgresql"]["settings"]["work_mem"] = "64MB";
    a["context"]["postgresql"]["settings"]["shared_buffers"] = "1GB";
  });
  const test::Outcome same = run({base, tuned.string(), "--json"});
  CHECK(same.exit_code == 0);
  const auto j = nlohmann::json::parse(same.out);
  CHECK(j["like_for_like"] == true);
  CHECK(j["context_differences"] == nlohmann::json::parse(R"([
    {"what": "PostgreSQL version", "base": "15.20", "new": "15.21", "like_for_like": true},
    {"what": "server setting shared_buffers", "base": "128MB", "new": "1GB", "like_for_like": true},
    {"what": "server setting work_mem", "base": "4MB", "new": "64MB", "like_for_like": true}])"));
  CHECK(test::contains(run({base, tuned.string()}).out,
                       "- **Also differs:** PostgreSQL version 15.20 vs 15.21; server setting shared_buffers 128MB vs "
                       "1GB; server setting work_mem 4MB vs 64MB.\n"));
}

TEST_CASE("compare: an interrupted artifact, a resumed run and a control row", "[compare]") {
  test::TempDir dir("compare-partial");
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "compare");
    return test::run_benchclient(args, dir.path);
  };
  const auto with_control = [](nlohmann::json& a) {
    nlohmann::json controls = nlohmann::json::array();
    for (auto& b : a["benchmarks"])
      if (b["strategy"] == "parallel_copy" && b["limit"] == 1000000) {
        nlohmann::json c = b;
        c["strategy"] = "parallel_copy/unshared";
        for (auto& r : c["runs"]) r["checksum_match"] = false;
        controls.push_back(c);
      }
    for (auto& c : controls) a["benchmarks"].push_back(c);
  };
  const fs::path base = variant(dir.path, "base.json", with_control);
  // Ctrl-C in round 3 of 1M: copy_stream and parallel_copy have 2 runs; pooled_sync's one
  // run was resumed from a checkpoint.
  const fs::path fresh = variant(dir.path, "new.json", [&](auto& a) {
    with_control(a);
    for (const char* s : {"copy_stream", "parallel_copy"}) {
      auto& runs = benchmark(a, 1000000, s)["runs"];
      runs.erase(runs.size() - 1);
    }
    a["status"]["complete"] = false;
    a["status"]["interrupted_by_signal"] = 2;
    for (auto& r : benchmark(a, 1000000, "pooled_sync")["runs"])
      r["recovery"] = {{"recovered", false},
                       {"attempts", 1},
                       {"retries_allowed", 3},
                       {"tiers", {2}},
                       {"faults", nlohmann::json::array()},
                       {"backoff_s", 0.0},
                       {"rows_discarded", 0},
                       {"parts_from_checkpoint", 4},
                       {"rows_from_checkpoint", 400000}};
  });
  const test::Outcome o = run({base.string(), fresh.string()});
  INFO(o.err);
  CHECK(o.exit_code == 0);
  CHECK(test::contains(o.out, "; interrupted by signal 2: its figures are what was measured\n"));
  CHECK(test::contains(o.out,
                       "- **Not compared:** pooled_sync at 1000000 rows (resumed from a --checkpoint in new: not a "
                       "measurement of the whole read); parallel_copy/unshared at 1000000 rows (a control without a "
                       "shared snapshot: never compared).\n"));
  CHECK(test::contains(o.out, "| parallel_copy | 1000000 | 885932 | 900261 | 1.016 |"));
  CHECK(test::contains(o.out, "| 3 / 2 | within noise |"));
  CHECK(table_rows(o.out) == 20);  // 21 less the resumed one; the control is no row
  const auto j = nlohmann::json::parse(run({base.string(), fresh.string(), "--json"}).out);
  CHECK(j["base_incomplete"] == nullptr);
  CHECK(j["new_incomplete"] == "interrupted by signal 2: its figures are what was measured");
}
