// The verdict compares like with like (docs/report.md, "Like with like"): on copies
// of an earlier reference sweep (kept in results/, 7 strategies × 100K/500K/1M
// rows × 3 runs, text) with runs removed as an interrupted run leaves them, a run
// resumed from a --checkpoint, a control row, an empty table — the exact sentences,
// and the console, the artifact and the reports saying the same.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/verdict.hpp"
#include "model/verdict_text.hpp"
#include "report/console_reporter.hpp"
#include "store/artifact_json.hpp"
#include "support.hpp"

using namespace benchlab;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using test::contains;

namespace {

const fs::path kSweep = fs::path(BENCHLAB_SOURCE_DIR) / "results" / "run-20261202T045428Z.json";

Json sweep() { return Json::parse(test::slurp(kSweep)); }

// The artifact as benchclient reads the changed file back (numbers as JSON text has them).
Artifact artifact_of(const Json& doc) { return Json::parse(doc.dump()).get<Artifact>(); }

Json& benchmark(Json& a, std::uint64_t limit, const std::string& strategy) {
  for (auto& b : a["benchmarks"])
    if (b["limit"] == limit && b["strategy"] == strategy) return b;
  FAIL("no benchmark " << strategy << " at " << limit);
  throw std::logic_error("unreachable");
}

// As Ctrl-C leaves it: `strategy` at `limit` keeps its first `runs` runs.
void keep_runs(Json& a, std::uint64_t limit, const std::string& strategy, std::size_t runs) {
  Json& b = benchmark(a, limit, strategy);
  Json kept = Json::array();
  for (std::size_t i = 0; i < runs && i < b["runs"].size(); ++i) kept.push_back(b["runs"][i]);
  b["runs"] = kept;
}

void remove_benchmark(Json& a, std::uint64_t limit, const std::string& strategy) {
  Json kept = Json::array();
  for (auto& b : a["benchmarks"])
    if (!(b["limit"] == limit && b["strategy"] == strategy)) kept.push_back(b);
  a["benchmarks"] = kept;
}

void only_size(Json& a, std::uint64_t limit) {
  Json benchmarks = Json::array(), sizes = Json::array();
  for (auto& b : a["benchmarks"])
    if (b["limit"] == limit) benchmarks.push_back(b);
  for (auto& s : a["sizes"])
    if (s["limit"] == limit) sizes.push_back(s);
  a["benchmarks"] = benchmarks;
  a["sizes"] = sizes;
  a["context"]["options"]["rows"] = Json::array({limit});
}

// A run resumed from a --checkpoint: `parts` of its parts were read by an earlier process.
void resume(Json& run, std::size_t parts, std::uint64_t rows) {
  run["recovery"] =
      Json{{"recovered", false},          {"attempts", 1},    {"retries_allowed", 3}, {"tiers", Json::array({2})},
           {"faults", Json::array()},     {"backoff_s", 0.0}, {"rows_discarded", 0},  {"parts_from_checkpoint", parts},
           {"rows_from_checkpoint", rows}};
}

// What the console prints for `a` (its tables and verdict), through a temporary file.
std::string console(const Artifact& a) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  ConsoleReporter reporter(f);
  report_artifact(a, {&reporter});
  std::string out(static_cast<std::size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  REQUIRE(std::fread(out.data(), 1, out.size(), f) == out.size());
  std::fclose(f);
  return out;
}

// How many lines of `text` end with `end`.
std::size_t count_lines_ending(const std::string& text, const std::string& end) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.ends_with(end)) ++n;
  return n;
}

// The console's verdict lines, each unwrapped: "verdict: " and the lines after it
// indented by two spaces (a line longer than the console's width goes on there).
std::vector<std::string> verdict_lines(const std::string& console_text) {
  std::vector<std::string> out;
  std::istringstream in(console_text);
  bool in_verdict = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("verdict: ")) {
      out.push_back(line.substr(9));
      in_verdict = true;
    } else if (in_verdict && line.starts_with("  ")) {
      out.back().append(1, ' ').append(line, 2);
    } else {
      in_verdict = false;
    }
  }
  return out;
}

// The console's verdict lines, the artifact's "verdict" and console_verdict() are one.
void check_one_wording(const Artifact& a) {
  const std::vector<std::string> lines = console_verdict(a);
  CHECK(verdict_lines(console(a)) == lines);
  const Json written = a;
  CHECK(written["verdict"].get<std::vector<std::string>>() == lines);
}

}  // namespace

TEST_CASE("verdict: a complete sweep says on what it rests, and the console and the artifact say the same",
          "[verdict]") {
  REQUIRE(fs::exists(kSweep));
  const Artifact a = sweep().get<Artifact>();
  const auto lines = console_verdict(a);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "Fastest at 1M rows, text: pooled_sync, 1.02M rows/s, but multiprocessing (926.2k rows/s) is within the "
        "runs' spread of it — medians of 3 runs each, 7 strategies compared.");
  CHECK(lines[1] == "Lowest memory at 1M rows: copy_stream, 14.6 MiB peak RSS (medians of the same runs).");
  CHECK(
      lines[2].starts_with("Where pooled_sync's time went at 1M rows (medians of its 3 runs): the server backend "
                           "is the bottleneck: "));
  const SizeVerdict v = verdicts(a).back();
  CHECK(v.rounds == std::vector<int>{1, 2, 3});
  CHECK(v.rounds_left_out.empty());
  CHECK(v.left_out.empty());
  CHECK(v.compared());
  check_one_wording(a);
}

TEST_CASE("verdict: after Ctrl-C, strategies with unequal runs are compared on the rounds all of them completed",
          "[verdict]") {
  // Interrupted in round 3 of 1M, after multiprocessing: copy_stream and parallel_copy have 2 runs, the rest 3.
  Json doc = sweep();
  keep_runs(doc, 1000000, "copy_stream", 2);
  keep_runs(doc, 1000000, "parallel_copy", 2);
  doc["status"]["complete"] = false;
  doc["status"]["interrupted_by_signal"] = 2;
  const Artifact a = artifact_of(doc);
  const SizeVerdict v = verdicts(a).back();
  CHECK(v.rounds == std::vector<int>{1, 2});
  REQUIRE(v.rounds_left_out.size() == 5);
  CHECK(v.rounds_left_out.front() == RoundsLeftOut{"naive", {3}});
  CHECK(v.verified == 7);
  REQUIRE(v.fastest);
  // pooled_sync's median of rounds 1 and 2 (1.06M and 949k), not of its three runs (1.02M).
  const Json& pooled = benchmark(doc, 1000000, "pooled_sync")["runs"];
  CHECK(v.fastest->value ==
        Approx((pooled[0]["rows_per_sec"].get<double>() + pooled[1]["rows_per_sec"].get<double>()) / 2));
  const auto lines = console_verdict(a);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "Fastest at 1M rows, text: pooled_sync, 1.00M rows/s, but multiprocessing (950.6k rows/s) is within the "
        "runs' spread of it — medians of rounds 1–2 alone, the 2 runs each that all 7 strategies compared "
        "completed before the run ended (round 3 of naive, cursor_pagination, pooled_sync, async_stream and "
        "multiprocessing left out).");
  CHECK(lines[1] == "Lowest memory at 1M rows: copy_stream, 14.6 MiB peak RSS (medians of the same runs).");
  CHECK(lines[2].starts_with("Where pooled_sync's time went at 1M rows (medians of its 2 runs): "));
  check_one_wording(a);
  // The complete sizes keep their three runs.
  CHECK(verdict_sentences(a.context, verdicts(a)[1])[0].ends_with("— medians of 3 runs each, 7 strategies compared."));

  SECTION("every strategy stopped at the same count: how many of the runs asked it rests on") {
    for (const char* s : {"naive", "cursor_pagination", "pooled_sync", "async_stream", "multiprocessing"})
      keep_runs(doc, 1000000, s, 2);
    const auto same = console_verdict(artifact_of(doc));
    CHECK(
        same[0].ends_with("— medians of 2 runs each, 7 strategies compared (2 of the 3 runs asked: the run ended "
                          "early)."));
  }
  SECTION("one strategy left at the largest size: no fastest there, and the next size's verdict") {
    keep_runs(doc, 1000000, "naive", 1);
    keep_runs(doc, 1000000, "cursor_pagination", 0);  // started, no run finished
    for (const char* s : {"pooled_sync", "async_stream", "multiprocessing", "copy_stream", "parallel_copy"})
      remove_benchmark(doc, 1000000, s);
    const Artifact early = artifact_of(doc);
    const auto out = console_verdict(early);
    REQUIRE(out.size() == 4);
    CHECK(out[0] ==
          "At 1M rows, text: only naive can be compared, so there is no fastest (462.7k rows/s, 1 run of the 3 asked: "
          "the run ended early); not compared: cursor_pagination, pooled_sync, async_stream, "
          "multiprocessing, copy_stream and parallel_copy (no run at this size: the run ended first).");
    CHECK(out[1] ==
          "Fastest at 500K rows, text: multiprocessing, 996.8k rows/s, but pooled_sync (985.4k rows/s) is within the "
          "runs' spread of it — medians of 3 runs each, 7 strategies compared.");
    CHECK(out[2].starts_with("Lowest memory at 500K rows: "));
    check_one_wording(early);
  }
}

TEST_CASE("verdict: a read resumed from a --checkpoint is never fastest", "[verdict]") {
  SECTION("the checkpointed read alone: no verdict") {
    Json doc = sweep();
    only_size(doc, 1000000);
    Json kept = Json::array();
    for (auto& b : doc["benchmarks"])
      if (b["strategy"] == "parallel_copy") kept.push_back(b);
    doc["benchmarks"] = kept;
    keep_runs(doc, 1000000, "parallel_copy", 1);
    resume(benchmark(doc, 1000000, "parallel_copy")["runs"][0], 4, 400000);
    doc["context"]["options"]["strategies"] = Json::array({"parallel_copy"});
    doc["context"]["options"]["runs"] = 1;
    const Artifact a = artifact_of(doc);
    const auto lines = console_verdict(a);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "At 1M rows, text: no strategy can be compared, so there is no verdict; not compared: parallel_copy "
          "(resumed from a --checkpoint: its rates are not a measurement of the whole read).");
    check_one_wording(a);
  }
  SECTION("among others: named, never picked, however fast") {
    Json doc = sweep();
    for (auto& r : benchmark(doc, 1000000, "multiprocessing")["runs"]) {
      r["rows_per_sec"] = r["rows_per_sec"].get<double>() * 10;
      resume(r, 4, 400000);
    }
    const Artifact a = artifact_of(doc);
    const SizeVerdict v = verdicts(a).back();
    REQUIRE(v.fastest);
    CHECK(v.fastest->strategy == "pooled_sync");
    CHECK(v.left_out == std::vector<LeftOutStrategy>{{"multiprocessing", LeftOut::resumed}});
    CHECK(console_verdict(a)[0] ==
          "Fastest at 1M rows, text: pooled_sync, 1.02M rows/s, 1.15× async_stream (888.6k rows/s) — medians of 3 "
          "runs each, 6 strategies compared; not compared: multiprocessing (resumed from a --checkpoint: its rates "
          "are not a measurement of the whole read).");
  }
}

TEST_CASE("verdict: a control is never a candidate, and its mismatch is labelled expected", "[verdict]") {
  // --no-shared-snapshot: parallel_copy/unshared beside parallel_copy, ten times as fast and drifted.
  Json doc = sweep();
  Json controls = Json::array();
  for (auto& b : doc["benchmarks"])
    if (b["strategy"] == "parallel_copy") {
      Json c = b;
      c["strategy"] = "parallel_copy/unshared";
      for (auto& r : c["runs"]) {
        r["rows_per_sec"] = r["rows_per_sec"].get<double>() * 10;
        r["checksum_match"] = false;
      }
      controls.push_back(c);
    }
  for (auto& c : controls) doc["benchmarks"].push_back(c);
  doc["context"]["options"]["strategies"].push_back("parallel_copy/unshared");
  doc["context"]["options"]["unshared_control"] = true;
  const Artifact a = artifact_of(doc);
  const auto lines = console_verdict(a);
  CHECK(lines[0] ==
        "Fastest at 1M rows, text: pooled_sync, 1.02M rows/s, but multiprocessing (926.2k rows/s) is within the "
        "runs' spread of it — medians of 3 runs each, 7 strategies compared; not compared: parallel_copy/unshared (a "
        "control without a shared snapshot: never a candidate).");
  check_one_wording(a);
  // The console's table: the match column's note says the mismatch is expected, the real strategy's row says nothing.
  const std::string out = console(a);
  std::size_t rows = 0;
  for (std::size_t at = out.find("(mismatch"); at != std::string::npos; at = out.find("(mismatch", at + 1)) {
    const std::size_t begin = out.rfind('\n', at) + 1;
    const std::string line = out.substr(begin, out.find('\n', at) - begin);
    CHECK(line.starts_with("  [1] parallel_copy/unshared: "));
    CHECK(line.ends_with("✓ / ✗ (mismatch; expected: control without a shared snapshot)"));
    ++rows;
  }
  CHECK(rows == 3);                              // one per size's table
  CHECK(count_lines_ending(out, "✗ [1]") == 3);  // the row the note is about
  // The reports: Markdown and HTML, from the same artifact.
  test::TempDir dir("verdict-control");
  const fs::path file = test::write_file(dir.path, "control.json", doc.dump());
  const test::Outcome md = test::run_benchclient({"report", file.string()}, dir.path);
  REQUIRE(md.exit_code == 0);
  CHECK(contains(md.out, "| parallel_copy/unshared |"));
  CHECK(contains(md.out, "✓ / ✗ (mismatch; expected: control without a shared snapshot) |"));
  const test::Outcome html = test::run_benchclient({"report", "--format", "html", file.string()}, dir.path);
  REQUIRE(html.exit_code == 0);
  CHECK(contains(html.out, "✓ / ✗ (mismatch; expected: control without a shared snapshot)"));
  const test::Outcome summary = test::run_benchclient({"report", "--format", "json", file.string()}, dir.path);
  REQUIRE(summary.exit_code == 0);
  const Json j = Json::parse(summary.out);
  for (const auto& s : j["reads"][0]["sizes"][2]["strategies"])
    CHECK(s["status_note"] == (s["strategy"] == "parallel_copy/unshared"
                                   ? Json("expected: control without a shared snapshot")
                                   : Json(nullptr)));
}

TEST_CASE("verdict: an empty table gives no verdict at all", "[verdict]") {
  // --rows all on an empty table: one size of 0 rows, every run read none at 0 rows/s.
  Json doc = sweep();
  only_size(doc, 100000);
  doc["context"]["options"]["rows"] = Json::array();
  doc["context"]["options"]["all_rows"] = true;
  for (auto& s : doc["sizes"]) {
    s["limit"] = 0;
    s["whole_table"] = true;
    s["server_rows"] = 0;
  }
  for (auto& b : doc["benchmarks"]) {
    b["limit"] = 0;
    for (auto& r : b["runs"]) {
      r["rows"] = 0;
      r["bytes"] = 0;
      r["rows_per_sec"] = 0.0;
    }
  }
  const Artifact a = artifact_of(doc);
  REQUIRE(a.report.sizes.size() == 1);
  CHECK(empty_read(a.report.sizes.front()));
  CHECK(verdicts(a).empty());
  CHECK(console_verdict(a).empty());
  CHECK(headline_verdict({a}).empty());
  CHECK_FALSE(contains(console(a), "verdict"));
  const Json written = a;
  CHECK(written["verdict"] == Json::array());
}
