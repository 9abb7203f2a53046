#include "support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

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

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& content) {
  const std::filesystem::path p = dir / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::size_t line_count(const std::string& s) {
  std::size_t n = 0;
  for (char c : s)
    if (c == '\n') ++n;
  return n + (!s.empty() && s.back() != '\n' ? 1 : 0);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> shm_benchlab_entries() {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/dev/shm", ec))
    if (e.path().filename().string().find("benchlab") != std::string::npos) out.insert(e.path().string());
  return out;
}

void load_type_coverage(const pg::Connection& admin) {
  const std::string sql = slurp(std::filesystem::path(BENCHLAB_SOURCE_DIR) / "regress/data/type_coverage.sql");
  REQUIRE_FALSE(sql.empty());
  admin.exec(sql);
  admin.exec("ANALYZE public.cov_types");
}

Benchclient::Benchclient(const std::vector<std::string>& args, const std::filesystem::path& dir, bool own_process_group,
                         const std::vector<std::string>& extra_env)
    : own_group_(own_process_group), out_(dir / "stdout"), err_(dir / "stderr") {
  std::vector<std::string> argv{BENCHCLIENT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> env;
  auto replaced = [&](std::string_view entry) {
    if (entry.starts_with("TMPDIR=")) return true;
    for (const auto& x : extra_env)
      if (entry.starts_with(x.substr(0, x.find('=') + 1))) return true;
    return false;
  };
  for (char** e = environ; *e != nullptr; ++e)
    if (!replaced(*e)) env.emplace_back(*e);
  env.push_back("TMPDIR=" + dir.string());
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> cenv;
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_group_) {
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  }
  const int rc = posix_spawn(&pid_, cargv[0], &fa, &attr, cargv.data(), cenv.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
}

Benchclient::~Benchclient() {
  if (pid_ > 0) {
    kill(own_group_ ? -pid_ : pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string Benchclient::err_so_far() const { return slurp(err_); }

Outcome Benchclient::wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = slurp(out_);
  o.err = slurp(err_);
  return o;
}

Outcome run_benchclient(const std::vector<std::string>& args, const std::filesystem::path& dir,
                        const std::vector<std::string>& env) {
  return Benchclient(args, dir, false, env).wait();
}

nlohmann::json only_run_artifact(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> found;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().starts_with("run-") && e.path().extension() == ".json")
      found.push_back(e.path());  // not the run's HTML report beside it
  REQUIRE(found.size() == 1);
  return nlohmann::json::parse(slurp(found.front()));
}

std::string held_snapshot_id(const std::filesystem::path& dir) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = slurp(dir / "stdout");
    if (text.find('\n') != std::string::npos) return text.substr(0, text.find('\n'));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

std::string backends_left(const pg::Connection& admin, const std::string& application) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string left;
  do {
    left = admin.query_value(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE $1 AND datname = current_database() "
        "AND pid <> pg_backend_pid()",
        {application});
    if (left == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return left;
}

}  // namespace benchlab::test
