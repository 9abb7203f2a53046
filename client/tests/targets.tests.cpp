// report --targets (model/targets.hpp, store/targets_file.hpp): each target judged
// from the artifacts' own figures — the value is the summary's median, met or not
// follows from the threshold, the runs' spread is said, a target nothing matches is
// "not measured" — in the JSON summary, the Markdown and the HTML; a bad targets
// file is one line, exit 2, before anything is written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;
using benchlab::test::contains;
using benchlab::test::Outcome;

namespace {

const fs::path kResults = fs::path(BENCHLAB_SOURCE_DIR) / "results";
// An earlier reference sweep (7 strategies × 100K/500K/1M rows, text) and a queue
// artifact measured with its bound.
const fs::path kSweep = kResults / "run-20261202T045428Z.json";
const fs::path kQueue = kResults / "queue-20261206T010440Z.json";

Outcome report(const std::vector<std::string>& args, const fs::path& dir) {
  std::vector<std::string> all{"report"};
  all.insert(all.end(), args.begin(), args.end());
  return benchlab::test::run_benchclient(all, dir);
}

// The summary's own figure of `strategy` at 1M rows.
Json figure_at_1m(const Json& summary, const std::string& strategy, const std::string& field) {
  for (const auto& size : summary["reads"][0]["sizes"])
    if (size["rows"] == 1000000)
      for (const auto& s : size["strategies"])
        if (s["strategy"] == strategy) return s[field];
  FAIL("no " << strategy << " at 1M rows");
  return {};
}

}  // namespace

TEST_CASE("report --targets: each target judged from the artifacts' own figures", "[report][targets]") {
  benchlab::test::TempDir dir("targets");
  // The thresholds are set from the artifact's figures, so each case is known whatever it holds.
  const Outcome plain = report({"--format", "json", kSweep.string(), kQueue.string()}, dir.path);
  REQUIRE(plain.exit_code == 0);
  const Json summary = Json::parse(plain.out);
  const Json cpu = figure_at_1m(summary, "copy_stream", "client_cpu_ns_per_row");
  const double median = cpu["median"].get<double>(), low = cpu["min"].get<double>(), high = cpu["max"].get<double>();
  REQUIRE(low < high);
  const Json shape = figure_at_1m(summary, "parallel_copy", "fraction_of_shape_bound");
  Json queue_level;
  const Json queue_artifact = Json::parse(benchlab::test::slurp(kQueue));
  for (const auto& l : queue_artifact["queue_summary"])
    if (l["profile"] == "async_commit" && l["concurrency"] == 1 && l["payload_bytes"] == 0) queue_level = l;
  REQUIRE(queue_level.is_object());

  const Json targets = {{"targets", Json::array({
                                        {{"title", "copy_stream under its median + 1"},
                                         {"metric", "client_cpu_ns_per_row"},
                                         {"at_most", median + 1},
                                         {"strategies", {"copy_stream"}},
                                         {"format", "text"},
                                         {"rows", {1000000}},
                                         {"command", " --all "}},
                                        {{"title", "copy_stream under its fastest run"},
                                         {"metric", "client_cpu_ns_per_row"},
                                         {"at_most", low - 1},
                                         {"strategies", {"copy_stream"}},
                                         {"rows", {1000000}}},
                                        {{"title", "copy_stream between its runs"},
                                         {"metric", "client_cpu_ns_per_row"},
                                         {"at_most", (median + high) / 2},
                                         {"strategies", {"copy_stream"}},
                                         {"rows", {1000000}}},
                                        {{"title", "two strategies at every size"},
                                         {"metric", "fraction_of_shape_bound"},
                                         {"at_least", 0.0},
                                         {"strategies", {"parallel_copy", "copy_stream"}}},
                                        {{"title", "binary: none in these files"},
                                         {"metric", "rows_per_sec"},
                                         {"at_least", 1.0},
                                         {"format", "binary"}},
                                        {{"title", "another sweep's command"},
                                         {"metric", "rows_per_sec"},
                                         {"at_least", 1.0},
                                         {"command", "--workers 3"}},
                                        {{"title", "the queue at its bound"},
                                         {"metric", "queue_fraction_of_bound"},
                                         {"at_least", 0.7},
                                         {"profiles", {"async_commit"}},
                                         {"concurrency", {1}},
                                         {"payload_bytes", {0}}},
                                        {{"title", "a strategy and a size not in these files"},
                                         {"metric", "fraction_of_shape_bound"},
                                         {"at_least", 0.0},
                                         {"strategies", {"copy_stream", "no_such_strategy"}},
                                         {"rows", {1000000, 10000000}}},
                                        {{"title", "between two bounds"},
                                         {"metric", "client_cpu_ns_per_row"},
                                         {"at_least", low - 1},
                                         {"at_most", high + 1},
                                         {"strategies", {"copy_stream", "parallel_copy"}},
                                         {"rows", {1000000}}},
                                        {{"title", "a queue level not measured"},
                                         {"metric", "queue_jobs_per_sec"},
                                         {"at_least", 1.0},
                                         {"profiles", {"async_commit", "no_such_profile"}},
                                         {"concurrency", {1}}},
                                    })}};
  const fs::path file = benchlab::test::write_file(dir.path, "targets.json", targets.dump(2));

  const Outcome o =
      report({"--format", "json", "--targets", file.string(), kSweep.string(), kQueue.string()}, dir.path);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  const Json j = Json::parse(o.out);
  REQUIRE(j["targets"].size() == 10);
  const Json& met = j["targets"][0];
  CHECK(met["metric"] == "client_cpu_ns_per_row");
  CHECK(met["met"] == true);
  REQUIRE(met["findings"].size() == 1);
  CHECK(met["findings"][0]["value"].get<double>() == Approx(median));
  CHECK(met["findings"][0]["low"].get<double>() == Approx(low));
  CHECK(met["findings"][0]["high"].get<double>() == Approx(high));
  CHECK(met["findings"][0]["subject"] == "copy_stream, text, 1M rows");
  CHECK(met["findings"][0]["within_spread"] == true);  // its slowest run was over median + 1
  // The cause is the measured split of the same CPU: user and kernel, the server's, the wall time.
  const std::string cause = met["findings"][0]["cause"];
  CHECK(contains(cause, "in user mode"));
  CHECK(contains(cause, "in the kernel"));
  CHECK(contains(cause, "server CPU"));

  const Json& missed = j["targets"][1];
  CHECK(missed["met"] == false);
  CHECK(missed["findings"][0]["met"] == false);
  CHECK(missed["findings"][0]["within_spread"] == false);  // every run over it

  const Json& between = j["targets"][2];
  CHECK(between["met"] == true);
  CHECK(between["findings"][0]["within_spread"] == true);

  // Every size of both strategies, each the summary's own fraction.
  const Json& fractions = j["targets"][3];
  CHECK(fractions["findings"].size() == 6);
  CHECK(fractions["met"] == true);
  int parallel_copy_at_1m = 0;
  for (const auto& f : fractions["findings"])
    if (f["subject"] == "parallel_copy, text, 1M rows") {
      ++parallel_copy_at_1m;
      CHECK(f["value"].get<double>() == Approx(shape["median"].get<double>()));
      CHECK(contains(f["cause"].get<std::string>(), "limited by the"));
    }
  CHECK(parallel_copy_at_1m == 1);

  // Nothing matches: not measured, and not met.
  CHECK(j["targets"][4]["measured"] == false);
  CHECK(j["targets"][4]["met"] == false);
  CHECK(j["targets"][5]["measured"] == false);

  // What a target names and the files do not hold is a finding of its own, not met:
  // copy_stream at 10M, and the strategy that is not there at either size.
  const Json& named = j["targets"][7];
  CHECK(named["met"] == false);
  CHECK(named["measured"] == true);
  REQUIRE(named["findings"].size() == 4);
  CHECK(named["findings"][0]["subject"] == "copy_stream, text, 1M rows");
  CHECK(named["findings"][0]["met"] == true);
  for (std::size_t i = 1; i < 4; ++i) {
    CHECK(named["findings"][i]["measured"] == false);
    CHECK(named["findings"][i]["met"] == false);
  }
  CHECK(named["findings"][1]["subject"] == "copy_stream, 10M rows");
  CHECK(named["findings"][2]["subject"] == "no_such_strategy, 1M rows");
  CHECK(named["findings"][3]["subject"] == "no_such_strategy, 10M rows");
  // Two bounds: copy_stream's median is between them.
  const Json& two = j["targets"][8];
  REQUIRE(two["findings"].size() == 2);
  CHECK(two["findings"][0]["met"] == true);
  CHECK(two["findings"][0]["within_spread"] == false);
  const Json& levels = j["targets"][9];
  REQUIRE(levels["findings"].size() == 2);
  CHECK(levels["findings"][0]["met"] == true);
  CHECK(levels["findings"][1]["subject"] == "no_such_profile, concurrency 1, payload standard");
  CHECK(levels["findings"][1]["measured"] == false);
  CHECK(levels["met"] == false);

  const Json& queue = j["targets"][6];
  REQUIRE(queue["findings"].size() == 1);
  CHECK(queue["findings"][0]["value"].get<double>() == Approx(queue_level["fraction_of_bound"].get<double>()));
  CHECK(queue["met"] == (queue_level["fraction_of_bound"].get<double>() >= 0.7));
  CHECK(contains(queue["findings"][0]["cause"].get<std::string>(), "the claim's round trip"));

  // The Markdown: a Targets section after the verdict, one row per target, then each one's findings.
  const Outcome md = report({"--targets", file.string(), kSweep.string(), kQueue.string()}, dir.path);
  REQUIRE(md.exit_code == 0);
  const auto targets_at = md.out.find("\n## Targets\n");
  const auto verdict_at = md.out.find("\n## Verdict\n");
  const auto artifact_at = md.out.find("\n## run-20261202T045428Z.json");
  REQUIRE(targets_at != std::string::npos);
  REQUIRE(verdict_at != std::string::npos);
  REQUIRE(artifact_at != std::string::npos);
  CHECK(verdict_at < targets_at);
  CHECK(targets_at < artifact_at);
  // The command pattern keeps its spaces in the code span.
  CHECK(contains(md.out, "Artifacts whose command matches ``  --all  ``."));
  CHECK(contains(md.out, "| not met (3 of 4 not measured) |"));
  CHECK(contains(md.out, "| copy_stream under its fastest run | client CPU per row ≤ "));
  CHECK(contains(md.out, "| not met (1 of 1 missed) |"));
  CHECK(contains(md.out, "| binary: none in these files | rows/s ≥ 1 rows/s | not measured |"));
  CHECK(contains(md.out, "\n### copy_stream between its runs\n"));
  CHECK(contains(md.out, "met (within the runs' spread)"));
  // The summary (results/README.md) has the overview, not every finding.
  const Outcome brief = report({"--summary", "--targets", file.string(), kSweep.string()}, dir.path);
  REQUIRE(brief.exit_code == 0);
  CHECK(contains(brief.out, "\n### Targets\n"));
  CHECK_FALSE(contains(brief.out, "\n#### copy_stream between its runs\n"));
  // The HTML page: its own section, linked from the navigation.
  const Outcome html = report({"--format", "html", "--targets", file.string(), kSweep.string()}, dir.path);
  REQUIRE(html.exit_code == 0);
  CHECK(contains(html.out, "<section id=\"targets\">"));
  CHECK(contains(html.out, "<a href=\"#targets\">targets</a>"));
  CHECK(contains(html.out, "copy_stream under its fastest run"));
}

TEST_CASE("report --targets: a bad targets file is one line naming the file and the field, exit 2",
          "[report][targets]") {
  benchlab::test::TempDir dir("targets-bad");
  const fs::path out = dir.path / "out.md";
  auto bad = [&](const std::string& content, const std::string& what, const std::string& format = "md") {
    const fs::path file = benchlab::test::write_file(dir.path, "targets.json", content);
    const Outcome o =
        report({"--format", format, "--output", out.string(), "--targets", file.string(), kSweep.string()}, dir.path);
    INFO("stderr: " << o.err);
    CHECK(o.exit_code == 2);
    CHECK(o.out.empty());
    CHECK(benchlab::test::line_count(o.err) == 1);
    CHECK(contains(o.err, what));
    CHECK_FALSE(fs::exists(out));
  };
  const std::string ok = R"({"title": "t", "metric": "rows_per_sec", "at_least": 1)";
  SECTION("not JSON") { bad("{", "targets.json: not JSON"); }
  SECTION("no targets array") { bad(R"({"target": []})", "missing targets"); }
  SECTION("an unknown metric") {
    bad(R"({"targets": [{"title": "t", "metric": "speed", "at_least": 1}]})",
        "targets[0].metric \"speed\" is not a metric (give one of: client_cpu_ns_per_row");
  }
  SECTION("no threshold") {
    bad(R"({"targets": [{"title": "t", "metric": "rows_per_sec"}]})", "targets[0] has neither at_most nor at_least");
  }
  SECTION("a misspelt field") {
    bad(R"({"targets": [)" + ok + R"(, "strategy": ["copy_stream"]}]})",
        "targets[0].strategy is not a field of a target");
  }
  SECTION("a field of the wrong kind") {
    bad(R"({"targets": [)" + ok + R"(, "rows": "1M"}]})", "targets[0].rows is not an array");
  }
  SECTION("a bad format") { bad(R"({"targets": [)" + ok + R"(, "format": "csv"}]})", "give text or binary"); }
  SECTION("a bad regular expression") {
    bad(R"({"targets": [)" + ok + R"(, "command": "(--all"}]})", "targets[0].command is not a regular expression");
  }
  SECTION("a queue selector on a read metric") {
    bad(R"({"targets": [)" + ok + R"(, "concurrency": [1]}]})", "rows_per_sec is a read metric");
  }
  SECTION("bounds no value meets") {
    bad(R"({"targets": [{"title": "t", "metric": "rows_per_sec", "at_least": 10, "at_most": 5}]})",
        "targets[0]: at_least 10 is above at_most 5");
  }
  SECTION("a level past an int") {
    bad(R"({"targets": [{"title": "t", "metric": "queue_jobs_per_sec", "at_least": 1, "concurrency": [4294967297]}]})",
        "targets[0].concurrency: 4294967297 is out of range");
  }
  SECTION("targets that is no array") { bad(R"({"targets": {}})", "targets is not an array"); }
  SECTION("no target") { bad(R"({"targets": []})", "it holds no target"); }
  SECTION("a missing file") {
    const Outcome o = report({"--targets", (dir.path / "nope.json").string(), kSweep.string()}, dir.path);
    CHECK(o.exit_code == 2);
    CHECK(contains(o.err, "nope.json: no such file"));
  }
  SECTION("CSV has no targets section") {
    bad(R"({"targets": [)" + ok + "}]}", "a CSV report has no targets section", "csv");
  }
}
