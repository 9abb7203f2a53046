#include "support.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>

namespace benchlab::test {

std::string server_conninfo() {
  const char* host = std::getenv("PGHOST");
  if (host == nullptr || *host == '\0') {
    FAIL(
        "no test server: PGHOST is not set. Run the database tests with `make test`, or under "
        "`build/client/benchclient with-cluster -- ctest --test-dir build`");
  }
  return "connect_timeout=10";  // libpq takes host, port, user from the environment
}

ScratchDatabase::ScratchDatabase(const std::string& tag) {
  static std::atomic<int> counter{0};
  name_ = fmt::format("benchlab_test_{}_{}_{}", tag, getpid(), counter++);
  pg::SessionOptions rw;
  rw.read_only = false;
  pg::Connection root = pg::Connection::open(server_conninfo() + " dbname=postgres", rw);
  root.exec(fmt::format("CREATE DATABASE {}", name_));
  conninfo_ = fmt::format("{} dbname={}", server_conninfo(), name_);
  admin().exec("CREATE EXTENSION IF NOT EXISTS benchlab");
}

ScratchDatabase::~ScratchDatabase() {
  try {
    pg::SessionOptions rw;
    rw.read_only = false;
    pg::Connection root = pg::Connection::open(server_conninfo() + " dbname=postgres", rw);
    root.exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
  } catch (...) {
    // A destructor must not throw; the cluster is thrown away anyway.
  }
}

pg::Connection ScratchDatabase::admin() const {
  pg::SessionOptions rw;
  rw.read_only = false;
  return pg::Connection::open(conninfo_, rw);
}

TempDir::TempDir(std::string_view tag, bool traversable) {
  namespace fs = std::filesystem;
  std::string t = (fs::temp_directory_path() / fmt::format("benchlab-{}-XXXXXX", tag)).string();
  REQUIRE(mkdtemp(t.data()) != nullptr);
  path = t;
  if (traversable) fs::permissions(path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace benchlab::test
