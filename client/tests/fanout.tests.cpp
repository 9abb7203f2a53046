// benchclient fanout start / worker against a real server: the coordinator and each
// worker are separate benchclient processes started here (as on separate hosts, none
// forked by another), over the Unix socket and over TCP on 127.0.0.1. What must hold:
// exactly the server's rows and checksum in the job's snapshot while the table is
// written to; the broken control (--no-shared-snapshot) drifts; a worker killed or
// stopped mid-part has its part re-read by another, counted once; bad input is one
// line, exit 2, nothing left behind.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "benchlab/row_checksum.hpp"
#include "cluster/throwaway_cluster.hpp"
#include "fanout/manifest.hpp"
#include "pg/connection.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace benchlab;

namespace {

using Clock = std::chrono::steady_clock;

// Waits (a state, with a deadline) for `done`; false if the deadline passed first.
template <typename F>
bool wait_for(F done, std::chrono::seconds deadline = std::chrono::seconds(60)) {
  const auto until = Clock::now() + deadline;
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The one fanout artifact under `dir`, parsed.
nlohmann::json only_fanout_artifact(const fs::path& dir) {
  std::vector<fs::path> found;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().starts_with("fanout-")) found.push_back(e.path());
  REQUIRE(found.size() == 1);
  return nlohmann::json::parse(test::slurp(found.front()));
}

// A table of `rows` rows keyed 1..rows, with a text payload.
void make_table(const pg::Connection& admin, const std::string& name, int rows) {
  admin.exec(fmt::format("CREATE TABLE {} (id bigint PRIMARY KEY, v text NOT NULL, n integer NOT NULL)", name));
  admin.exec(
      fmt::format("INSERT INTO {} SELECT g, md5(g::text) || repeat('x', g % 50), g % 1000 FROM "
                  "generate_series(1, {}) g",
                  name, rows));
  admin.exec(fmt::format("ANALYZE {}", name));
}

// Whether process `pid` is stopped (state T in /proc/<pid>/stat).
bool stopped(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = all.rfind(')');
  return close != std::string::npos && close + 2 < all.size() && all[close + 2] == 'T';
}

// Starts the coordinator and waits until it has written the manifest (its stdout
// names the worker command).
std::unique_ptr<test::Benchclient> start_coordinator(const std::vector<std::string>& args, const fs::path& dir) {
  std::vector<std::string> all{"fanout", "start"};
  all.insert(all.end(), args.begin(), args.end());
  auto c = std::make_unique<test::Benchclient>(all, dir, /*own_process_group=*/true);
  const bool ready =
      wait_for([&] { return test::slurp(dir / "stdout").find("on each worker host:") != std::string::npos; });
  INFO("coordinator stderr: " << c->err_so_far());
  REQUIRE(ready);
  return c;
}

std::string manifest_value(const pg::Connection& admin, const std::string& sql, const std::string& job) {
  return admin.query_value(sql, {job});
}

// Moves the end of `worker`'s leases in `job` to the past: what time does to the lease
// of a worker that stopped renewing it.
void expire_leases_of(const pg::Connection& admin, const std::string& job, const std::string& worker) {
  CHECK(admin
            .exec_params("UPDATE benchlab.fanout_part SET lease_until = clock_timestamp() - interval '1 s' WHERE "
                         "job = $1 AND worker = $2 AND state = 'reading' RETURNING part",
                         {job, worker})
            .rows() == 1);
}

// A free TCP port on 127.0.0.1 (bound, read, released: the cluster takes it next).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The read of `table` fanned out over two workers (2 and 1 connections) started
// after the coordinator, while a writer changes the table: first rows written
// after the snapshot and before any worker starts, then writes all along the read.
// Returns the coordinator's outcome; the artifact is under dir/results.
struct Fanned {
  test::Outcome coordinator;
  nlohmann::json artifact;
  std::uint64_t rows_at_start = 0;
  std::uint64_t rows_now = 0;
};

Fanned fan_out_while_writing(const std::string& conninfo, const pg::Connection& admin, const std::string& table,
                             const std::string& job, bool shared) {
  test::TempDir dir("fanout-coord"), w1("fanout-w1"), w2("fanout-w2");
  Fanned out;
  out.rows_at_start = std::stoull(admin.query_value("SELECT count(*) FROM " + table));
  std::vector<std::string> args{"--dsn", conninfo,  "--table", table,           "--job",
                                job,     "--parts", "8",       "--results-dir", (dir.path / "results").string()};
  if (!shared) args.push_back("--no-shared-snapshot");
  auto coordinator = start_coordinator(args, dir.path);
  // After the snapshot: rows added, changed and removed, committed before any worker begins.
  admin.exec(fmt::format("INSERT INTO {} SELECT g, 'late', 0 FROM generate_series(1000001, 1000500) g", table));
  admin.exec(fmt::format("UPDATE {} SET v = 'changed' WHERE id % 97 = 0", table));
  admin.exec(fmt::format("DELETE FROM {} WHERE id % 997 = 0", table));  // fewer than inserted: the count grows
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    const pg::Connection w = pg::Connection::open(conninfo, [] {
      pg::SessionOptions rw;
      rw.read_only = false;
      return rw;
    }());
    for (int i = 0; !stop.load(); ++i) {
      w.exec(fmt::format("UPDATE {} SET n = n + 1 WHERE id % 101 = {}", table, i % 101));
      w.exec(fmt::format("INSERT INTO {} VALUES ({}, 'during', 1)", table, 2000000 + i));
    }
  });
  // --if-finished ok: a may read every part before b starts, as a launcher's late worker would.
  test::Benchclient a(
      {"worker", "--dsn", conninfo, "--job", job, "--workers", "2", "--name", "a", "--if-finished", "ok"}, w1.path);
  test::Benchclient b({"worker", "--dsn", conninfo, "--job", job, "--name", "b", "--if-finished", "ok"}, w2.path);
  const test::Outcome ra = a.wait(), rb = b.wait();
  out.coordinator = coordinator->wait();
  stop = true;
  writer.join();
  INFO("worker a: " << ra.err);
  INFO("worker b: " << rb.err);
  INFO("coordinator: " << out.coordinator.err);
  CHECK(ra.exit_code == 0);
  CHECK(rb.exit_code == 0);
  out.artifact = only_fanout_artifact(dir.path / "results");
  out.rows_now = std::stoull(admin.query_value("SELECT count(*) FROM " + table));
  return out;
}

}  // namespace

TEST_CASE(
    "fanout: workers in separate processes read exactly the snapshot's rows while the table is written, "
    "over the Unix socket",
    "[db][fanout]") {
  test::ScratchDatabase db("fanout_socket");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 60000);
  const Fanned f = fan_out_while_writing(db.conninfo(), admin, "public.orders", "socket-1", true);
  INFO(f.coordinator.err);
  CHECK(f.coordinator.exit_code == 0);
  const auto& a = f.artifact;
  CHECK(a["kind"] == "fanout");
  CHECK(a["rows_match"] == true);
  CHECK(a["checksum_match"] == true);
  CHECK(a["rows"].get<std::uint64_t>() == f.rows_at_start);  // the snapshot holds
  CHECK(f.rows_now != f.rows_at_start);                      // while the table did change
  CHECK(a["parts"].size() == 8);
  // Which worker read how much is up to them (a may read every part before b starts);
  // what they read adds up, part by part and worker by worker.
  std::uint64_t by_parts = 0, by_workers = 0;
  for (const auto& p : a["parts"]) {
    CHECK(p["state"] == "done");
    CHECK((p["worker"] == "a" || p["worker"] == "b"));
    by_parts += p["rows"].get<std::uint64_t>();
  }
  for (const auto& w : a["workers"]) by_workers += w["rows"].get<std::uint64_t>();
  CHECK(by_parts == f.rows_at_start);
  CHECK(by_workers == f.rows_at_start);
  CHECK(a["hosts"].size() == 1);
  CHECK(a["reoffers"] == 0);
  CHECK(manifest_value(admin, "SELECT state FROM benchlab.fanout_job WHERE job = $1", "socket-1") == "done");
  CHECK(test::backends_left(admin, "benchclient%") == "0");
}

TEST_CASE("fanout: the same over TCP on 127.0.0.1", "[db][fanout]") {
  test::TempDir base("fanout-tcp-cluster", /*traversable=*/true);
  cluster::ClusterOptions options;
  options.base_dir = base.path;
  options.listen_addresses = "127.0.0.1";
  // A port free a moment ago may be taken before the server binds it: another one then.
  std::unique_ptr<cluster::ThrowawayCluster> started;
  for (int attempt = 0; !started && attempt < 5; ++attempt) {
    options.port = free_port();
    try {
      started = std::make_unique<cluster::ThrowawayCluster>(options);
    } catch (const std::runtime_error& e) {
      WARN("port " << options.port << ": " << e.what());
    }
  }
  REQUIRE(started);
  const cluster::ThrowawayCluster& server = *started;
  const std::string tcp = server.tcp_conninfo("127.0.0.1");
  pg::SessionOptions rw;
  rw.read_only = false;
  const pg::Connection admin = pg::Connection::open(tcp, rw);
  REQUIRE(admin.query_value("SELECT inet_server_addr()::text") == "127.0.0.1/32");  // really TCP
  admin.exec("CREATE EXTENSION benchlab");
  make_table(admin, "public.orders", 40000);
  const Fanned f = fan_out_while_writing(tcp, admin, "public.orders", "tcp-1", true);
  INFO(f.coordinator.err);
  CHECK(f.coordinator.exit_code == 0);
  CHECK(f.artifact["rows_match"] == true);
  CHECK(f.artifact["checksum_match"] == true);
  CHECK(f.artifact["rows"].get<std::uint64_t>() == f.rows_at_start);
}

TEST_CASE("fanout: --no-shared-snapshot, the broken control, drifts: each part in its own snapshot sees the writes",
          "[db][fanout]") {
  test::ScratchDatabase db("fanout_unshared");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 40000);
  const Fanned f = fan_out_while_writing(db.conninfo(), admin, "public.orders", "unshared-1", false);
  CHECK(f.coordinator.exit_code == 3);
  CHECK(test::contains(f.coordinator.err, "differs from the server's"));
  CHECK(f.artifact["shared_snapshot"] == false);
  CHECK(f.artifact["rows_match"] == false);
  CHECK(f.artifact["checksum_match"] == false);
  CHECK(f.artifact["expected_rows"].get<std::uint64_t>() == f.rows_at_start);
}

TEST_CASE("fanout: a worker SIGKILLed mid-part: its part is re-offered and read by another, the total exact",
          "[db][fanout]") {
  test::ScratchDatabase db("fanout_kill");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 80000);
  test::TempDir dir("fanout-coord"), w1("fanout-w1"), w2("fanout-w2");
  auto coordinator =
      start_coordinator({"--dsn", db.conninfo(), "--table", "public.orders", "--job", "kill-1", "--parts", "4",
                         "--lease", "3600s", "--results-dir", (dir.path / "results").string()},
                        dir.path);
  // Worker a stops itself after 2 batches (10000 rows) of its first part of 20000:
  // mid-part by construction; then it is killed where it stands.
  test::Benchclient a({"worker", "--dsn", db.conninfo(), "--job", "kill-1", "--name", "a"}, w1.path, false,
                      {"BENCHLAB_INJECT_FAULT=stop:after=2"});
  REQUIRE(wait_for([&] { return stopped(a.pid()); }));
  CHECK(manifest_value(admin, "SELECT count(*) FROM benchlab.fanout_part WHERE job = $1 AND state = 'reading'",
                       "kill-1") == "1");
  REQUIRE(::kill(a.pid(), SIGKILL) == 0);
  const test::Outcome ra = a.wait();
  CHECK(ra.exit_code == 128 + SIGKILL);
  // Its lease runs out (an hour, so that no other lease can by accident: its end is
  // moved to the past, as time would).
  expire_leases_of(admin, "kill-1", "a");
  test::Benchclient b({"worker", "--dsn", db.conninfo(), "--job", "kill-1", "--name", "b"}, w2.path);
  const test::Outcome rb = b.wait();
  const test::Outcome rc = coordinator->wait();
  INFO("b: " << rb.err << "\ncoordinator: " << rc.err);
  CHECK(rb.exit_code == 0);
  CHECK(rc.exit_code == 0);
  const auto art = only_fanout_artifact(dir.path / "results");
  CHECK(art["rows"] == 80000);
  CHECK(art["rows_match"] == true);
  CHECK(art["checksum_match"] == true);
  CHECK(art["reoffers"] == 1);
  int reoffered = 0;
  for (const auto& p : art["parts"]) {
    CHECK(p["worker"] == "b");  // every part, the killed one's too, was read by b
    if (p["reoffers"] == 1) {
      ++reoffered;
      CHECK(p["claims"] == 2);
    }
  }
  CHECK(reoffered == 1);
}

TEST_CASE(
    "fanout: a worker SIGSTOPped past its lease: its part is read by another, and its late read, once back, is not "
    "counted",
    "[db][fanout]") {
  test::ScratchDatabase db("fanout_stop");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 80000);
  test::TempDir dir("fanout-coord"), w1("fanout-w1"), w2("fanout-w2");
  auto coordinator =
      start_coordinator({"--dsn", db.conninfo(), "--table", "public.orders", "--job", "stop-1", "--parts", "4",
                         "--lease", "3600s", "--results-dir", (dir.path / "results").string()},
                        dir.path);
  test::Benchclient a({"worker", "--dsn", db.conninfo(), "--job", "stop-1", "--name", "a"}, w1.path, false,
                      {"BENCHLAB_INJECT_FAULT=stop:after=2"});
  REQUIRE(wait_for([&] { return stopped(a.pid()); }));
  const std::string held = admin.query_value(
      "SELECT part FROM benchlab.fanout_part WHERE job = $1 AND state = 'reading' AND worker = 'a'", {"stop-1"});
  expire_leases_of(admin, "stop-1", "a");  // stopped past its lease
  test::Benchclient b({"worker", "--dsn", db.conninfo(), "--job", "stop-1", "--name", "b"}, w2.path);
  const test::Outcome rb = b.wait();
  const test::Outcome rc = coordinator->wait();
  INFO("b: " << rb.err << "\ncoordinator: " << rc.err);
  CHECK(rb.exit_code == 0);
  CHECK(rc.exit_code == 0);
  // a comes back: its lease is gone, the part is b's; it says so and ends.
  REQUIRE(::kill(a.pid(), SIGCONT) == 0);
  const test::Outcome ra = a.wait();
  INFO("a: " << ra.err);
  CHECK(ra.exit_code == 0);
  CHECK(test::contains(ra.err, "re-offered"));
  CHECK(admin.query_value("SELECT worker || ' ' || claim || ' ' || reoffers || ' ' || rows FROM benchlab.fanout_part "
                          "WHERE job = 'stop-1' AND part = $1",
                          {held}) == "b 2 1 20000");
  const auto art = only_fanout_artifact(dir.path / "results");
  CHECK(art["rows"] == 80000);
  CHECK(art["rows_match"] == true);
  CHECK(art["checksum_match"] == true);
  CHECK(art["reoffers"] == 1);
}

TEST_CASE("fanout: a confirmation counts once: only under the part's latest claim, while it is being read",
          "[db][fanout]") {
  test::ScratchDatabase db("fanout_once");
  const pg::Connection admin = db.admin();
  admin.exec(
      "INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, "
      "coordinator_pid) VALUES ('once', '', 'public.x', 'text', 'xxh3', '1 hour', 1, 'h', 1)");
  admin.exec("INSERT INTO benchlab.fanout_part (job, part, lo, hi, query) VALUES ('once', 0, 1, 10, 'SELECT 1')");
  const auto first = fanout::claim_part(admin, "once", "a", "h", 1);
  REQUIRE(first);
  CHECK(first->claim == 1);
  CHECK_FALSE(fanout::claim_part(admin, "once", "b", "h", 1));  // nothing else to claim: the lease runs
  // a falls silent: its lease runs out, the part is re-offered and b claims it.
  admin.exec("UPDATE benchlab.fanout_part SET lease_until = clock_timestamp() - interval '1 s' WHERE job = 'once'");
  const auto reoffered = fanout::reoffer_expired(admin, "once");
  REQUIRE(reoffered.size() == 1);
  CHECK(reoffered.front().worker == "a");
  const auto second = fanout::claim_part(admin, "once", "b", "h", 1);
  REQUIRE(second);
  CHECK(second->claim == 2);
  fanout::PartResult r;
  r.rows = 10;
  r.checksum = 42;
  CHECK_FALSE(fanout::renew_lease(admin, "once", *first, 5));   // a's lease is not renewed any more
  CHECK_FALSE(fanout::confirm_part(admin, "once", *first, r));  // nor its late confirmation counted
  CHECK(fanout::confirm_part(admin, "once", *second, r));
  CHECK_FALSE(fanout::confirm_part(admin, "once", *second, r));  // a part is done once
  CHECK(admin.query_value("SELECT state || ' ' || worker || ' ' || reoffers || ' ' || rows FROM benchlab.fanout_part "
                          "WHERE job = 'once'") == "done b 1 10");
  // An expired lease is also claimed by a worker directly (a dead coordinator re-offers nothing).
  admin.exec("INSERT INTO benchlab.fanout_part (job, part, lo, hi, query) VALUES ('once', 1, 11, 20, 'SELECT 1')");
  const auto third = fanout::claim_part(admin, "once", "a", "h", 1);
  REQUIRE(third);
  admin.exec("UPDATE benchlab.fanout_part SET lease_until = clock_timestamp() - interval '1 s' WHERE part = 1");
  const auto fourth = fanout::claim_part(admin, "once", "b", "h", 1);
  REQUIRE(fourth);
  CHECK(fourth->part == 1);
  CHECK(fourth->claim == 2);
  CHECK_FALSE(fanout::confirm_part(admin, "once", *third, r));
  // A finished job's parts are never claimed.
  admin.exec("UPDATE benchlab.fanout_part SET state = 'pending' WHERE part = 1");
  admin.exec("UPDATE benchlab.fanout_job SET state = 'done'");
  CHECK_FALSE(fanout::claim_part(admin, "once", "a", "h", 1));
}

TEST_CASE("fanout: bad input is one line, exit 2, and leaves nothing behind", "[db][fanout]") {
  test::ScratchDatabase db("fanout_bad");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 1000);
  test::TempDir dir("fanout-bad");
  const auto results = dir.path / "results";
  const auto run = [&](const std::vector<std::string>& args) { return test::run_benchclient(args, dir.path); };
  const auto one_error_line = [](const test::Outcome& o) {
    INFO(o.err);
    CHECK(o.exit_code == 2);
    CHECK(test::line_count(o.err) == 1);
  };

  SECTION("--parts 0") {
    const auto o = run({"fanout", "start", "--dsn", db.conninfo(), "--table", "public.orders", "--job", "j", "--parts",
                        "0", "--results-dir", results.string()});
    one_error_line(o);
    CHECK(test::contains(o.err, "--parts 0"));
  }
  SECTION("a job name that is not one") {
    const auto o = run({"fanout", "start", "--dsn", db.conninfo(), "--table", "public.orders", "--job", "no spaces"});
    one_error_line(o);
    CHECK(test::contains(o.err, "--job 'no spaces'"));
  }
  SECTION("a job that exists") {
    admin.exec(
        "INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, "
        "coordinator_pid) VALUES ('taken', '', 'public.orders', 'text', 'xxh3', '30 s', 1, 'h', 1)");
    const auto o = run({"fanout", "start", "--dsn", db.conninfo(), "--table", "public.orders", "--job", "taken",
                        "--results-dir", results.string()});
    one_error_line(o);
    CHECK(test::contains(o.err, "fan-out job 'taken' exists"));
    CHECK(test::contains(o.err, "fanout drop --job taken"));
    CHECK(admin.query_value("SELECT count(*) FROM benchlab.fanout_part") == "0");
  }
  SECTION("a worker for a job that does not exist") {
    const auto o = run({"worker", "--dsn", db.conninfo(), "--job", "nope"});
    one_error_line(o);
    CHECK(test::contains(o.err, "no fan-out job 'nope'"));
  }
  SECTION("a worker for a job that has finished") {
    admin.exec(
        "INSERT INTO benchlab.fanout_job (job, state, snapshot, relation, format, digest, lease, parts, "
        "coordinator_host, coordinator_pid) VALUES ('old', 'done', '', 'public.orders', 'text', 'xxh3', '30 s', 1, "
        "'h', 1)");
    const auto o = run({"worker", "--dsn", db.conninfo(), "--job", "old"});
    one_error_line(o);
    CHECK(test::contains(o.err, "has finished"));
    // A launcher's late worker may say it is no error.
    const auto late = run({"worker", "--dsn", db.conninfo(), "--job", "old", "--if-finished", "ok"});
    CHECK(late.exit_code == 0);
    CHECK(test::contains(late.err, "has finished already"));
  }
  SECTION("a worker whose role may not read the table") {
    admin.exec("CREATE ROLE fanout_reader LOGIN");
    admin.exec("GRANT SELECT ON benchlab.fanout_job TO fanout_reader");
    admin.exec("GRANT SELECT, UPDATE ON benchlab.fanout_part TO fanout_reader");
    admin.exec(
        "INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, "
        "coordinator_pid) VALUES ('private', '', 'public.orders', 'text', 'xxh3', '30 s', 1, 'h', 1)");
    admin.exec(
        "INSERT INTO benchlab.fanout_part (job, part, lo, hi, query) VALUES ('private', 0, 1, 1000, "
        "'SELECT id, v, n FROM public.orders')");
    const auto o = run({"worker", "--dsn", db.conninfo() + " user=fanout_reader", "--job", "private"});
    one_error_line(o);
    CHECK(test::contains(o.err, "may not read table public.orders"));
    CHECK(test::contains(o.err, "GRANT SELECT ON public.orders TO fanout_reader"));
    CHECK(admin.query_value("SELECT state || claim FROM benchlab.fanout_part WHERE job = 'private'") == "pending0");
    admin.exec("DROP OWNED BY fanout_reader");
    admin.exec("DROP ROLE fanout_reader");
  }
  SECTION("a worker whose role may use only part of the manifest") {
    admin.exec("CREATE ROLE fanout_half LOGIN");
    admin.exec("GRANT SELECT ON benchlab.fanout_job, benchlab.fanout_part, public.orders TO fanout_half");
    admin.exec(
        "INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, "
        "coordinator_pid) VALUES ('half', '', 'public.orders', 'text', 'xxh3', '30 s', 1, 'h', 1)");
    const auto o = run({"worker", "--dsn", db.conninfo() + " user=fanout_half", "--job", "half"});
    one_error_line(o);
    CHECK(test::contains(o.err, "GRANT SELECT, UPDATE ON benchlab.fanout_part TO fanout_half"));
    admin.exec("DROP OWNED BY fanout_half");
    admin.exec("DROP ROLE fanout_half");
  }
  SECTION("a worker of another role on a table with row-level security") {
    admin.exec("CREATE ROLE fanout_other LOGIN");
    admin.exec("GRANT SELECT ON benchlab.fanout_job, public.orders TO fanout_other");
    admin.exec("GRANT SELECT, UPDATE ON benchlab.fanout_part TO fanout_other");
    admin.exec("ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY");
    admin.exec("CREATE POLICY even_ids ON public.orders TO fanout_other USING (id % 2 = 0)");
    admin.exec(
        "INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, "
        "coordinator_pid) VALUES ('rls', '', 'public.orders', 'text', 'xxh3', '30 s', 1, 'h', 1)");
    admin.exec(
        "INSERT INTO benchlab.fanout_part (job, part, lo, hi, query) VALUES ('rls', 0, 1, 1000, "
        "'SELECT id, v, n FROM public.orders')");
    const auto o = run({"worker", "--dsn", db.conninfo() + " user=fanout_other", "--job", "rls"});
    one_error_line(o);
    CHECK(test::contains(o.err, "row-level security"));
    CHECK(admin.query_value("SELECT state || claim FROM benchlab.fanout_part WHERE job = 'rls'") == "pending0");
    admin.exec("DROP POLICY even_ids ON public.orders");
    admin.exec("ALTER TABLE public.orders DISABLE ROW LEVEL SECURITY");
    admin.exec("DROP OWNED BY fanout_other");
    admin.exec("DROP ROLE fanout_other");
  }
  SECTION("a server without the extension") {
    admin.exec("DROP EXTENSION benchlab");
    const auto o = run({"fanout", "start", "--dsn", db.conninfo(), "--table", "public.orders", "--job", "j",
                        "--results-dir", results.string()});
    one_error_line(o);
    CHECK(test::contains(o.err, "no fan-out manifest"));
    const auto w = run({"worker", "--dsn", db.conninfo(), "--job", "j"});
    one_error_line(w);
    CHECK(test::contains(w.err, "no fan-out manifest"));
    admin.exec("CREATE EXTENSION benchlab");
  }
  CHECK_FALSE(fs::exists(results));
  CHECK(test::backends_left(admin, "benchclient%") == "0");
}

TEST_CASE(
    "fanout: Ctrl-C on the coordinator marks the job abandoned and releases its snapshot, a worker then stops "
    "with one line",
    "[db][fanout]") {
  test::ScratchDatabase db("fanout_int");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 1000);
  test::TempDir dir("fanout-coord"), w("fanout-w");
  // A password in the DSN (trust ignores it): never printed, never written.
  const std::string dsn = db.conninfo() + " password=fanout-sekret";
  auto coordinator = start_coordinator(
      {"--dsn", dsn, "--table", "public.orders", "--job", "int-1", "--results-dir", (dir.path / "results").string()},
      dir.path);
  CHECK_FALSE(test::contains(test::slurp(dir.path / "stdout"), "fanout-sekret"));
  CHECK(test::contains(test::slurp(dir.path / "stdout"), "password=*****"));
  REQUIRE(::kill(-coordinator->pid(), SIGINT) == 0);
  const test::Outcome rc = coordinator->wait();
  CHECK(rc.exit_code == 130);
  CHECK_FALSE(test::contains(rc.out + rc.err, "fanout-sekret"));
  CHECK(manifest_value(admin, "SELECT state FROM benchlab.fanout_job WHERE job = $1", "int-1") == "abandoned");
  CHECK(test::backends_left(admin, "benchclient%") == "0");  // the snapshot's transaction too
  const test::Outcome rw = test::run_benchclient({"worker", "--dsn", db.conninfo(), "--job", "int-1"}, w.path);
  CHECK(rw.exit_code == 2);
  CHECK(test::contains(rw.err, "abandoned"));
  CHECK_FALSE(fs::exists(dir.path / "results"));
  // fanout drop removes what is left: the manifest rows.
  CHECK(test::run_benchclient({"fanout", "drop", "--dsn", db.conninfo(), "--job", "int-1"}, w.path).exit_code == 0);
  CHECK(admin.query_value("SELECT count(*) FROM benchlab.fanout_part") == "0");
  CHECK(admin.query_value("SELECT count(*) FROM benchlab.fanout_job") == "0");
}

TEST_CASE("fanout: a coordinator killed outright takes the snapshot with it: a worker says so and stops",
          "[db][fanout]") {
  test::ScratchDatabase db("fanout_gone");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 1000);
  test::TempDir dir("fanout-coord"), w("fanout-w");
  auto coordinator = start_coordinator({"--dsn", db.conninfo(), "--table", "public.orders", "--job", "gone-1",
                                        "--results-dir", (dir.path / "results").string()},
                                       dir.path);
  REQUIRE(::kill(-coordinator->pid(), SIGKILL) == 0);
  (void)coordinator->wait();
  // The server notices the client is gone on its own time: wait for the snapshot's session to end.
  REQUIRE(test::backends_left(admin, "benchclient-fanout%") == "0");
  const test::Outcome rw = test::run_benchclient({"worker", "--dsn", db.conninfo(), "--job", "gone-1"}, w.path);
  INFO(rw.err);
  CHECK(rw.exit_code == 1);
  CHECK(test::contains(rw.err, "snapshot"));
  CHECK(test::contains(rw.err, "is gone"));
  CHECK(test::line_count(rw.err) == 1);
  // Its claim was given back: the part is pending again for whoever starts the job anew.
  CHECK(admin.query_value("SELECT count(*) FROM benchlab.fanout_part WHERE job = 'gone-1' AND state = 'reading'") ==
        "0");
}

TEST_CASE("fanout: a worker interrupted mid-part gives its part back at once, and says so by its exit status",
          "[db][fanout]") {
  test::ScratchDatabase db("fanout_give_back");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 40000);
  test::TempDir dir("fanout-coord"), w1("fanout-w1");
  // A lease of an hour: only the worker's own give-back can put the part back now.
  auto coordinator =
      start_coordinator({"--dsn", db.conninfo(), "--table", "public.orders", "--job", "give-1", "--parts", "2",
                         "--lease", "3600s", "--results-dir", (dir.path / "results").string()},
                        dir.path);
  test::Benchclient a({"worker", "--dsn", db.conninfo(), "--job", "give-1", "--name", "a"}, w1.path, true,
                      {"BENCHLAB_INJECT_FAULT=stop:after=2"});
  REQUIRE(wait_for([&] { return stopped(a.pid()); }));
  // Ctrl-C reaches the stopped worker; it acts on it once it runs again.
  REQUIRE(::kill(-a.pid(), SIGINT) == 0);
  REQUIRE(::kill(-a.pid(), SIGCONT) == 0);
  const test::Outcome ra = a.wait();
  INFO(ra.err);
  CHECK(ra.exit_code == 130);
  CHECK(admin.query_value("SELECT string_agg(state || ' ' || reoffers, ', ' ORDER BY part) FROM benchlab.fanout_part "
                          "WHERE job = 'give-1'") == "pending 1, pending 0");
  REQUIRE(::kill(-coordinator->pid(), SIGINT) == 0);
  CHECK(coordinator->wait().exit_code == 130);
  CHECK(test::backends_left(admin, "benchclient%") == "0");
}

TEST_CASE("fanout: a lease runs out on the clock: the coordinator re-offers the silent worker's part", "[db][fanout]") {
  test::ScratchDatabase db("fanout_clock");
  const pg::Connection admin = db.admin();
  make_table(admin, "public.orders", 40000);
  test::TempDir dir("fanout-coord"), w1("fanout-w1"), w2("fanout-w2");
  auto coordinator =
      start_coordinator({"--dsn", db.conninfo(), "--table", "public.orders", "--job", "clock-1", "--parts", "2",
                         "--lease", "2s", "--results-dir", (dir.path / "results").string()},
                        dir.path);
  test::Benchclient a({"worker", "--dsn", db.conninfo(), "--job", "clock-1", "--name", "a"}, w1.path, false,
                      {"BENCHLAB_INJECT_FAULT=stop:after=2"});
  REQUIRE(wait_for([&] { return stopped(a.pid()); }));
  // Nothing moves the lease's end but the clock: the coordinator finds it past and re-offers the part.
  REQUIRE(wait_for([&] {
    return admin.query_value("SELECT count(*) FROM benchlab.fanout_part WHERE job = 'clock-1' AND reoffers > 0") == "1";
  }));
  REQUIRE(::kill(a.pid(), SIGKILL) == 0);
  (void)a.wait();
  test::Benchclient b({"worker", "--dsn", db.conninfo(), "--job", "clock-1", "--name", "b"}, w2.path);
  const test::Outcome rb = b.wait();
  const test::Outcome rc = coordinator->wait();
  INFO("b: " << rb.err << "\ncoordinator: " << rc.err);
  CHECK(rb.exit_code == 0);
  CHECK(rc.exit_code == 0);
  CHECK(test::contains(rc.err, "re-offered: the lease of worker a"));
  const auto art = only_fanout_artifact(dir.path / "results");
  // b's own 2 s leases might run out too on a loaded machine: the count is at least
  // one, and the sum exact whatever it is.
  CHECK(art["reoffers"].get<int>() >= 1);
  CHECK(art["rows"] == 40000);
  CHECK(art["rows_match"] == true);
  CHECK(art["checksum_match"] == true);
}
