// The artifact: schema (required fields, context first), written once and read back
// equal (round trip), atomic write, no secrets, unknown schema versions refused.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "support.hpp"

#include "measure/host_facts.hpp"
#include "model/errors.hpp"
#include "pg/connection.hpp"
#include "report/console_reporter.hpp"
#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"
#include "store/file_header.hpp"
#include "store/queue_artifact.hpp"
#include "store/report_set.hpp"
#include "store/verify_json.hpp"

namespace fs = std::filesystem;
using namespace benchlab;

using Scratch = benchlab::test::TempDir;

namespace {

BenchmarkReport sample_report() {
  BenchmarkReport report;
  SizeResult size;
  size.limit = 1000;
  size.all = {1, 1000, 1000};
  WireCeiling w;
  w.rows = 1000;
  w.bytes = 150000;
  w.wall_s = {1000 / 2000.0, 1000 / 2200.0, 1000 / 1800.0};  // 2000, 2200 and 1800 rows/s
  size.wire_ceiling["text"] = w;
  size.server.rows = 1000;
  size.server.checksum = 0xDEADBEEFCAFEF00DULL;
  size.server.checksum_source = "range_checksum";
  StrategyResult ok{"naive", {}, {}, 0};
  for (double rps : {1000.0, 1100.0, 900.0}) {
    RunFigures f;
    f.rows = 1000;
    f.rows_per_sec = rps;
    f.checksum = 0xDEADBEEFCAFEF00DULL;
    f.peak_rss_bytes = 1 << 20;
    f.rows_match = true;
    f.checksum_match = true;
    ok.runs.push_back(f);
  }
  StrategyResult bad{"async_stream", {}, {}, 0};
  RunFigures f;
  f.rows = 999;
  f.rows_per_sec = 500;
  f.rows_match = false;
  f.checksum_match = false;
  bad.runs.push_back(f);
  StrategyResult failed{"pooled_sync", {}, {"pooled_sync run 1/3: connection lost"}, 0};
  size.strategies = {ok, bad, failed};
  report.sizes.push_back(size);
  return report;
}

Context sample_context() {
  Context c;
  c.date = "2026-12-01T20:00:00Z";
  c.host = read_host_facts();
  c.build = build_facts();
  c.table_name = "public.benchlab_records";
  c.target.dsn_redacted = pg::redact_conninfo("host=db.example port=5433 user=me password=hunter2Secret");
  c.server.version = "15.0";
  c.schedule.strategies = {"naive", "async_stream", "pooled_sync"};
  c.read.row_counts = {1000};
  return c;
}

}  // namespace

TEST_CASE("artifact: the header, context first after it, then the benchmarks with the Python lab's field names",
          "[results]") {
  const Json a = Artifact{sample_context(), sample_report()};

  auto key = a.begin();
  CHECK((key++).key() == "kind");
  CHECK((key++).key() == "schema_version");
  CHECK(key.key() == "context");
  CHECK(a["kind"] == "run");
  CHECK(a["schema_version"] == kArtifactSchemaVersion);
  const auto& c = a["context"];
  for (const char* k : {"schema_version", "date", "host", "compiler", "benchlab_version", "git_commit", "postgresql",
                        "target", "options"})
    CHECK(c.contains(k));
  for (const char* k : {"cpu_model", "cores", "memory_bytes", "kernel"}) CHECK(c["host"].contains(k));
  CHECK(c["schema_version"] == kArtifactSchemaVersion);
  CHECK(c["date"] == "2026-12-01T20:00:00Z");
  CHECK(c["host"]["load_average"].size() == 3);
  CHECK(a.dump().find("hunter2Secret") == std::string::npos);
  CHECK(c["target"]["dsn"].get<std::string>().find("db.example") != std::string::npos);

  REQUIRE(a["benchmarks"].size() == 3);
  const auto& b = a["benchmarks"][0];
  CHECK(b["limit"] == 1000);
  CHECK(b["strategy"] == "naive");
  CHECK(b["format"] == "text");
  CHECK(b["workers"] == 2);
  CHECK(b["throughput_rows_per_sec"]["median"] == 1000.0);
  CHECK(b["throughput_rows_per_sec"]["min"] == 900.0);
  CHECK(b["throughput_rows_per_sec"]["max"] == 1100.0);
  CHECK(b["peak_rss_bytes"]["median"] == double(1 << 20));
  CHECK(b["ratio_to_wire_ceiling"].get<double>() == Approx(0.5));
  CHECK(b["status"] == "ok");
  CHECK(b["rows_match"] == true);
  REQUIRE(b["runs"].size() == 3);
  for (const char* k : {"wall_s", "rows", "bytes", "rows_per_sec", "mb_per_sec", "ttfr_ms", "cpu_user_s", "cpu_sys_s",
                        "server_cpu_user_s", "server_cpu_sys_s", "peak_rss_bytes", "maxrss_bytes", "latency_ms",
                        "pool_wait_s", "checksum", "rows_match", "checksum_match", "unknown_values", "notes"})
    CHECK(b["runs"][0].contains(k));
  CHECK(b["runs"][0]["checksum"] == "0xdeadbeefcafef00d");
  for (const char* k : {"p50", "p95", "p99"}) CHECK(b["runs"][0]["latency_ms"].contains(k));

  CHECK(a["benchmarks"][1]["status"] == "mismatch");
  CHECK(a["benchmarks"][1]["rows_match"] == false);
  CHECK(a["benchmarks"][2]["status"] == "error");
  CHECK(a["benchmarks"][2]["errors"].size() == 1);

  REQUIRE(a["sizes"].size() == 1);
  CHECK(a["sizes"][0]["wire_ceiling"]["text"]["rows_per_sec"]["median"] == 2000.0);
  CHECK(a["sizes"][0]["server_checksum"] == "0xdeadbeefcafef00d");
  CHECK(a["status"]["complete"] == true);
}

TEST_CASE("ratio to the wire ceiling: the median of per-round ratios, the old median/median kept", "[results]") {
  // The machine speeds up and slows down: each run is judged against its own round's ceiling.
  StrategyResult s{"cursor_pagination", {}, {}, 0};
  const double ceilings[] = {1000.0, 2000.0, 4000.0};
  const double rps[] = {900.0, 1000.0, 3600.0};  // ratios 0.9, 0.5, 0.9
  for (int i = 0; i < 3; ++i) {
    RunFigures f;
    f.round = i + 1;
    f.rows_per_sec = rps[i];
    f.wire_ceiling_rows_per_sec = ceilings[i];
    s.runs.push_back(f);
  }
  SizeResult size;
  size.wire_ceiling["text"] = WireCeiling{WireFormat::text, {2.0, 1.0, 0.5}, 2000, 0};  // 1000/2000/4000 rows/s
  CHECK(s.round_ratios() == std::vector<double>{0.9, 0.5, 0.9});
  const StrategySummary sum = summarize(s, size, WireFormat::text, 3);
  CHECK(*sum.ratio_to_wire_ceiling == Approx(0.9));
  CHECK(*sum.ratio_of_medians == Approx(0.5));
  StrategyResult none{"naive", {}, {}, 0};
  const StrategySummary nothing = summarize(none, size, WireFormat::text, 3);
  CHECK_FALSE(nothing.ratio_to_wire_ceiling.has_value());
  CHECK(nothing.status == Status::incomplete);
}

TEST_CASE("where the time went: CPU per row on each side and the 2-core CPU bound it implies", "[results]") {
  RunFigures f;
  f.rows = 1000000;
  f.rows_per_sec = 1000000;
  f.cpu_user_s = 0.3;
  f.cpu_sys_s = 0.1;  // the client: 400 ns per row
  CHECK(*f.client_cpu_ns_per_row() == Approx(400));
  CHECK_FALSE(f.server_cpu_ns_per_row().has_value());  // not measured: no bound either
  CHECK_FALSE(f.cpu_bound_rows_per_sec(2).has_value());
  f.server_cpu_user_s = 1.0;
  f.server_cpu_sys_s = 0.2;  // the server: 1200 ns per row
  CHECK(*f.server_cpu_ns_per_row() == Approx(1200));
  // 1600 ns of CPU per row on 2 cores: at most 1.25M rows/s, of which this run reached 0.8.
  CHECK(*f.cpu_bound_rows_per_sec(2) == Approx(1.25e6));
  StrategyResult s{"pooled_sync", {f, f, f}, {}, 0};
  const StrategySummary sum = summarize(s, SizeResult{}, WireFormat::text, 3, 2);
  CHECK(sum.fraction_of_cpu_bound.median == Approx(0.8));
  CHECK(sum.client_cpu_ns_per_row.median == Approx(400));
  CHECK(sum.server_cpu_ns_per_row.median == Approx(1200));
  RunFigures empty;
  CHECK_FALSE(empty.client_cpu_ns_per_row().has_value());  // no rows: no per-row figure
}

TEST_CASE("artifact: what is written reads back equal (round trip)", "[results]") {
  Artifact a{sample_context(), sample_report()};
  a.context.columns = {{"id", "bigint", 20}, {"payload", "jsonb", 3802}};
  a.context.server.settings = {{"jit", "off"}, {"work_mem", "4MB"}};
  a.context.schedule.warmup = 1;
  a.context.read.format = WireFormat::binary;
  a.context.read.table = "public.orders";
  a.report.interrupted_signal = 2;
  auto& run = a.report.sizes[0].strategies[0].runs[0];
  run.ttfr_ms = 1.25;
  run.server_cpu_user_s = 0.5;
  run.server_cpu_sys_s = 0.125;
  run.worker_peak_rss = {1u << 20, 3u << 20};
  run.worker_peak_rss_bytes = 3u << 20;
  run.notes = {"pipeline mode unavailable"};
  run.round = 2;
  run.wire_ceiling_rows_per_sec = 1234.5;
  // Parts: one of a leaf partition, open-ended; one of the table itself, from no lower bound.
  run.parts = {PartFigures{0, "public.orders_2024", 0, kOpenEnd, 600, 90000, 0.25, 0xFEEDFACE12345678ULL, 0},
               PartFigures{1, "", kOpenStart, 77, 400, 60000, 0.125, 42, 3}};
  // The fallback chain and a writer during the run, as a faulted run records them.
  RecoveryFigures recovery;
  recovery.retries_allowed = 3;
  recovery.tiers = {2, 2, 1};
  recovery.faults = {FaultRecord{1, 2, 0.25, "worker 1 ended without reporting", 3, 5, 0.1, 0.4},
                     FaultRecord{2, 2, 0.75, "server closed the connection", 6, 2, 0.2, std::nullopt}};
  recovery.backoff_s = 0.3;
  recovery.parts_from_checkpoint = 1;
  recovery.rows_from_checkpoint = 600;
  run.recovery = recovery;
  run.concurrent_writes = ConcurrentWriteFigures{10, 12, 1000, 0x0123456789ABCDEFULL};
  a.context.schedule.recovery = RecoveryOptions{5, 20};
  a.context.schedule.concurrent_writes_per_sec = 250;
  a.context.read.part_rows = 5000;
  a.context.read.fault = InjectedFault{FaultKind::terminate, 1, 7, 2};
  a.report.sizes[0].server.scan = ServerScan{1000, 190000, 0.5, 0.4, 0.05, 0xDEADBEEFCAFEF00DULL};
  a.report.sizes[0].notes = {"a note"};
  a.report.sizes[0].whole_table = true;
  a.report.sizes[0].split = Split::ctid;
  a.report.sizes[0].all = {0, kOpenEnd, 1000};
  a.context.server.session_settings = {{"jit", "off"}};
  a.context.read.all_rows = true;
  a.context.read.row_counts.clear();
  a.context.read.split = SplitChoice::ctid;
  a.report.sizes[0].strategies[2].warmups = 1;
  // --profile, --pg-set and the fixed resources; settings in name order, as JSON objects keep them.
  a.context.profiles = {ProfileFacts{"async_commit",
                                     "synchronous_commit off",
                                     {{"max_connections", "200"}, {"synchronous_commit", "off"}},
                                     {{"fsync", "on"}, {"max_connections", "200"}, {"synchronous_commit", "off"}}}};
  a.context.resources = ResourceFacts{"0", true, "1", true, 1ULL << 30, "RLIMIT_AS"};
  a.report.sizes[0].profile = "async_commit";
  a.summary = summary_of(a);  // changed after it was built: summarized again, as the run does

  const Json written = a;
  const Json reread = Json::parse(written.dump(2));
  const Artifact back = reread.get<Artifact>();
  CHECK(back.context == a.context);
  REQUIRE(back.report.sizes.size() == 1);
  CHECK(back.report.sizes[0].wire_ceiling == a.report.sizes[0].wire_ceiling);
  CHECK(back.report.sizes[0].server == a.report.sizes[0].server);
  CHECK(back.report.sizes[0].strategies == a.report.sizes[0].strategies);
  CHECK(back.report == a.report);
  CHECK(back == a);
  CHECK(Json(back) == written);  // and it writes the same bytes again
}

TEST_CASE("artifact: parts are written with their skew, and an old run without parts reads back without", "[results]") {
  Artifact a{sample_context(), sample_report()};
  auto& run = a.report.sizes[0].strategies[0].runs[0];
  run.parts = {PartFigures{0, "", 1, 10, 10, 100, 0.001}, PartFigures{1, "", 11, 1000, 990, 9900, 0.003}};
  a.summary = summary_of(a);  // changed after it was built: summarized again
  const Json j = a;
  const auto& r = j["benchmarks"][0]["runs"][0];
  REQUIRE(r["parts"].size() == 2);
  CHECK(r["parts"][0]["relation"].is_null());  // the table itself
  CHECK(r["parts"][1]["rows"] == 990);
  CHECK(r["part_rows_cv"].get<double>() == Approx(0.98));  // σ 490 ÷ mean 500
  CHECK(r["part_time_cv"].get<double>() == Approx(0.5));
  CHECK(j["benchmarks"][0]["part_rows_cv"]["median"].get<double>() == Approx(0.98));
  CHECK(j["benchmarks"][0]["runs"][1]["part_rows_cv"].is_null());  // no parts: no CV
  CHECK(j["benchmarks"][0]["runs"][1]["parts"].empty());
  // An artifact from before parts were recorded: no "parts" field at all.
  Json old = Json::parse(j.dump());
  for (auto& b : old["benchmarks"])
    for (auto& x : b["runs"]) {
      x.erase("parts");
      x.erase("part_rows_cv");
      x.erase("part_time_cv");
    }
  const Artifact back = old.get<Artifact>();
  CHECK(back.report.sizes[0].strategies[0].runs[0].parts.empty());
}

TEST_CASE("coefficient of variation: σ ÷ mean, none without values or with a zero mean", "[results]") {
  CHECK_FALSE(coefficient_of_variation({}).has_value());
  CHECK_FALSE(coefficient_of_variation({0.0, 0.0}).has_value());
  CHECK(*coefficient_of_variation({5.0}) == 0.0);
  CHECK(*coefficient_of_variation({2.0, 2.0, 2.0}) == 0.0);
  CHECK(*coefficient_of_variation({10.0, 4990.0}) == Approx(0.996));
}

TEST_CASE("artifact: an unknown schema version or a broken file is a one-line error naming the file", "[results]") {
  Scratch dir("results-test");
  Json a = Artifact{sample_context(), sample_report()};
  a["context"]["schema_version"] = 2;
  const fs::path v2 = dir.path / "v2.json";
  write_atomically(v2, a.dump());
  CHECK_THROWS_WITH(read_artifact_file(v2),
                    Catch::Contains(v2.string()) && Catch::Contains("schema version 2 is not supported"));
  const fs::path cut = dir.path / "cut.json";
  const std::string whole = Json(Artifact{sample_context(), sample_report()}).dump();
  write_atomically(cut, whole.substr(0, whole.size() / 2));
  CHECK_THROWS_WITH(read_artifact_file(cut), Catch::Contains("cut.json") && Catch::Contains("not JSON"));
  a["context"]["schema_version"] = 1;
  a["benchmarks"][0]["runs"][1]["checksum"] = "deadbeef";
  const fs::path bad = dir.path / "bad.json";
  write_atomically(bad, a.dump());
  CHECK_THROWS_WITH(read_artifact_file(bad), Catch::Contains("benchmarks[0].runs[1].checksum is not a checksum"));
}

TEST_CASE("artifact: written atomically, no temporary file left", "[results]") {
  Scratch dir("results-test");
  const Json doc = {{"context", {{"schema_version", 1}}}, {"benchmarks", Json::array()}};
  const fs::path first = fresh_result_path(dir.path, "run");
  write_atomically(first, doc.dump(2));
  const fs::path second = fresh_result_path(dir.path, "run");  // same second: a distinct name
  write_atomically(second, doc.dump(2));
  CHECK(first != second);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) {
    ++files;
    const std::string name = e.path().filename().string();
    CHECK(name.starts_with("run-"));
    CHECK(e.path().extension() == ".json");
  }
  CHECK(files == 2);
  std::ifstream in(first);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(Json::parse(ss.str()) == doc);
}

TEST_CASE("results dir: created when missing, refused when unwritable", "[results]") {
  Scratch dir("results-test");
  const fs::path nested = dir.path / "a" / "b";
  CHECK(ensure_writable_dir(nested));
  CHECK(fs::is_directory(nested));
  CHECK(fs::is_empty(nested));  // the probe file is gone
  CHECK_FALSE(ensure_writable_dir(nested));

  const fs::path file = dir.path / "file";
  std::ofstream(file) << "x";
  CHECK_THROWS_WITH(ensure_writable_dir(file), Catch::Contains("not a directory"));
  // The store names the problem and the directory; the CLI names the option.
  try {
    (void)ensure_writable_dir(file / "sub");
    FAIL("a directory under a file was accepted");
  } catch (const SettingFailed& e) {
    CHECK(e.setting() == Setting::results_dir);
    CHECK(e.problem() == SettingFailed::Problem::results_dir_uncreatable);
    CHECK(e.value() == (file / "sub").string());
    CHECK(std::string(e.what()).find("--") == std::string::npos);
  }
}

TEST_CASE("checksum_hex: 0x and 16 hex digits", "[results]") {
  CHECK(checksum_hex(0) == "0x0000000000000000");
  CHECK(checksum_hex(0xFFFFFFFFFFFFFFFFULL) == "0xffffffffffffffff");
}

TEST_CASE("artifact: every kind opens with the header and is read back by its kind", "[results]") {
  Scratch dir("results-test");
  auto written = [&](const std::string& name, const Json& doc) {
    const fs::path file = dir.path / name;
    write_atomically(file, doc.dump(2) + "\n");
    return file.string();
  };
  auto header_of = [](const Json& doc) {
    auto key = doc.begin();
    const std::string first = (key++).key(), second = (key++).key(), third = key.key();
    return first + "," + second + "," + third;
  };
  const Context context = sample_context();
  const Json run = Artifact{context, sample_report()};
  QueueArtifact queue;
  queue.context = context;
  queue.options.profiles = {"default"};
  queue.options.concurrency = {1};
  queue.samples.push_back(QueueSample{});
  queue.samples.back().profile = "default";
  queue.samples.back().concurrency = 1;
  queue.samples.back().jobs_per_sec = 1234;
  const Json queue_doc = queue_artifact_json(queue);
  VerifyReport verify;
  verify.source = {"public.a", "PostgreSQL 15.0", 10, 0, 7};
  verify.target = {"public.b", "PostgreSQL 15.0", 10, 0, 7};
  verify.key = "k";
  const FileContext file_context{context.date, "benchclient verify --json", context.host, context.build, {}};
  const Json verify_doc = verify_document(verify, 0.5, file_context);
  for (const Json* doc : {&run, &queue_doc, &verify_doc}) CHECK(header_of(*doc) == "kind,schema_version,context");
  CHECK(queue_doc["kind"] == "queue");
  CHECK(verify_doc["kind"] == "verify");

  const ReportSet set =
      load_report_set({written("run.json", run), written("queue.json", queue_doc), written("verify.json", verify_doc)});
  REQUIRE(set.runs.size() == 1);
  CHECK(set.runs[0].artifact.report == sample_report());
  REQUIRE(set.queues.size() == 1);
  CHECK(set.queues[0].artifact.samples.size() == 1);
  CHECK(set.queues[0].artifact.samples[0].jobs_per_sec == 1234);
  REQUIRE(set.verifies.size() == 1);
  CHECK(set.verifies[0].artifact.equal);
  CHECK(set.verifies[0].artifact.provenance.date == context.date);
  CHECK(set.verifies[0].artifact.baseline_s == 0.5);

  // The kind decides before the content: a run artifact that says it is a queue is read as one (and refused).
  Json wrong = run;
  wrong["kind"] = "queue";
  CHECK_THROWS_WITH(load_report_set({written("wrong.json", wrong)}), Catch::Contains("missing queue_samples"));
  Json future = queue_doc;
  future["schema_version"] = 2;
  CHECK_THROWS_WITH(load_report_set({written("future.json", future)}),
                    Catch::Contains("schema version 2 is not supported"));
  CHECK_THROWS_WITH(load_report_set({written("schema.json", Json{{"kind", "schema"}, {"schema_version", 1}})}),
                    Catch::Contains("a schema file, which benchclient report does not read"));
  CHECK_THROWS_WITH(read_artifact_file(written("queue-as-run.json", queue_doc)),
                    Catch::Contains("a queue file, not a run artifact"));
}

// Every field of every type set to a value of its own (none the default), written and
// read back: a field the list forgot in one direction comes back different.
TEST_CASE("artifact: every field, each set apart from its default, survives write then read", "[results]") {
  Context c;
  c.date = "2026-12-02T01:02:03Z";
  c.command = "benchclient --rows 7 --runs 4";
  c.host = {"Test CPU 9000", 7, 123456789, "Linux 9.9", {1.5, 2.5, 3.5}};
  c.build = {"g++ 99", "9.9.9", "abcdef0123456789-dirty", 170001};
  c.server = {"15.99 (Test)", 150099, "0.9", {{"work_mem", "9MB"}, {"jit", "on"}}, {{"jit", "off"}}};
  c.target = {"host=db.example port=6543 dbname=x user=u", true, "async_commit"};
  c.table_name = "public.t";
  c.standard_table = true;
  c.key = "k";
  c.columns = {{"k", "bigint", 20}, {"v", "text", 25}};
  c.read.row_counts = {7, 70};
  c.read.all_rows = true;
  c.read.table = "public.t";
  c.read.key = "k";
  c.read.split = SplitChoice::ctid;
  c.read.format = WireFormat::binary;
  c.read.workers = 5;
  c.read.batch_rows = 77;
  c.read.statement_timeout_ms = 11;
  c.read.memory_budget_bytes = 1 << 26;
  c.read.hang_timeout_ms = 13;
  c.read.no_shared_snapshot = true;
  c.read.snapshot_id = "00000003-0000001B-1";
  c.read.part_rows = 17;
  c.read.fault = InjectedFault{FaultKind::stop, 2, 9, 4, 3};
  c.schedule.strategies = {"naive", "copy_stream"};
  c.schedule.runs = 4;
  c.schedule.warmup = 2;
  c.schedule.policy = MismatchPolicy::strict;
  c.schedule.measure_observer = false;
  c.schedule.recovery = {6, 250};
  c.schedule.concurrent_writes_per_sec = 42.5;
  c.memory_plan = MemoryPlan{1 << 26, "--memory-budget", 19, 21, 419.5, 3, 4, 5, 6, 7, 8, 23, 29, {"step one", "two"}};
  c.profiles = {{"async_commit", "commits return early", {{"synchronous_commit", "off"}}, {{"fsync", "on"}}}};
  c.resources = {"0", true, "1", true, 8589934592, "RLIMIT_AS"};

  RunFigures r;
  r.wall_s = 1.25;
  r.rows = 70;
  r.bytes = 7000;
  r.unknown_values = 3;
  r.checksum = 0x0123456789ABCDEFULL;
  r.rows_per_sec = 56;
  r.mb_per_sec = 0.0056;
  r.ttfr_ms = 4.5;
  r.cpu_user_s = 0.25;
  r.cpu_sys_s = 0.125;
  r.server_cpu_user_s = 0.5;
  r.server_cpu_sys_s = 0.0625;
  r.peak_rss_bytes = 1 << 21;
  r.maxrss_bytes = 1 << 22;
  r.maxrss_children_bytes = 1 << 23;
  r.parent_peak_rss_bytes = 1 << 20;
  r.worker_peak_rss = {1 << 19, 1 << 18};
  r.worker_peak_rss_bytes = 1 << 19;
  r.worker_private_peak = {1 << 17, 1 << 16};
  r.batches = 14;
  r.latency_p50_ms = 1.5;
  r.latency_p95_ms = 2.5;
  r.latency_p99_ms = 3.5;
  r.latency_max_ms = 4.75;
  r.pool_wait_s = 0.375;
  r.rows_match = false;
  r.checksum_match = true;
  r.round = 2;
  r.wire_ceiling_rows_per_sec = 112;
  r.notes = {"a note"};
  r.parts = {PartFigures{1, "public.t_1", 10, 19, 35, 3500, 0.5, 0xFEDCBA9876543210ULL, 2},
             PartFigures{2, "", kOpenStart, kOpenEnd, 35, 3500, 0.75, 0x1111111111111111ULL, 1}};
  RecoveryFigures rec;
  rec.retries_allowed = 6;
  rec.tiers = {5, 3};
  FaultRecord fault;
  fault.attempt = 2;
  fault.workers = 5;
  fault.at_s = 0.3;
  fault.error = "worker 1 ended";
  fault.parts_done = 1;
  fault.parts_left = 4;
  fault.backoff_s = 0.25;
  fault.resumed_at_s = 0.75;
  rec.faults = {fault};
  rec.backoff_s = 0.25;
  rec.rows_discarded = 9;
  rec.parts_from_checkpoint = 1;
  rec.rows_from_checkpoint = 35;
  r.recovery = rec;
  r.concurrent_writes = ConcurrentWriteFigures{8, 9, 71, 0x2222222222222222ULL};

  SizeResult size;
  size.limit = 70;
  size.profile = "async_commit";
  size.whole_table = true;
  size.split = Split::ctid;
  size.all = {3, 99, 70};
  size.partitions = 6;
  size.batches = 12;
  WireCeiling w;
  w.format = WireFormat::binary;
  w.wall_s = {0.5, 0.625};
  w.rows = 70;
  w.bytes = 9000;
  size.wire_ceiling["binary"] = w;
  size.server.scan = ServerScan{70, 8000, 0.25, 0.125, 0.0625, 0x3333333333333333ULL};
  size.server.rows = 70;
  size.server.checksum = 0x4444444444444444ULL;
  size.server.checksum_source = "server_scan";
  size.strategies = {StrategyResult{"copy_stream", {r}, {"copy_stream run 2/4: lost"}, 2}};
  size.notes = {"a size note"};

  BenchmarkReport report;
  report.sizes = {size};
  report.interrupted_signal = 15;
  report.strict_failure = "rows differ";
  Artifact a{c, report};  // summarised, as every artifact that is written
  a.complete = false;

  Scratch dir("results-test");
  const fs::path file = dir.path / "every-field.json";
  write_atomically(file, Json(a).dump(2));
  const Artifact back = read_artifact_file(file);
  // Field by field first, so a failure names the part that did not come back.
  CHECK(back.context.host == a.context.host);
  CHECK(back.context.build == a.context.build);
  CHECK(back.context.server == a.context.server);
  CHECK(back.context.target == a.context.target);
  CHECK(back.context.read == a.context.read);
  CHECK(back.context.schedule == a.context.schedule);
  CHECK(back.context.memory_plan == a.context.memory_plan);
  CHECK(back.context.profiles == a.context.profiles);
  CHECK(back.context.resources == a.context.resources);
  REQUIRE(back.report.sizes.size() == 1);
  REQUIRE(back.report.sizes[0].strategies.size() == 1);
  REQUIRE(back.report.sizes[0].strategies[0].runs.size() == 1);
  const RunFigures& rb = back.report.sizes[0].strategies[0].runs[0];
  CHECK(rb.parts == r.parts);
  CHECK(rb.recovery == r.recovery);
  CHECK(rb.concurrent_writes == r.concurrent_writes);
  CHECK(rb == r);
  CHECK(back.report.sizes[0].wire_ceiling == size.wire_ceiling);
  CHECK(back.report.sizes[0].server == size.server);
  CHECK(back.report.sizes[0] == size);
  CHECK(back == a);
  CHECK(Json(back).dump() == Json(a).dump());
}

// A run that stopped before its last size/profile (its artifact written with complete
// false, as the run rewrites it after each): every reader says so once, and compare
// takes it as not like for like unless --force.
TEST_CASE("artifact: an incomplete run says so in every reader, and compare refuses it unless --force",
          "[results][report][compare]") {
  Scratch dir("results-test");
  const fs::path sweep = fs::path(BENCHLAB_SOURCE_DIR) / "results" / "run-20261202T015528Z.json";
  Artifact a = read_artifact_file(sweep);
  CHECK(a.complete);  // written before the key: whole
  a.complete = false;
  const fs::path partial = dir.path / "partial.json";
  write_atomically(partial, Json(a).dump(2) + "\n");
  const Json written = Json::parse(test::slurp(partial));
  CHECK(written["complete"] == false);
  CHECK(written["status"]["complete"] == false);
  CHECK_FALSE(read_artifact_file(partial).complete);
  const std::string line(kIncompleteArtifact);
  auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
  };

  const test::Outcome md = test::run_benchclient({"report", partial.string()}, dir.path);
  INFO(md.err);
  REQUIRE(md.exit_code == 0);
  CHECK(count(md.out, "- **Status:** " + line + "\n") == 1);
  const test::Outcome html = test::run_benchclient({"report", "--format", "html", partial.string()}, dir.path);
  REQUIRE(html.exit_code == 0);
  // Under the artifact's heading, and once more where the page opens.
  CHECK(count(html.out, "<strong>Status:</strong> " + line + "</p>") == 1);
  CHECK(count(html.out, "<p>Status: " + line + "</p>") == 1);
  const test::Outcome whole = test::run_benchclient({"report", sweep.string()}, dir.path);
  REQUIRE(whole.exit_code == 0);
  CHECK(count(whole.out, line) == 0);

  std::FILE* console = std::tmpfile();
  REQUIRE(console != nullptr);
  {
    ConsoleReporter reporter(console);
    reporter.finish(a);
  }
  std::rewind(console);
  std::string printed;
  for (int ch = std::fgetc(console); ch != EOF; ch = std::fgetc(console)) printed += static_cast<char>(ch);
  std::fclose(console);
  CHECK(count(printed, "\n" + line + "\n") == 1);

  const test::Outcome refused = test::run_benchclient({"compare", sweep.string(), partial.string()}, dir.path);
  CHECK(refused.exit_code == 2);
  CHECK(test::contains(refused.err, "not measured like for like (run complete vs incomplete)"));
  CHECK(test::contains(refused.out, line));
  const test::Outcome forced =
      test::run_benchclient({"compare", "--force", sweep.string(), partial.string()}, dir.path);
  CHECK(forced.exit_code == 0);
  CHECK(test::contains(forced.out, "compared with --force"));
}

// The queue artifact from its field lists: every field set apart from its default comes back.
TEST_CASE("artifact: every field of a queue artifact survives write then read", "[results]") {
  QueueArtifact q;
  q.context = sample_context();
  q.options = {{"default", "async_commit"}, {3, 5}, 77, 4, 2, 900, 7, true, 9, {64, 1024}};
  q.profile_settings = {{"default", {{"fsync", "on"}}}, {"async_commit", {{"synchronous_commit", "off"}}}};
  q.samples = {QueueSample{"async_commit", 5, 1024, 77, 0.5, 154, 61.5, 43.25, 2048.5, 4096.5, true, 77, 1, 76, 2,
                           "worker 2 failed"}};
  q.bounds = {QueueBound{"async_commit", 1024, 77, 0.25, 308, 40.5, 30.25, 1900.5}};
  q.enqueue = {EnqueueResult{"default", "copy", 70, 7, 0.25, 280}};
  q.crash_test = {CrashResult{"default", "on", "200ms", 3, 1200, 0}};
  q.complete = false;
  Scratch dir("results-test");
  const fs::path file = dir.path / "queue.json";
  write_atomically(file, queue_artifact_json(q).dump(2) + "\n");
  const ReportSet set = load_report_set({file.string()});
  REQUIRE(set.queues.size() == 1);
  const QueueArtifact& back = set.queues[0].artifact;
  CHECK(back.options == q.options);
  CHECK(back.profile_settings == q.profile_settings);
  CHECK(back.samples == q.samples);
  CHECK(back.bounds == q.bounds);
  CHECK(back.enqueue == q.enqueue);
  CHECK(back.crash_test == q.crash_test);
  CHECK(back.complete == q.complete);
  CHECK(queue_artifact_json(back).dump() == queue_artifact_json(q).dump());
}
