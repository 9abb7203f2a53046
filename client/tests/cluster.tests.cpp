// The throwaway cluster: starts, answers, and leaves nothing behind — also when
// the process holding it is interrupted.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "cluster/throwaway_cluster.hpp"
#include "pg/connection.hpp"
#include "process/child.hpp"

namespace fs = std::filesystem;

namespace {

std::set<std::string> cluster_dirs() {
  std::set<std::string> out;
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
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

TEST_CASE("an unknown profile is refused before anything starts", "[cluster]") {
  const auto before = cluster_dirs();
  benchlab::cluster::ClusterOptions options;
  options.profile = "turbo";
  CHECK_THROWS_WITH(benchlab::cluster::ThrowawayCluster(options),
                    Catch::Contains("unknown cluster profile 'turbo'") && Catch::Contains("default"));
  CHECK(cluster_dirs() == before);
}

TEST_CASE("SIGINT to a run holding a cluster leaves nothing behind", "[cluster][signals][db]") {
  const auto before = cluster_dirs();
  auto child = benchlab::ChildProcess::spawn(
      [] { benchlab::exec_or_die({BENCHCLIENT_BINARY, "with-cluster", "--", "sleep", "120"}); });

  // Wait for the new cluster to come up.
  fs::path root;
  pid_t postmaster = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && postmaster == 0) {
    for (const auto& d : cluster_dirs()) {
      if (!before.contains(d) && fs::exists(fs::path(d) / "socket" / ".s.PGSQL.5432")) {
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
  CHECK_FALSE(fs::exists(root));
  CHECK_FALSE(process_alive(postmaster));
  CHECK(cluster_dirs() == before);
}
