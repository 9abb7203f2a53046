// `benchclient compare` (issue #11 §2): the bootstrap verdicts on samples that
// differ by known amounts (none at all must never be flagged), and the command on
// copies of a committed artifact scaled by known factors: exit 0 / 1 / 2.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
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
