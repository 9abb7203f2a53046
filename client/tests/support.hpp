// Shared helpers for tests that need the server. Database tests are tagged [db]
// and talk to the server in PGHOST/PGPORT/PGUSER: `make test` runs them under
// `benchclient with-cluster`, so they share one throwaway cluster per test run.
#pragma once

#include <sys/types.h>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pg/connection.hpp"

namespace benchlab::test {

// Conninfo of the test server (the PG* environment); fails the test with a hint
// when there is none, rather than skipping silently.
std::string server_conninfo();

// A fresh database of its own for one test case, dropped when the object dies,
// so tests never depend on each other or on order.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& tag);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  [[nodiscard]] const std::string& conninfo() const { return conninfo_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  // A read-write session (benchlab sessions are read-only by default).
  [[nodiscard]] pg::Connection admin() const;

 private:
  std::string name_, conninfo_;
};

// A private scratch directory under the system temp dir, removed with its content.
// `traversable`: world-searchable (0711), so a throwaway cluster's server user can
// reach a cluster made inside it (as TMPDIR of a child benchclient).
class TempDir {
 public:
  explicit TempDir(std::string_view tag, bool traversable = false);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
};

// The real benchclient binary, run as a user would: stdin /dev/null, stdout and
// stderr into files under `dir`, TMPDIR set to `dir` (so a throwaway cluster it
// starts lives there). `own_process_group`: in a process group of its own (pgid =
// its pid), so kill(-pid(), SIGINT) is what a terminal's Ctrl-C does. Killed
// (SIGKILL, its group with it) if still running when destroyed.
struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

class Benchclient {
 public:
  // `env`: NAME=value entries added to (or replacing) the inherited environment.
  Benchclient(const std::vector<std::string>& args, const std::filesystem::path& dir, bool own_process_group = false,
              const std::vector<std::string>& env = {});
  ~Benchclient();
  Benchclient(const Benchclient&) = delete;
  Benchclient& operator=(const Benchclient&) = delete;
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::string err_so_far() const;
  Outcome wait();

 private:
  pid_t pid_ = -1;
  bool own_group_ = false;
  std::filesystem::path out_, err_;
};

// Runs benchclient to the end.
Outcome run_benchclient(const std::vector<std::string>& args, const std::filesystem::path& dir,
                        const std::vector<std::string>& env = {});

// Lines of output (a last line without its newline counts too).
std::size_t line_count(const std::string& s);
// Whether `haystack` holds `needle`.
bool contains(const std::string& haystack, const std::string& needle);
// Writes `content` to dir/name (a test's input file) and returns the path.
std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name, const std::string& content);

// The names in /dev/shm that contain "benchlab" (the strategies' segments).
std::set<std::string> shm_benchlab_entries();

// The one benchmark artifact (results-dir/run-*.json) in `dir`, parsed; fails the test
// unless there is exactly one.
nlohmann::json only_run_artifact(const std::filesystem::path& dir);

// The snapshot id a `benchclient snapshot hold` started with its output in `dir`
// prints (waiting for it, with a deadline); "" if none came.
std::string held_snapshot_id(const std::filesystem::path& dir);

// How many of the current database's backends with an application_name LIKE
// `application` remain, other than `admin`'s own, waiting (with a deadline) for
// none: a backend notices its client is gone on its own time.
std::string backends_left(const pg::Connection& admin, const std::string& application);

// A whole file's bytes ("" when it cannot be read).
std::string slurp(const std::filesystem::path& p);

// Creates public.cov_types (regress/data/type_coverage.sql): every type family the
// decoder knows, their edge values, a row of NULLs, 600 rows in all.
inline constexpr std::uint64_t kTypeCoverageRows = 600;
void load_type_coverage(const pg::Connection& admin);

}  // namespace benchlab::test
