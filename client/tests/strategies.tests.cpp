// The five read strategies against the test server: every one must arrive at the
// server's own row count and checksum (benchlab.range_checksum) for the same
// rows, in text and binary, at sizes not divisible by the worker count, with a
// worker whose range holds no rows, on sparse keys with NULLs, and while another
// session inserts rows (one snapshot). Interruption leaves nothing behind.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "decode/row_decoder.hpp"
#include "measure/harness.hpp"
#include "measure/run_context.hpp"
#include "pg/snapshot.hpp"
#include "plan/read_plan.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"
#include "strategies/registry.hpp"
#include "strategies/strategy.hpp"
#include "support.hpp"

using namespace benchlab;

namespace {

// A test-only RunContext: connects like the harness (read-only, pinned
// settings, statement timeout) and collects what strategies report.
class TestContext final : public RunContext {
 public:
  explicit TestContext(const ReadSpec& spec) : spec_(spec) {}

  MeteredConnection connect() override {
    pg::SessionOptions options;
    options.read_only = true;
    options.statement_timeout_ms = spec_.statement_timeout_ms;
    ++connections;
    return MeteredConnection(pg::Connection::open(spec_.conninfo, options), *this);
  }
  void mark_query_sent() override { ++query_sent; }
  void mark_first_row() override { ++first_row; }
  void record_batch(std::uint64_t rows, std::uint64_t bytes, std::chrono::nanoseconds waited) override {
    rows_arrived();
    std::lock_guard lock(mutex_);
    ++batches;
    batch_rows += rows;
    batch_bytes += bytes;
    latency_ns += static_cast<std::uint64_t>(waited.count());
  }
  void add_totals(const DecodeTotals& t) override {
    std::lock_guard lock(mutex_);
    totals.merge(t);
  }
  void add_latency(const LatencyHistogram& h) override {
    std::lock_guard lock(mutex_);
    latency.merge(h);
  }
  void add_part(const PartFigures& part) override {
    std::lock_guard lock(mutex_);
    parts.push_back(part);
  }
  void add_server_cpu(const ServerCpu& cpu) override {
    std::lock_guard lock(mutex_);
    server_cpu += cpu;
    ++server_cpu_reports;
  }
  void add_pool_wait(std::chrono::nanoseconds) override { ++pool_waits; }
  void add_progress(std::uint64_t rows, std::uint64_t bytes) override {
    rows_arrived();
    progress_rows += rows;
    progress_bytes += bytes;
  }
  void add_worker_peak_rss(std::uint64_t bytes) override {
    std::lock_guard lock(mutex_);
    worker_rss.push_back(bytes);
  }
  void watch_process(pid_t pid) override {
    std::lock_guard lock(mutex_);
    watched.insert(pid);
    ever_watched.insert(pid);
    if (kill_watched) kill(pid, SIGKILL);         // a worker that dies without reporting
    if (stop_watched && !stopped) stopped = pid;  // the first worker: SIGSTOPped (hung) before it reports
    if (stopped == pid) kill(pid, SIGSTOP);
  }
  void unwatch_process(pid_t pid) override {
    std::lock_guard lock(mutex_);
    watched.erase(pid);
  }
  void note(const std::string& text) override {
    std::lock_guard lock(mutex_);
    notes.push_back(text);
  }
  void check_interrupted() override {
    const int n = ++checks;
    if (interrupt_after > 0 && n >= interrupt_after) throw Interrupted(SIGINT);
  }

  // Called once, when the first rows arrive (the read's snapshot is taken by then).
  std::function<void()> on_first_rows;
  std::function<void()> on_snapshot_exported;
  void snapshot_exported() override {
    if (on_snapshot_exported) on_snapshot_exported();
  }
  void rows_arrived() {
    if (on_first_rows) std::call_once(first_rows_once_, on_first_rows);
  }

  // Rows reported through batches: directly, or by forked workers' histograms.
  [[nodiscard]] std::uint64_t reported_batches() const { return batches + latency.total; }

  std::once_flag first_rows_once_;
  std::atomic<int> connections{0}, query_sent{0}, first_row{0}, pool_waits{0}, checks{0};
  int interrupt_after = 0;
  bool kill_watched = false;
  bool stop_watched = false;
  pid_t stopped = 0;
  std::uint64_t batches = 0, batch_rows = 0, batch_bytes = 0, latency_ns = 0;
  DecodeTotals totals;
  LatencyHistogram latency;
  ServerCpu server_cpu;
  int server_cpu_reports = 0;
  std::set<pid_t> watched, ever_watched;
  std::atomic<std::uint64_t> progress_rows{0};
  std::atomic<std::uint64_t> progress_bytes{0};
  std::vector<std::uint64_t> worker_rss;
  std::vector<std::string> notes;
  std::vector<PartFigures> parts;

 private:
  const ReadSpec& spec_;
  std::mutex mutex_;
};

constexpr const char* kStandardColumns =
    R"("id", "created_at", "updated_at", "category", "payload", "amount", "is_active", "source")";

// `parts` contiguous key ranges covering lo..hi (by key, not by rows).
std::vector<KeyRange> split(std::int64_t lo, std::int64_t hi, int parts) {
  std::vector<KeyRange> out;
  const std::int64_t span = hi - lo + 1;
  for (int i = 0; i < parts; ++i) {
    const std::int64_t a = lo + span * i / parts;
    const std::int64_t b = lo + span * (i + 1) / parts - 1;
    if (a <= b) out.push_back({a, b, 0});
  }
  return out;
}

ReadSpec make_spec(const std::string& conninfo, const std::string& relation, const std::string& columns,
                   std::int64_t lo, std::int64_t hi, WireFormat format, int workers, int batch_rows) {
  ReadSpec spec;
  spec.conninfo = conninfo;
  spec.relation_sql = relation;
  spec.key_sql = "\"id\"";
  spec.select_list = columns;
  spec.all = {lo, hi, 0};
  spec.format = format;
  spec.workers = workers;
  spec.batch_rows = batch_rows;
  spec.statement_timeout_ms = 60000;
  spec.partitions = split(lo, hi, workers);
  spec.batches = split(lo, hi, workers * 4 + 1);
  return spec;
}

SetChecksum server_checksum(const pg::Connection& admin, const std::string& relation, std::int64_t lo, std::int64_t hi,
                            WireFormat format) {
  pg::Result r = admin.exec_params(
      "SELECT \"rows\", checksum FROM benchlab.range_checksum($1::regclass, 'id', $2::bigint, $3::bigint, $4)",
      {relation, std::to_string(lo), std::to_string(hi), std::string(to_string(format))});
  SetChecksum out;
  out.rows = std::stoull(std::string(r.value(0, 0)));
  out.sum = checksum_from_sql(std::stoll(std::string(r.value(0, 1))));
  return out;
}

// The server's sha256 set digest of the same rows (range_checksum with algorithm sha256).
SetDigest server_digest(const pg::Connection& admin, const std::string& relation, std::int64_t lo, std::int64_t hi,
                        WireFormat format) {
  pg::Result r = admin.exec_params(
      "SELECT digest FROM benchlab.range_checksum($1::regclass, 'id', $2::bigint, $3::bigint, $4, 'sha256')",
      {relation, std::to_string(lo), std::to_string(hi), std::string(to_string(format))});
  const std::optional<SetDigest> d = SetDigest::from_hex(r.value(0, 0));
  REQUIRE(d.has_value());
  return *d;
}

bool multi_connection(const std::string& name) {
  return name == "pooled_sync" || name == "async_stream" || name == "multiprocessing" || name == "parallel_copy" ||
         name == "decoupled";
}

// Strategies whose rows are decoded in forked processes: their batches reach the
// parent as progress and latency histograms, not as record_batch calls.
bool forked(const std::string& name) { return name == "multiprocessing" || name == "decoupled"; }

// The parts a strategy reported: one per part of the plan (pooled_sync: its
// batches), each once, with the plan's relation and bounds, adding up to what the
// strategy read; none from a single-connection strategy.
void check_parts(const std::string& name, const ReadSpec& spec, const TestContext& context) {
  if (!multi_connection(name)) {
    CHECK(context.parts.empty());
    return;
  }
  const std::vector<KeyRange>& list = name == "pooled_sync" ? spec.batches : spec.partitions;
  const std::vector<KeyRange> plan = list.empty() ? std::vector<KeyRange>{spec.all} : list;
  REQUIRE(context.parts.size() == plan.size());
  std::vector<bool> seen(plan.size(), false);
  std::uint64_t rows = 0, bytes = 0;
  SetDigest digest;
  for (const auto& p : context.parts) {
    REQUIRE(p.index < plan.size());
    CHECK_FALSE(seen[p.index]);
    seen[p.index] = true;
    CHECK(p.relation == plan[p.index].relation_sql);
    CHECK(p.lo == plan[p.index].lo);
    CHECK(p.hi == plan[p.index].hi);
    CHECK(p.wall_s >= 0);
    rows += p.rows;
    bytes += p.bytes;
    digest.merge(p.digest);
  }
  CHECK(rows == context.totals.rows);
  CHECK(bytes == context.totals.bytes);
  CHECK(digest == context.totals.digest);  // --digest sha256: the parts' shares add up (else all zero)
}

// `digest`: the server's sha256 set digest, for a spec with digest sha256 (else the
// readers must sum none).
void run_and_compare(const std::string& name, const ReadSpec& spec, const SetChecksum& expected,
                     const std::optional<SetDigest>& digest = std::nullopt) {
  INFO("strategy " << name << ", " << to_string(spec.format) << ", " << spec.workers << " workers, batch "
                   << spec.batch_rows << ", digest " << to_string(spec.digest));
  TestContext context(spec);
  auto strategy = make_strategy(name);
  CHECK(strategy->name() == name);
  strategy->run(spec, context);
  CHECK(context.totals.rows == expected.rows);
  CHECK(context.totals.checksum.rows == expected.rows);
  CHECK(context.totals.checksum.sum == expected.sum);
  if (digest)
    CHECK(context.totals.digest.hex() == digest->hex());
  else
    CHECK(context.totals.digest.is_zero());
  CHECK(context.query_sent >= 1);
  // A first row is marked exactly when there are rows to read.
  if (expected.rows > 0)
    CHECK(context.first_row >= 1);
  else
    CHECK(context.first_row == 0);
  if (!forked(name)) {
    CHECK(context.batch_rows == expected.rows);
    CHECK(context.batch_bytes == context.totals.bytes);  // the live bytes add up to the run's
    CHECK(context.latency.total == 0);
  } else {
    CHECK(context.latency.total >= (expected.rows > 0 ? 1u : 0u));
    CHECK(context.watched.empty());  // every watched child was unwatched
    CHECK(context.ever_watched.size() >= 1u);
    CHECK(context.progress_rows == expected.rows);                    // the progress line saw every child's rows
    CHECK(context.progress_bytes == context.totals.bytes);            // and their bytes
    CHECK(context.worker_rss.size() == context.ever_watched.size());  // one peak RSS per worker
    for (auto bytes : context.worker_rss) CHECK(bytes > (1u << 20));
  }
  if (name == "pooled_sync") CHECK(context.pool_waits >= 1);
  check_parts(name, spec, context);
}

std::vector<std::string> shm_entries_of_this_process() {
  std::vector<std::string> out;
  const std::string prefix = fmt::format("benchlab-{}-", getpid());
  if (DIR* dir = opendir("/dev/shm")) {
    while (dirent* e = readdir(dir)) {
      if (std::string(e->d_name).rfind(prefix, 0) == 0) out.emplace_back(e->d_name);
    }
    closedir(dir);
  }
  return out;
}

}  // namespace

TEST_CASE("strategies: registry lists the seven in order and rejects unknown names", "[strategies]") {
  CHECK(strategy_names() == std::vector<std::string>{"naive", "cursor_pagination", "pooled_sync", "async_stream",
                                                     "multiprocessing", "copy_stream", "parallel_copy", "decoupled"});
  for (const auto& name : strategy_names()) CHECK(make_strategy(name)->name() == name);
  try {
    (void)make_strategy("bogus");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    CHECK(what.find("bogus") != std::string::npos);
    CHECK(what.find("naive, cursor_pagination, pooled_sync, async_stream, multiprocessing") != std::string::npos);
  }
}

TEST_CASE("strategies: snapshot ids are validated before they reach SQL", "[strategies]") {
  const auto statements = pg::snapshot_import_statements("00000003-0000001B-1");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] == "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  CHECK(statements[1] == "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'");
  CHECK_THROWS_AS(pg::snapshot_import_statements("1'; DROP TABLE t; --"), pg::Error);
  CHECK_THROWS_AS(pg::snapshot_import_statements(""), pg::Error);
}

TEST_CASE("strategies: deal_indexed hands parts round-robin with their indexes", "[strategies]") {
  const std::vector<KeyRange> parts = {{1, 2, 0}, {3, 4, 0}, {5, 6, 0}};
  const auto dealt = deal_indexed(parts, 2);
  REQUIRE(dealt.size() == 2);
  REQUIRE(dealt[0].size() == 2);
  REQUIRE(dealt[1].size() == 1);
  CHECK(dealt[0][0].index == 0);
  CHECK(dealt[0][1].index == 2);
  CHECK(dealt[0][1].range.lo == 5);
  CHECK(dealt[1][0].index == 1);
  CHECK(deal_indexed(parts, 5)[4].empty());
  CHECK_THROWS_AS(deal_indexed(parts, 0), std::invalid_argument);
}

TEST_CASE("strategies: all five agree with the server on the standard table", "[db][strategies]") {
  test::ScratchDatabase db("strat_std");
  const pg::Connection admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.t', 10007)");
  for (const std::int64_t rows : {1000, 10007}) {
    for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
      const SetChecksum expected = server_checksum(admin, "public.t", 1, rows, format);
      REQUIRE(expected.rows == static_cast<std::uint64_t>(rows));
      // batch_rows 97 and 3 workers: nothing divides evenly.
      const ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, rows, format, 3, 97);
      for (const auto& name : strategy_names()) run_and_compare(name, spec, expected);
    }
  }
  // --digest sha256: every strategy sums the rows' SHA-256 to the server's digest, and
  // the parallel ones' parts add up to it (one small size: the xxh3 pass covers the rest).
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    const SetChecksum expected = server_checksum(admin, "public.t", 1, 1000, format);
    const SetDigest digest = server_digest(admin, "public.t", 1, 1000, format);
    ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, 1000, format, 3, 97);
    spec.digest = DigestAlgorithm::sha256;
    for (const auto& name : strategy_names()) run_and_compare(name, spec, expected, digest);
  }
}

TEST_CASE("strategies: a batch size that divides the rows exactly, and one larger than the table", "[db][strategies]") {
  test::ScratchDatabase db("strat_div");
  const pg::Connection admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.t', 1000)");
  const SetChecksum expected = server_checksum(admin, "public.t", 1, 1000, WireFormat::binary);
  for (const int batch : {100, 250, 5000}) {
    const ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, 1000, WireFormat::binary, 2, batch);
    for (const auto& name : strategy_names()) run_and_compare(name, spec, expected);
  }
}

TEST_CASE("strategies: sparse keys, NULLs and a worker whose range holds no rows", "[db][strategies]") {
  test::ScratchDatabase db("strat_sparse");
  const pg::Connection admin = db.admin();
  admin.exec(
      "CREATE TABLE public.s (id bigint PRIMARY KEY, label text, n integer, amount numeric(10,2), at timestamptz, "
      "flag boolean, data jsonb)");
  // Keys 7, 14, ... with a hole between 3000 and 9000 and NULLs in every other column.
  admin.exec(
      "INSERT INTO public.s SELECT g * 7, CASE WHEN g % 5 = 0 THEN NULL ELSE 'label ' || g END, "
      "CASE WHEN g % 3 = 0 THEN NULL ELSE g END, CASE WHEN g % 4 = 0 THEN NULL ELSE g / 3.0 END, "
      "CASE WHEN g % 6 = 0 THEN NULL ELSE timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' END, "
      "CASE WHEN g % 7 = 0 THEN NULL ELSE g % 2 = 0 END, "
      "CASE WHEN g % 8 = 0 THEN NULL ELSE jsonb_build_object('g', g) END "
      "FROM generate_series(1, 2000) AS g WHERE g * 7 NOT BETWEEN 3000 AND 9000");
  const std::string columns = R"("id", "label", "n", "amount", "at", "flag", "data")";
  SECTION("text and binary, one partition and one batch without rows") {
    for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
      const SetChecksum expected = server_checksum(admin, "public.s", 1, 14000, format);
      REQUIRE(expected.rows > 1000);
      ReadSpec spec = make_spec(db.conninfo(), "public.s", columns, 1, 14000, format, 3, 50);
      spec.partitions = {{1, 3000, 0}, {3001, 8999, 0}, {9000, 14000, 0}};  // the middle one holds no rows
      spec.batches = {{1, 1000, 0}, {1001, 3000, 0}, {3001, 8999, 0}, {9000, 14000, 0}};
      for (const auto& name : strategy_names()) run_and_compare(name, spec, expected);
    }
  }
  SECTION("a range holding no rows at all") {
    const SetChecksum empty = server_checksum(admin, "public.s", 3001, 8999, WireFormat::text);
    REQUIRE(empty.rows == 0);
    ReadSpec spec = make_spec(db.conninfo(), "public.s", columns, 3001, 8999, WireFormat::text, 2, 50);
    for (const auto& name : strategy_names()) run_and_compare(name, spec, empty);
  }
}

namespace {

// Another session committing one INSERT after another (sql_for(i) for i = 1, 2, ...)
// while a strategy reads; stopped and joined when destroyed.
class BackgroundInserter {
 public:
  BackgroundInserter(const test::ScratchDatabase& db, std::function<std::string(int)> sql_for)
      : thread_([this, &db, sql_for = std::move(sql_for)] {
          try {
            const pg::Connection writer = db.admin();
            writer.exec("SET synchronous_commit = off");  // many commits during the read: a tight race
            for (int i = 1; !stop_.load(); ++i) {
              writer.exec(sql_for(i));
              inserted_.store(i);
            }
          } catch (...) {
            error_ = std::current_exception();
            failed_.store(true);
          }
        }) {}
  ~BackgroundInserter() { stop(); }
  BackgroundInserter(const BackgroundInserter&) = delete;
  BackgroundInserter& operator=(const BackgroundInserter&) = delete;

  [[nodiscard]] int inserted() const { return inserted_.load(); }
  // Waits (30 s at most) until `n` more inserts have committed than when called.
  void wait_for_more(int n) const {
    const int at_start = inserted_.load();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (inserted_.load() < at_start + n && !failed_.load() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Stops, joins, and rethrows what the inserter met. Returns the inserts committed.
  int stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    return inserted_.load();
  }

 private:
  std::atomic<bool> stop_{false}, failed_{false};
  std::atomic<int> inserted_{0};
  std::exception_ptr error_;
  std::thread thread_;
};

// The statement that inserts standard rows with these ids.
std::string insert_rows_sql(std::initializer_list<std::int64_t> ids) {
  std::vector<std::string> rows;
  for (const std::int64_t id : ids)
    rows.push_back(fmt::format("({}, now(), now(), 'new', '{{}}', 1, true, 'inserter')", id));
  return fmt::format(
      "INSERT INTO public.t (id, created_at, updated_at, category, payload, amount, is_active, source) VALUES {}",
      fmt::join(rows, ", "));
}

// A read of public.t (`seeded` rows, ids 1..seeded) while transaction i inserted id
// seeded + i, and -i too when `both_ends`: one snapshot saw transactions 1..m exactly,
// so the rows and checksum are those of ids (-m or 1) .. seeded + m. Returns m.
std::int64_t check_one_snapshot(const pg::Connection& admin, const TestContext& context, std::int64_t seeded,
                                bool both_ends) {
  const std::uint64_t seen = context.totals.rows;
  REQUIRE(seen >= static_cast<std::uint64_t>(seeded));
  const std::uint64_t per_transaction = both_ends ? 2 : 1;
  REQUIRE((seen - seeded) % per_transaction == 0);
  const auto m = static_cast<std::int64_t>((seen - seeded) / per_transaction);
  const SetChecksum expected = server_checksum(admin, "public.t", both_ends ? -m : 1, seeded + m, WireFormat::binary);
  CHECK(expected.rows == seen);
  CHECK(context.totals.checksum.sum == expected.sum);
  return m;
}

}  // namespace

TEST_CASE("strategies: parallel strategies read one snapshot while another session inserts", "[db][strategies]") {
  test::ScratchDatabase db("strat_snap");
  const pg::Connection admin = db.admin();
  constexpr std::int64_t kSeeded = 20000;
  admin.exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kSeeded));
  // Transaction i inserts two rows at opposite ends of the key space: -i (first
  // partition) and kSeeded + i (last partition). A single snapshot sees
  // transactions 1..M for some M, i.e. exactly the keys -M .. kSeeded + M.
  for (const auto& name : {"pooled_sync", "async_stream", "multiprocessing", "parallel_copy", "decoupled"}) {
    INFO("strategy " << name);
    admin.exec("DELETE FROM public.t WHERE id < 1 OR id > " + std::to_string(kSeeded));
    BackgroundInserter inserter(db, [=](int i) { return insert_rows_sql({-i, kSeeded + i}); });
    inserter.wait_for_more(5);
    ReadSpec spec =
        make_spec(db.conninfo(), "public.t", kStandardColumns, -1000000000, 1000000000, WireFormat::binary, 3, 500);
    spec.partitions = {{-1000000000, 7000, 0}, {7001, 14000, 0}, {14001, 1000000000, 0}};
    spec.batches = split(-20000, 40000, 13);
    spec.batches.front().lo = -1000000000;
    spec.batches.back().hi = 1000000000;
    TestContext context(spec);
    // Hold the read, once its snapshot is taken, until the inserter has committed
    // twice more: then the table certainly changed during the read, however fast
    // the machine reads 20000 rows.
    context.on_first_rows = [&] { inserter.wait_for_more(2); };
    make_strategy(name)->run(spec, context);
    const int during = inserter.stop();
    const std::int64_t m = check_one_snapshot(admin, context, kSeeded, true);
    CHECK(m >= 5);
    CHECK(during > m);  // the inserter kept going while the strategy read
  }
}

TEST_CASE("strategies: the shared snapshot is the coordinator's, and the broken control proves the test can fail",
          "[db][strategies][snapshot]") {
  test::ScratchDatabase db("strat_snap_ctl");
  const pg::Connection admin = db.admin();
  constexpr std::int64_t kSeeded = 20000;
  admin.exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kSeeded));
  for (const bool shared : {true, false}) {
    for (const auto& name : {"pooled_sync", "async_stream", "multiprocessing", "parallel_copy", "decoupled"}) {
      INFO("strategy " << name << (shared ? ", shared snapshot" : ", --no-shared-snapshot"));
      admin.exec("DELETE FROM public.t WHERE id < 1 OR id > " + std::to_string(kSeeded));
      BackgroundInserter inserter(db, [=](int i) { return insert_rows_sql({-i, kSeeded + i}); });
      inserter.wait_for_more(2);
      ReadSpec spec =
          make_spec(db.conninfo(), "public.t", kStandardColumns, -1000000000, 1000000000, WireFormat::binary, 3, 500);
      spec.partitions = {{-1000000000, 7000, 0}, {7001, 14000, 0}, {14001, 1000000000, 0}};
      spec.batches = spec.partitions;
      spec.shared_snapshot = shared;
      TestContext context(spec);
      // Held right after the export, before any worker begins, until two more
      // transactions commit: a worker not reading the exported snapshot sees them.
      int at_export = 0;
      context.on_snapshot_exported = [&] {
        at_export = inserter.inserted();
        inserter.wait_for_more(2);
      };
      make_strategy(name)->run(spec, context);
      inserter.stop();
      const std::uint64_t m = (context.totals.rows - kSeeded) / 2;  // transactions the read saw
      if (shared) {
        check_one_snapshot(admin, context, kSeeded, true);
        CHECK(m <= static_cast<std::uint64_t>(at_export) + 1);  // the export's snapshot, not a later one
      } else {
        CHECK(m >= static_cast<std::uint64_t>(at_export) + 2);  // the broken control is caught
      }
    }
  }
}

TEST_CASE("strategies: multiprocessing interrupted mid-run leaves no child and no segment", "[db][strategies]") {
  test::ScratchDatabase db("strat_intr");
  const pg::Connection admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.t', 200000)");
  ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, 200000, WireFormat::text, 3, 100);
  TestContext context(spec);
  context.interrupt_after = 3;  // the parent's third check while waiting for its children
  CHECK_THROWS_AS(make_strategy("multiprocessing")->run(spec, context), Interrupted);
  CHECK(context.ever_watched.size() == 3);
  CHECK(context.watched.empty());
  for (const pid_t pid : context.ever_watched) {
    CHECK(kill(pid, 0) == -1);  // reaped: no such process, not even a zombie
  }
  CHECK(shm_entries_of_this_process().empty());
  // The children's backends go away too (their sockets closed with them).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string left = "1";
  while (std::chrono::steady_clock::now() < deadline) {
    left = admin.query_value(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'benchclient-worker' AND datname = "
        "current_database()");
    if (left == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(left == "0");
}

TEST_CASE("strategies: interruption stops the in-process strategies and releases their connections",
          "[db][strategies]") {
  test::ScratchDatabase db("strat_intr2");
  const pg::Connection admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.t', 50000)");
  const ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, 50000, WireFormat::binary, 3, 100);
  for (const auto& name :
       {"naive", "cursor_pagination", "pooled_sync", "async_stream", "copy_stream", "parallel_copy"}) {
    INFO("strategy " << name);
    TestContext context(spec);
    context.interrupt_after = 5;
    CHECK_THROWS_AS(make_strategy(name)->run(spec, context), Interrupted);
    CHECK(context.totals.rows < 50000);
    CHECK(context.batch_rows < 50000);  // stopped mid-read: not every row arrived
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string left = "1";
  while (std::chrono::steady_clock::now() < deadline) {
    left = admin.query_value(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'benchclient' AND datname = "
        "current_database() AND pid <> pg_backend_pid()");
    if (left == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(left == "0");
}

TEST_CASE("strategies: COPY text escaping is undone and binary COPY framing is parsed, checksum exact",
          "[db][strategies][copy]") {
  test::ScratchDatabase db("strat_copy");
  const pg::Connection admin = db.admin();
  // Every byte COPY text escapes (tab, newline, carriage return, backslash, the
  // other control characters), a field that reads \N but is text, NULLs in every
  // column, multi-byte UTF-8, and bytea with zero bytes.
  admin.exec(
      "CREATE TABLE public.esc (id bigint PRIMARY KEY, t text, b bytea, j jsonb, n numeric, ts timestamptz);"
      "INSERT INTO public.esc VALUES "
      "(1, E'tab\\there', E'\\\\x00ff00', '{\"k\": \"v\\\\tw\"}', 1.5, '2026-01-01 00:00+00'),"
      "(2, E'new\\nline and cr\\r', NULL, NULL, NULL, NULL),"
      "(3, E'back\\\\slash \\\\N', E'\\\\x5c4e', '[1, \"\\\\\\\\\"]', -0.0001, 'infinity'),"
      "(4, '\\N', E'\\\\x', '{}', 'NaN', '-infinity'),"
      "(5, E'bell \\007 bs \\b ff \\f vt \\v esc \\033', E'\\\\x0a090d', 'null', 0, '0044-03-15 BC'),"
      "(6, 'Grüße, 世界, 🐘', NULL, '\"ü\"', 1e20, NULL),"
      "(7, NULL, NULL, NULL, NULL, NULL),"
      "(8, '', E'\\\\x00', '\"\"', 12345678901234567890.123, '2026-12-01 20:00:00.123456+00')");
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    const SetChecksum expected = server_checksum(admin, "public.esc", 1, 8, format);
    REQUIRE(expected.rows == 8);
    ReadSpec spec = make_spec(db.conninfo(), "public.esc", R"("id", "t", "b", "j", "n", "ts")", 1, 8, format, 2, 3);
    spec.partitions = {{1, 4, 4}, {5, 8, 4}};
    for (const auto& name : {"copy_stream", "parallel_copy", "decoupled"}) {
      INFO("strategy " << name << ", " << to_string(format));
      TestContext context(spec);
      make_strategy(name)->run(spec, context);
      CHECK(context.totals.rows == 8);
      CHECK(context.totals.checksum.sum == expected.sum);
      CHECK(context.totals.unknown_values == 0);
      if (forked(name)) {
        CHECK(context.progress_rows == 8);  // the decoders' batches, seen as their progress
        CHECK(context.latency.total >= 3);
      } else {
        CHECK(context.batch_rows == 8);  // every row in some batch (of at most 3)
        CHECK(context.batches >= 3);
      }
    }
  }
}

namespace {

// The plan benchclient makes for a whole-table read of `table` (--rows all).
SizePlan plan_whole(const std::string& conninfo, const std::string& table, SplitChoice split, WireFormat format,
                    const std::string& key = "") {
  ReadOptions options;
  options.table = table;
  options.key = key;
  options.all_rows = true;
  options.split = split;
  options.format = format;
  options.workers = 3;
  options.batch_rows = 100;
  BenchmarkPlan plan = plan::make_plan(conninfo, options, [](const std::string&) {});
  REQUIRE(plan.sizes.size() == 1);
  return plan.sizes.front();
}

// `unknown_values`: how many values of types the decoder does not know (kept raw,
// in the checksum) each strategy must count; nullopt: any, as long as all agree.
void read_whole_by_every_strategy(const SizePlan& size, std::uint64_t expected_rows,
                                  std::optional<std::uint64_t> unknown_values = 0) {
  REQUIRE(size.server.rows.has_value());
  REQUIRE(size.server.checksum.has_value());
  CHECK(size.server.checksum_source == "server_scan");
  CHECK(*size.server.rows == expected_rows);
  for (const auto& name : strategy_names()) {
    INFO("strategy " << name << ", " << to_string(size.spec.format) << ", split " << to_string(size.spec.split));
    TestContext context(size.spec);
    make_strategy(name)->run(size.spec, context);
    CHECK(context.totals.rows == expected_rows);
    CHECK(context.totals.checksum.sum == *size.server.checksum);
    if (!unknown_values) unknown_values = context.totals.unknown_values;
    CHECK(context.totals.unknown_values == *unknown_values);
    check_parts(name, size.spec, context);
  }
}

}  // namespace

TEST_CASE("strategies: any table read whole by ctid: no key, a uuid key, holes after DELETE, never ANALYZEd",
          "[db][strategies][ctid]") {
  test::ScratchDatabase db("strat_ctid");
  const pg::Connection admin = db.admin();
  // Created by CREATE TABLE AS and never ANALYZEd: relpages and reltuples say nothing.
  admin.exec(
      "CREATE TABLE public.nokey WITH (autovacuum_enabled = off) AS "
      "SELECT g AS n, md5(g::text) AS t, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 1.5 END AS x "
      "FROM generate_series(1, 3000) g");
  admin.exec(
      "CREATE TABLE public.uuidkey (id uuid PRIMARY KEY, v int) WITH (autovacuum_enabled = off);"
      "INSERT INTO public.uuidkey SELECT md5(g::text)::uuid, g FROM generate_series(1, 6000) g;"
      "DELETE FROM public.uuidkey WHERE v % 3 <> 0");  // two rows of three gone: pages with holes
  CHECK(admin.query_value("SELECT relpages FROM pg_class WHERE oid = 'public.nokey'::regclass") == "0");
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    const SizePlan nokey = plan_whole(db.conninfo(), "public.nokey", SplitChoice::automatic, format);
    CHECK(nokey.spec.split == Split::ctid);  // no integer key: auto chose ctid
    CHECK(nokey.spec.whole_table);
    REQUIRE(nokey.spec.partitions.size() == 3);
    CHECK(nokey.spec.partitions.back().hi == kOpenEnd);  // pages added later are still read
    CHECK(nokey.spec.partitions.front().lo == 0);
    read_whole_by_every_strategy(nokey, 3000);

    const SizePlan uuid = plan_whole(db.conninfo(), "public.uuidkey", SplitChoice::automatic, format);
    CHECK(uuid.spec.split == Split::ctid);  // a uuid primary key is no integer key
    read_whole_by_every_strategy(uuid, 2000);
  }
}

TEST_CASE("strategies: every type of the coverage table, read by every strategy in text and binary",
          "[db][strategies][types]") {
  test::ScratchDatabase db("strat_types");
  test::load_type_coverage(db.admin());
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    // Whole, split by its integer key and by pages; and the first 500 rows in key order.
    for (const SplitChoice split : {SplitChoice::key, SplitChoice::ctid}) {
      const SizePlan whole = plan_whole(db.conninfo(), "public.cov_types", split, format);
      REQUIRE_FALSE(whole.spec.types.types.empty());  // the enum, domains, composite, arrays, ranges
      read_whole_by_every_strategy(whole, test::kTypeCoverageRows);
    }
    ReadOptions options;
    options.table = "public.cov_types";
    options.row_counts = {500};
    options.format = format;
    options.workers = 3;
    options.batch_rows = 50;
    const BenchmarkPlan plan = plan::make_plan(db.conninfo(), options, [](const std::string&) {});
    const SizePlan& first = plan.sizes.front();
    REQUIRE(first.server.checksum.has_value());
    for (const auto& name : strategy_names()) {
      INFO("strategy " << name << ", " << to_string(format));
      TestContext context(first.spec);
      make_strategy(name)->run(first.spec, context);
      CHECK(context.totals.rows == 500);
      CHECK(context.totals.checksum.sum == *first.server.checksum);
      CHECK(context.totals.unknown_values == 0);  // every value decoded by its type
    }
  }
}

TEST_CASE("strategies: a whole table split by key also reads the rows whose key is NULL", "[db][strategies][ctid]") {
  test::ScratchDatabase db("strat_nullkey");
  const pg::Connection admin = db.admin();
  admin.exec(
      "CREATE TABLE public.nk (k int, v text);"
      "INSERT INTO public.nk SELECT CASE WHEN g % 5 = 0 THEN NULL ELSE g END, md5(g::text) FROM "
      "generate_series(1, 2000) g");
  const SizePlan size = plan_whole(db.conninfo(), "public.nk", SplitChoice::key, WireFormat::binary, "k");
  CHECK(size.spec.split == Split::key);
  REQUIRE_FALSE(size.spec.partitions.empty());
  CHECK(size.spec.partitions.back().with_nulls);
  read_whole_by_every_strategy(size, 2000);  // 400 of them with a NULL key
}

TEST_CASE("strategies: a declaratively partitioned table is read by every strategy, split by its key",
          "[db][strategies][ctid]") {
  test::ScratchDatabase db("strat_parted");
  const pg::Connection admin = db.admin();
  admin.exec(
      "CREATE TABLE public.pt (id bigint PRIMARY KEY, v text, x numeric) PARTITION BY RANGE (id);"
      "CREATE TABLE public.pt1 PARTITION OF public.pt FOR VALUES FROM (1) TO (1001);"
      "CREATE TABLE public.pt2 PARTITION OF public.pt FOR VALUES FROM (1001) TO (2501);"
      "CREATE TABLE public.pt3 PARTITION OF public.pt FOR VALUES FROM (2501) TO (MAXVALUE);"
      "INSERT INTO public.pt SELECT g, md5(g::text), g / 7.0 FROM generate_series(1, 4000) g;"
      "ANALYZE public.pt");
  // The whole table: its integer primary key splits it (auto prefers the key to ctid).
  const SizePlan whole = plan_whole(db.conninfo(), "public.pt", SplitChoice::automatic, WireFormat::binary);
  CHECK(whole.spec.split == Split::key);
  read_whole_by_every_strategy(whole, 4000);
  // The first 3000 rows in key order, across the partition boundaries.
  ReadOptions options;
  options.table = "public.pt";
  options.row_counts = {3000};
  options.workers = 3;
  options.batch_rows = 100;
  const BenchmarkPlan plan = plan::make_plan(db.conninfo(), options, [](const std::string&) {});
  REQUIRE(plan.sizes.size() == 1);
  const SizePlan& first = plan.sizes.front();
  REQUIRE(first.server.checksum.has_value());
  CHECK(first.server.checksum_source == "range_checksum");
  for (const auto& name : strategy_names()) {
    INFO("strategy " << name);
    TestContext context(first.spec);
    make_strategy(name)->run(first.spec, context);
    CHECK(context.totals.rows == 3000);
    CHECK(context.totals.checksum.sum == *first.server.checksum);
  }
}

namespace {

// A partitioned table with no integer key: list partitions with no primary key,
// one leaf much bigger than the others, one empty, and one sub-partitioned by hash
// (its own two leaves), 7300 rows in all; NULLs in every value column.
constexpr const char* kListPartitioned =
    "CREATE TABLE public.pl (region text, id uuid, v text, x numeric) PARTITION BY LIST (region);"
    "CREATE TABLE public.pl_big PARTITION OF public.pl FOR VALUES IN ('big');"
    "CREATE TABLE public.pl_small PARTITION OF public.pl FOR VALUES IN ('small');"
    "CREATE TABLE public.pl_empty PARTITION OF public.pl FOR VALUES IN ('none');"
    "CREATE TABLE public.pl_sub PARTITION OF public.pl FOR VALUES IN ('sub') PARTITION BY HASH (id);"
    "CREATE TABLE public.pl_sub0 PARTITION OF public.pl_sub FOR VALUES WITH (MODULUS 2, REMAINDER 0);"
    "CREATE TABLE public.pl_sub1 PARTITION OF public.pl_sub FOR VALUES WITH (MODULUS 2, REMAINDER 1);"
    "INSERT INTO public.pl SELECT CASE WHEN g <= 6000 THEN 'big' WHEN g <= 6300 THEN 'small' ELSE 'sub' END, "
    "md5(g::text)::uuid, CASE WHEN g % 5 = 0 THEN NULL ELSE repeat(md5(g::text), 3) END, "
    "CASE WHEN g % 7 = 0 THEN NULL ELSE g / 3.0 END FROM generate_series(1, 7300) g";

}  // namespace

TEST_CASE("strategies: a partitioned table without an integer key is read by every strategy, leaf by leaf by ctid",
          "[db][strategies][ctid]") {
  test::ScratchDatabase db("strat_parted_ctid");
  const pg::Connection admin = db.admin();
  admin.exec(kListPartitioned);
  // Hash partitions of a uuid primary key, never ANALYZEd.
  admin.exec(
      "CREATE TABLE public.ph (id uuid PRIMARY KEY, n int, t text) PARTITION BY HASH (id);"
      "CREATE TABLE public.ph0 PARTITION OF public.ph FOR VALUES WITH (MODULUS 3, REMAINDER 0);"
      "CREATE TABLE public.ph1 PARTITION OF public.ph FOR VALUES WITH (MODULUS 3, REMAINDER 1);"
      "CREATE TABLE public.ph2 PARTITION OF public.ph FOR VALUES WITH (MODULUS 3, REMAINDER 2);"
      "INSERT INTO public.ph SELECT md5(g::text)::uuid, g, md5(g::text) FROM generate_series(1, 4000) g");
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    const SizePlan list = plan_whole(db.conninfo(), "public.pl", SplitChoice::automatic, format);
    CHECK(list.spec.split == Split::ctid);  // no integer key: auto chose ctid, by leaves
    std::set<std::string> leaves;
    for (const auto& p : list.spec.partitions) leaves.insert(p.relation_sql);
    CHECK(leaves == std::set<std::string>{"public.pl_big", "public.pl_small", "public.pl_empty", "public.pl_sub0",
                                          "public.pl_sub1"});
    read_whole_by_every_strategy(list, 7300);

    const SizePlan hash = plan_whole(db.conninfo(), "public.ph", SplitChoice::ctid, format);
    CHECK(hash.spec.split == Split::ctid);
    CHECK(hash.spec.partitions.size() >= 3);  // at least one part per leaf
    read_whole_by_every_strategy(hash, 4000);
  }
}

TEST_CASE("strategies: the parts reported add up to the run's rows, and a skewed split shows a large CV",
          "[db][strategies][parts]") {
  test::ScratchDatabase db("strat_skew");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 5000)");
  ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, 5000, WireFormat::binary, 2, 500);
  spec.partitions = {{1, 10, 10}, {11, 5000, 4990}};  // deliberately skewed
  spec.batches = spec.partitions;
  for (const auto& name : strategy_names()) {
    INFO("strategy " << name);
    HarnessOptions options;
    options.observe = false;
    options.session.read_only = true;
    options.session.statement_timeout_ms = 60000;
    Harness harness(db.conninfo(), options);
    harness.start();
    make_strategy(name)->run(spec, harness);
    const RunFigures f = harness.finish();
    CHECK(f.rows == 5000);
    if (!multi_connection(name)) {
      CHECK(f.parts.empty());  // one part, the whole read: the run's own figures
      CHECK_FALSE(f.part_rows_cv().has_value());
      continue;
    }
    REQUIRE(f.parts.size() == 2);
    CHECK(f.parts[0].index == 0);  // in plan order
    CHECK(f.parts[0].rows == 10);
    CHECK(f.parts[1].rows == 4990);
    CHECK(f.parts[0].rows + f.parts[1].rows == f.rows);
    CHECK(f.parts[0].bytes + f.parts[1].bytes == f.bytes);
    REQUIRE(f.part_rows_cv().has_value());
    CHECK(*f.part_rows_cv() == Approx(4980.0 / 2 / 2500.0));  // population σ 2490 ÷ mean 2500
    CHECK(f.part_time_cv().has_value());
  }
}

TEST_CASE("strategies: --snapshot: the plan, the server's figures and every strategy read the held snapshot",
          "[db][strategies][snapshot]") {
  test::ScratchDatabase db("strat_held");
  const pg::Connection admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.t', 3000)");
  pg::SessionOptions session;
  session.read_only = true;
  const pg::Connection holder = pg::Connection::open(db.conninfo(), session);
  pg::ExportedSnapshot held(holder.raw());  // what `benchclient snapshot hold` keeps open
  // Written after the snapshot: no read in it may see these.
  admin.exec(
      "INSERT INTO public.t SELECT * FROM public.t WHERE id <= 500 ON CONFLICT DO NOTHING;"
      "DELETE FROM public.t WHERE id BETWEEN 10 AND 19;"
      "INSERT INTO public.t (id, created_at, updated_at, category, payload, amount, is_active, source) "
      "SELECT id + 10000, created_at, updated_at, category, payload, amount, is_active, source FROM public.t "
      "WHERE id <= 700");
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    ReadOptions options;
    options.table = "public.t";
    options.all_rows = true;
    options.format = format;
    options.workers = 3;
    options.batch_rows = 100;
    options.snapshot_id = held.id();
    const BenchmarkPlan plan = plan::make_plan(db.conninfo(), options, [](const std::string&) {});
    const SizePlan& whole = plan.sizes.front();
    CHECK(whole.spec.snapshot_id == held.id());
    read_whole_by_every_strategy(whole, 3000);  // the server's figures are the snapshot's, too
  }
  held.release();
  ReadOptions stale;
  stale.table = "public.t";
  stale.all_rows = true;
  stale.snapshot_id = held.id();
  try {
    (void)plan::make_plan(db.conninfo(), stale, [](const std::string&) {});
    FAIL("a released snapshot was read in");
  } catch (const plan::ReadRefused& e) {
    CHECK(e.problem() == plan::ReadRefused::Problem::snapshot_unusable);
    CHECK(e.found().snapshot == held.id());
  }
}

TEST_CASE("strategies: a ctid split reads one snapshot while another session appends pages", "[db][strategies][ctid]") {
  test::ScratchDatabase db("strat_ctid_snap");
  const pg::Connection admin = db.admin();
  constexpr std::int64_t kSeeded = 20000;
  admin.exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kSeeded));
  for (const auto& name : {"pooled_sync", "async_stream", "multiprocessing", "parallel_copy", "decoupled"}) {
    INFO("strategy " << name);
    admin.exec("DELETE FROM public.t WHERE id > " + std::to_string(kSeeded));
    const SizePlan size = plan_whole(db.conninfo(), "public.t", SplitChoice::ctid, WireFormat::binary);
    REQUIRE(size.spec.split == Split::ctid);
    BackgroundInserter inserter(db, [=](int i) { return insert_rows_sql({kSeeded + i}); });
    TestContext context(size.spec);
    // Hold the read once its snapshot is taken until two more rows committed: they
    // land on pages the plan did not know, inside the open-ended last part.
    context.on_first_rows = [&] { inserter.wait_for_more(2); };
    make_strategy(name)->run(size.spec, context);
    const int during = inserter.stop();
    const std::int64_t m = check_one_snapshot(admin, context, kSeeded, false);
    CHECK(during > m);  // rows committed after the snapshot were not read
  }
}

TEST_CASE("strategies: a query that fails after rows have streamed fails every strategy, COPY included",
          "[db][strategies][copy]") {
  test::ScratchDatabase db("strat_midway");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 20000)");
  // Division by zero at id 15000: the first 14999 rows arrive, then the error.
  ReadSpec spec =
      make_spec(db.conninfo(), "public.t", R"("id", 1 / ("id" - 15000) AS boom)", 1, 20000, WireFormat::text, 2, 100);
  spec.partitions = {{1, 20000, 0}};  // one part, so the failing row is read after others
  for (const auto& name : {"cursor_pagination", "copy_stream", "parallel_copy", "decoupled"}) {
    INFO("strategy " << name);
    TestContext context(spec);
    CHECK_THROWS_AS(make_strategy(name)->run(spec, context), pg::SqlError);
    CHECK(context.first_row >= 1);  // rows had streamed before the error
  }
}

TEST_CASE("strategies: a whole table split by key reads one snapshot while keys are written past both ends",
          "[db][strategies][ctid]") {
  test::ScratchDatabase db("strat_whole_key");
  const pg::Connection admin = db.admin();
  constexpr std::int64_t kSeeded = 20000;
  admin.exec(fmt::format("SELECT benchlab.seed_records('public.t', {})", kSeeded));
  for (const auto& name : {"pooled_sync", "async_stream", "multiprocessing", "parallel_copy", "decoupled"}) {
    INFO("strategy " << name);
    admin.exec("DELETE FROM public.t WHERE id < 1 OR id > " + std::to_string(kSeeded));
    // Planned now: keys 1..kSeeded. Then rows land below and above both ends.
    const SizePlan size = plan_whole(db.conninfo(), "public.t", SplitChoice::key, WireFormat::binary);
    REQUIRE(size.spec.split == Split::key);
    CHECK(size.spec.partitions.front().lo == kOpenStart);
    CHECK(size.spec.partitions.back().hi == kOpenEnd);
    BackgroundInserter inserter(db, [=](int i) { return insert_rows_sql({-i, kSeeded + i}); });
    inserter.wait_for_more(3);  // written after planning, before the read's snapshot
    TestContext context(size.spec);
    context.on_first_rows = [&] { inserter.wait_for_more(2); };
    make_strategy(name)->run(size.spec, context);
    const int during = inserter.stop();
    const std::int64_t m = check_one_snapshot(admin, context, kSeeded, true);
    CHECK(m >= 3);  // rows outside the planned key range were read
    CHECK(during > m);
  }
}

TEST_CASE("strategies: a failing query surfaces as a one-line pg::Error from every strategy", "[db][strategies]") {
  test::ScratchDatabase db("strat_err");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 100)");
  ReadSpec spec = make_spec(db.conninfo(), "public.t", R"("id", "no_such_column")", 1, 100, WireFormat::text, 2, 10);
  for (const auto& name : strategy_names()) {
    INFO("strategy " << name);
    TestContext context(spec);
    try {
      make_strategy(name)->run(spec, context);
      FAIL("no exception");
    } catch (const pg::SqlError& e) {
      const std::string what = e.what();
      CHECK(what.find("no_such_column") != std::string::npos);
      CHECK(what.find('\n') == std::string::npos);
    }
  }
  CHECK(shm_entries_of_this_process().empty());
}

TEST_CASE("strategies: a hung multiprocessing worker is found by its heartbeat, cancelled and killed",
          "[db][strategies][faults]") {
  test::ScratchDatabase db("strat_hang");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 20000)");
  ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, 20000, WireFormat::text, 2, 100);
  spec.hang_timeout_ms = 1000;
  TestContext context(spec);
  context.stop_watched = true;  // worker 0 never beats: stopped as it is forked
  try {
    make_strategy("multiprocessing")->run(spec, context);
    FAIL("no exception");
  } catch (const pg::Error& e) {
    const std::string what = e.what();
    CHECK(what.find("worker 0 hung: no heartbeat for") != std::string::npos);
    CHECK(what.find("--hang-timeout") != std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
  }
  CHECK(context.watched.empty());
  for (const pid_t pid : context.ever_watched) CHECK(kill(pid, 0) == -1);  // the hung one too
  CHECK(shm_entries_of_this_process().empty());
  // No backend of the run is left on the server (a backend notices its client is gone
  // on its own time: wait for that state, with a deadline).
  CHECK(test::backends_left(db.admin(), "benchclient-worker") == "0");
}

TEST_CASE("strategies: a multiprocessing worker killed by a signal fails the run and leaves nothing behind",
          "[db][strategies]") {
  test::ScratchDatabase db("strat_kill");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 2000)");
  const ReadSpec spec = make_spec(db.conninfo(), "public.t", kStandardColumns, 1, 2000, WireFormat::text, 2, 100);
  TestContext context(spec);
  context.kill_watched = true;
  try {
    make_strategy("multiprocessing")->run(spec, context);
    FAIL("no exception");
  } catch (const pg::Error& e) {
    CHECK(std::string(e.what()).find("killed by a signal") != std::string::npos);
  }
  CHECK(context.watched.empty());
  for (const pid_t pid : context.ever_watched) CHECK(kill(pid, 0) == -1);
  CHECK(shm_entries_of_this_process().empty());
}

// ---- the type sweep ----------------------------------------------------------

TEST_CASE(
    "strategies: the type sweep — every base type in the catalog, with its array, domain, range and "
    "multirange, an enum and composites — read by every strategy in text and binary",
    "[db][strategies][types][sweep]") {
  test::ScratchDatabase db("strat_sweep");
  const pg::Connection admin = db.admin();
  const std::string sql = test::slurp(std::filesystem::path(BENCHLAB_SOURCE_DIR) / "client/tests/type_sweep.sql");
  REQUIRE_FALSE(sql.empty());
  admin.exec(sql);
  const auto rows = static_cast<std::uint64_t>(std::stoull(admin.query_value("SELECT count(*) FROM type_sweep")));
  // The sweep is the catalog's: dozens of base types, and most of them hold values.
  CHECK(std::stoi(admin.query_value("SELECT count(*) FROM sweep_columns WHERE col ~ '^b[0-9]+$'")) >= 60);
  CHECK(std::stoi(admin.query_value("SELECT count(DISTINCT col) FROM sweep_values WHERE col ~ '^b[0-9]+$'")) >= 55);
  CHECK(std::stoi(admin.query_value("SELECT count(*) FROM sweep_columns WHERE col ~ '_m$'")) >= 20);

  // Text: every column, split by its key and by pages.
  std::set<std::string> text_only;
  for (const SplitChoice split : {SplitChoice::key, SplitChoice::ctid}) {
    const SizePlan whole = plan_whole(db.conninfo(), "public.type_sweep", split, WireFormat::text);
    read_whole_by_every_strategy(whole, rows, std::nullopt);
  }
  // The columns with no binary output are found from the catalog, containers included.
  ReadOptions options;
  options.table = "public.type_sweep";
  options.all_rows = true;
  options.format = WireFormat::text;
  const BenchmarkPlan text_plan = plan::make_plan(db.conninfo(), options, [](const std::string&) {});
  for (const auto& c : text_plan.table.text_only_columns) text_only.insert(c.name);
  std::set<std::string> expected_text_only;
  const pg::Result no_send = admin.exec("SELECT col FROM sweep_columns WHERE NOT has_send");
  for (int i = 0; i < no_send.rows(); ++i) expected_text_only.insert(std::string(no_send.text(i, 0, "col")));
  CHECK(text_only == expected_text_only);
  REQUIRE_FALSE(text_only.empty());  // aclitem at least
  bool noted = false;
  for (const auto& n : text_plan.sizes.front().notes)
    noted = noted || n.starts_with("binary wire ceiling not measured");
  CHECK(noted);
  // ... and --format binary is refused, naming them.
  options.format = WireFormat::binary;
  CHECK_THROWS_AS(plan::make_plan(db.conninfo(), options, [](const std::string&) {}), plan::OptionRefused);

  // Binary: every column that has binary output.
  std::string columns = "id";
  const pg::Result all = admin.exec("SELECT col FROM sweep_columns ORDER BY n");
  for (int i = 0; i < all.rows(); ++i) {
    const std::string col(all.text(i, 0, "col"));
    if (text_only.count(col) == 0) columns += ", " + col;
  }
  admin.exec("CREATE TABLE public.type_sweep_binary AS SELECT " + columns +
             " FROM public.type_sweep;"
             "ALTER TABLE public.type_sweep_binary ADD PRIMARY KEY (id)");
  for (const SplitChoice split : {SplitChoice::key, SplitChoice::ctid}) {
    const SizePlan whole = plan_whole(db.conninfo(), "public.type_sweep_binary", split, WireFormat::binary);
    read_whole_by_every_strategy(whole, rows, std::nullopt);
  }
}

// ---- row-level security --------------------------------------------------------

namespace {

// An ordinary role (no superuser, no BYPASSRLS), created once per cluster.
std::string ordinary_role(const pg::Connection& admin, const std::string& name) {
  admin.exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + name + "') THEN CREATE ROLE " +
             name + " LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$");
  return name;
}

// What `role` sees of `table`: its rows, as the server counts them for that role.
std::uint64_t rows_seen_by(const test::ScratchDatabase& db, const std::string& role, const std::string& table) {
  const pg::Connection conn = pg::Connection::open(db.conninfo() + " user=" + role);
  return static_cast<std::uint64_t>(std::stoull(conn.query_value("SELECT count(*) FROM " + table)));
}

}  // namespace

TEST_CASE(
    "strategies: row-level security — a partitioned table with policies on the parent or a leaf, read as an "
    "ordinary role, returns exactly what that role's SELECT returns",
    "[db][strategies][rls]") {
  test::ScratchDatabase db("strat_rls_parted");
  const pg::Connection admin = db.admin();
  const std::string role = ordinary_role(admin, "benchlab_rls_reader");
  // No integer key: the default split is by ctid, leaf by leaf.
  admin.exec(
      "CREATE TABLE public.events (region text NOT NULL, tenant text NOT NULL, v int) PARTITION BY LIST (region);"
      "CREATE TABLE public.events_eu PARTITION OF public.events FOR VALUES IN ('eu');"
      "CREATE TABLE public.events_us PARTITION OF public.events FOR VALUES IN ('us');"
      "INSERT INTO public.events SELECT CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, "
      "CASE WHEN g % 5 = 0 THEN 'acme' ELSE 'other' END, g FROM generate_series(1, 4000) g;"
      "ANALYZE public.events;"
      "GRANT SELECT ON public.events, public.events_eu, public.events_us TO " +
      role +
      ";"
      // The parent's policy: this role sees acme's rows only.
      "ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;"
      "CREATE POLICY acme_only ON public.events USING (tenant = 'acme')");
  const std::string conninfo = db.conninfo() + " user=" + role;
  const auto check_every_split = [&](std::uint64_t expected) {
    for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
      const SizePlan size = plan_whole(conninfo, "public.events", SplitChoice::automatic, format);
      CHECK(size.spec.split == Split::ctid);
      for (const auto& p : size.spec.partitions) CHECK(p.through_parent);
      read_whole_by_every_strategy(size, expected);
    }
  };
  SECTION("policies on the parent apply, though its leaves have none") {
    const std::uint64_t seen = rows_seen_by(db, role, "public.events");
    CHECK(seen == 800);
    check_every_split(seen);
  }
  SECTION("a leaf's own policies do not apply to a query on the parent") {
    admin.exec(
        "ALTER TABLE public.events DISABLE ROW LEVEL SECURITY;"
        "ALTER TABLE public.events_eu ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY nothing ON public.events_eu USING (false)");
    const std::uint64_t seen = rows_seen_by(db, role, "public.events");
    CHECK(seen == 4000);  // the leaf's policy hides its rows only from queries on the leaf
    check_every_split(seen);
  }
  SECTION("a superuser bypasses the policies: the leaves are read directly") {
    const SizePlan size = plan_whole(db.conninfo(), "public.events", SplitChoice::automatic, WireFormat::text);
    for (const auto& p : size.spec.partitions) CHECK_FALSE(p.through_parent);
    read_whole_by_every_strategy(size, 4000);
  }
}

TEST_CASE("strategies: FORCE ROW LEVEL SECURITY on a plain table binds its owner, for every strategy and split",
          "[db][strategies][rls]") {
  test::ScratchDatabase db("strat_rls_force");
  const pg::Connection admin = db.admin();
  const std::string role = ordinary_role(admin, "benchlab_rls_owner");
  admin.exec(
      "CREATE TABLE public.ledger (id bigint PRIMARY KEY, owner_name text, amount numeric);"
      "INSERT INTO public.ledger SELECT g, CASE WHEN g % 4 = 0 THEN 'me' ELSE 'them' END, g * 1.5 "
      "FROM generate_series(1, 3000) g;"
      "ANALYZE public.ledger;"
      "ALTER TABLE public.ledger OWNER TO " +
      role +
      ";"
      "ALTER TABLE public.ledger ENABLE ROW LEVEL SECURITY;"
      "ALTER TABLE public.ledger FORCE ROW LEVEL SECURITY;"
      "CREATE POLICY mine ON public.ledger USING (owner_name = 'me')");
  const std::string conninfo = db.conninfo() + " user=" + role;
  const std::uint64_t seen = rows_seen_by(db, role, "public.ledger");
  CHECK(seen == 750);
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    for (const SplitChoice split : {SplitChoice::key, SplitChoice::ctid}) {
      const SizePlan size = plan_whole(conninfo, "public.ledger", split, format);
      read_whole_by_every_strategy(size, seen);
    }
  }
}

TEST_CASE("strategies: decoupled puts rows larger than a ring's chunk together whole, from several connections",
          "[db][strategies][decoupled]") {
  test::ScratchDatabase db("strat_dec_big");
  const pg::Connection admin = db.admin();
  // Rows of about 1.5 MiB (a chunk is at most a quarter of a 4 MiB ring), mixed with
  // small ones, read by two connections into one decoder's ring: the chunks of two
  // readers' rows must not interleave.
  admin.exec(
      "CREATE TABLE public.big (id bigint PRIMARY KEY, body text NOT NULL);"
      "INSERT INTO public.big SELECT g, CASE WHEN g % 3 = 0 THEN 'small ' || g ELSE "
      "(SELECT string_agg(md5((g * 100000 + i)::text), '') FROM generate_series(1, 48000) i) END "
      "FROM generate_series(1, 24) g");
  for (const WireFormat format : {WireFormat::text, WireFormat::binary}) {
    const SetChecksum expected = server_checksum(admin, "public.big", 1, 24, format);
    REQUIRE(expected.rows == 24);
    ReadSpec spec = make_spec(db.conninfo(), "public.big", R"("id", "body")", 1, 24, format, 2, 2);
    spec.partitions = {{1, 12, 12}, {13, 24, 12}};
    spec.decoders = 1;
    INFO(to_string(format));
    TestContext context(spec);
    make_strategy("decoupled")->run(spec, context);
    CHECK(context.totals.rows == 24);
    CHECK(context.totals.checksum.sum == expected.sum);
    check_parts("decoupled", spec, context);
  }
}
