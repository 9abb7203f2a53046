// The throwaway cluster: starts, answers, and leaves nothing behind — also when
// the process holding it is interrupted.
#include <signal.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "cluster/throwaway_cluster.hpp"
#include "pg/connection.hpp"
#include "process/child.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

namespace {

std::set<std::string> cluster_dirs_in(const fs::path& base) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(base)) {
    if (e.path().filename().string().starts_with("benchlab-cluster-")) out.insert(e.path().string());
  }
  return out;
}

bool process_alive(pid_t pid) { return kill(pid, 0) == 0; }

// Postmaster pid from a cluster's data directory, once it is written.
pid_t postmaster_pid_in(const fs::path& root) {
  std::ifstream in(root / "data" / "postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

}  // namespace

TEST_CASE("throwaway cluster starts, answers and is removed", "[cluster][db]") {
  fs::path root;
  pid_t postmaster = 0;
  {
    benchlab::cluster::ThrowawayCluster cluster({});
    root = cluster.root_dir();
    postmaster = cluster.postmaster_pid();
    REQUIRE(fs::exists(cluster.socket_dir() / ".s.PGSQL.5432"));
    auto conn = benchlab::pg::Connection::open(cluster.conninfo());
    CHECK(conn.server_version() >= 150000);
    // Unix socket only: no TCP listener unless asked.
    CHECK(conn.query_value("SHOW listen_addresses").empty());
  }
  CHECK_FALSE(fs::exists(root));
  CHECK_FALSE(process_alive(postmaster));
}

TEST_CASE("a server killed and never restarted leaves no shared memory behind", "[cluster][db]") {
  int segment = -1;
  // Its POSIX segments (dynamic shared memory) in /dev/shm, by name: none may stay.
  auto dsm_segments = [] {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator("/dev/shm"))
      if (e.path().filename().string().starts_with("PostgreSQL.")) out.insert(e.path().filename().string());
    return out;
  };
  const std::set<std::string> before = dsm_segments();
  {
    benchlab::cluster::ThrowawayCluster cluster({});
    // postmaster.pid's 7th line: the SysV segment's key and id.
    std::ifstream pid_file(cluster.root_dir() / "data" / "postmaster.pid");
    std::string line;
    for (int i = 1; i <= 7 && std::getline(pid_file, line); ++i) {
    }
    unsigned long key = 0;
    REQUIRE(std::sscanf(line.c_str(), "%lu %d", &key, &segment) == 2);
    struct shmid_ds ds {};
    REQUIRE(shmctl(segment, IPC_STAT, &ds) == 0);
    // A crash test stopped between the kill and the restart: the whole group killed,
    // until nothing is attached to the segment (the postmaster stays a zombie of ours).
    const pid_t group = cluster.postmaster_pid();
    REQUIRE(kill(-group, SIGKILL) == 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (shmctl(segment, IPC_STAT, &ds) == 0 && ds.shm_nattch != 0) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  struct shmid_ds ds {};
  CHECK(shmctl(segment, IPC_STAT, &ds) != 0);  // removed with the cluster
  std::set<std::string> left;
  for (const auto& name : dsm_segments())
    if (!before.contains(name)) left.insert(name);
  CHECK(left.empty());
}

TEST_CASE("an unknown profile is refused before anything starts", "[cluster]") {
  benchlab::test::TempDir tmp("test", /*traversable=*/true);
  benchlab::cluster::ClusterOptions options;
  options.profile = "turbo";
  options.base_dir = tmp.path;
  CHECK_THROWS_WITH(benchlab::cluster::ThrowawayCluster(options),
                    Catch::Contains("unknown cluster profile 'turbo'") && Catch::Contains("default"));
  CHECK(fs::is_empty(tmp.path));
}

TEST_CASE("SIGINT to a run holding a cluster leaves nothing behind", "[cluster][signals][db]") {
  // The child makes its cluster in a directory of this test's own, so the check
  // is exact even while other clusters come and go on the machine.
  benchlab::test::TempDir tmp("test", /*traversable=*/true);
  const std::string tmpdir = tmp.path.string();
  auto child = benchlab::ChildProcess::spawn([&] {
    setenv("TMPDIR", tmpdir.c_str(), 1);
    benchlab::exec_or_die({BENCHCLIENT_BINARY, "with-cluster", "--", "sleep", "120"});
  });

  fs::path root;
  pid_t postmaster = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && postmaster == 0) {
    for (const auto& d : cluster_dirs_in(tmp.path)) {
      if (fs::exists(fs::path(d) / "socket" / ".s.PGSQL.5432")) {
        root = d;
        postmaster = postmaster_pid_in(root);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(postmaster > 0);
  REQUIRE(process_alive(postmaster));

  kill(child.pid(), SIGINT);
  auto status = child.stop(0, std::chrono::seconds(60));  // signal 0: just wait
  CHECK(status.code == 128 + SIGINT);
  CHECK_FALSE(process_alive(postmaster));
  CHECK(fs::is_empty(tmp.path));
}

TEST_CASE("a cluster left by a killed benchclient is removed by the next start", "[cluster][db]") {
  benchlab::test::TempDir tmp("test", /*traversable=*/true);
  // What SIGKILL leaves: the directory, its owner gone, no postmaster.
  const fs::path stale = tmp.path / "benchlab-cluster-stale1";
  fs::create_directories(stale / "data");
  {
    auto dead = benchlab::ChildProcess::spawn([] { _exit(0); });
    const pid_t dead_pid = dead.pid();
    dead.stop(0, std::chrono::seconds(5));  // reaped: the pid names no process now
    std::ofstream(stale / "owner.pid") << dead_pid << "\n";
  }
  // A directory whose owner is alive (this test) is left alone.
  const fs::path live = tmp.path / "benchlab-cluster-live1";
  fs::create_directories(live);
  std::ofstream(live / "owner.pid") << getpid() << "\n";

  benchlab::cluster::ClusterOptions options;
  options.base_dir = tmp.path;
  {
    benchlab::cluster::ThrowawayCluster cluster(options);
    CHECK_FALSE(fs::exists(stale));
    CHECK(fs::exists(live));
  }
  fs::remove_all(live);
  CHECK(fs::is_empty(tmp.path));
}

TEST_CASE("with-cluster passes the command's arguments as the shell gave them", "[cluster]") {
  benchlab::test::TempDir dir("with_cluster_args", /*traversable=*/true);
  const auto out = dir.path / "args";
  const benchlab::test::Outcome o = benchlab::test::run_benchclient(
      {"with-cluster", "--", "sh", "-c", "printf '%s|%s|%s' \"$1\" \"$2\" \"$3\" > \"$4\"", "sh", "[db]", "[a,b]",
       "--flag=x", out.string()},
      dir.path);
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  CHECK(benchlab::test::slurp(out) == "[db]|[a,b]|--flag=x");
}
