#include "cluster/throwaway_cluster.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "model/errors.hpp"
#include "pg/connection.hpp"
#include "process/interrupt.hpp"
#include "process/resources.hpp"

namespace benchlab::cluster {

namespace fs = std::filesystem;

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> all = {
      {"default", "PostgreSQL's own defaults (what an untuned server does)", {}},
      {"tuned",
       "a commonly tuned server: shared_buffers 256MB, work_mem 8MB, max_connections 200; durability as default",
       {{"shared_buffers", "'256MB'"}, {"work_mem", "'8MB'"}, {"max_connections", "200"}}},
      {"async_commit",
       "commits return before their WAL is flushed (synchronous_commit off), max_connections 200; fsync stays on, "
       "so a crash loses recent commits but never corrupts",
       {{"synchronous_commit", "off"}, {"max_connections", "200"}}},
      {"no_fsync",
       "durability off (fsync, full_page_writes and synchronous_commit off): a crash can corrupt the cluster; for "
       "fast seeding only, never for a figure about writes",
       {{"synchronous_commit", "off"}, {"fsync", "off"}, {"full_page_writes", "off"}}},
      {"read_tuned",
       "bulk-read tuning: shared_buffers 1GB, no JIT, no parallel workers stealing the client's cores, larger "
       "work_mem and WAL",
       {{"shared_buffers", "'1GB'"},
        {"effective_cache_size", "'8GB'"},
        {"work_mem", "'64MB'"},
        {"maintenance_work_mem", "'512MB'"},
        {"jit", "off"},
        {"max_parallel_workers_per_gather", "0"},
        {"checkpoint_timeout", "'30min'"},
        {"max_wal_size", "'8GB'"}}},
  };
  return all;
}

const Profile& find_profile(const std::string& name) {
  std::string valid;
  for (const auto& p : profiles()) {
    if (p.name == name) return p;
    valid += (valid.empty() ? "" : ", ") + p.name;
  }
  throw std::invalid_argument(fmt::format("unknown cluster profile '{}'; valid profiles: {}", name, valid));
}

namespace {

std::string last_log_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last.empty() ? "(no output)" : last;
}

bool pid_alive(long pid) { return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

long read_pid(const fs::path& file) {
  std::ifstream in(file);
  long pid = 0;
  in >> pid;
  return in ? pid : 0;
}

// The server's own words on why it did not start: a rejected setting when there is
// one ("invalid value for parameter ...", "unrecognized configuration parameter ..."),
// else its last line; without the log line prefix.
std::string startup_message(const fs::path& log) {
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("parameter \"") == std::string::npos) continue;
    for (const char* level : {"LOG:  ", "FATAL:  ", "ERROR:  "})
      if (const auto at = line.find(level); at != std::string::npos) return line.substr(at + std::strlen(level));
    return line;
  }
  return last_log_line(log);
}

}  // namespace

std::size_t remove_stale_clusters(const fs::path& base) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    const fs::path dir = entry.path();
    if (!dir.filename().string().starts_with("benchlab-cluster-")) continue;
    // Only directories that name their owner: a cluster of a running benchclient,
    // or one whose postmaster still runs, is never touched.
    const long owner = read_pid(dir / "owner.pid");
    if (owner <= 0 || pid_alive(owner) || pid_alive(read_pid(dir / "data" / "postmaster.pid"))) continue;
    std::error_code rm;
    fs::remove_all(dir, rm);
    if (!rm) ++removed;
  }
  return removed;
}

ThrowawayCluster::ThrowawayCluster(const ClusterOptions& options) {
  const Profile& profile = find_profile(options.profile);
  profile_ = profile.name;
  server_cpus_ = options.server_cpus;
  hba_lines_ = options.hba_lines;
  listen_addresses_ = options.listen_addresses;
  if (options.port > 0) port_ = options.port;
  requested_ = profile.settings;
  for (const auto& kv : options.extra_settings) requested_.push_back(kv);
  find_binaries(options);
  resolve_server_user(options);
  make_private_root(options);
  try {
    fs::create_directory(socket_dir_);
    hand_tree_to_server_user();
    run_initdb();
    write_config(profile);
    start_postmaster();
    wait_until_accepting();
  } catch (...) {
    stop_and_remove();
    throw;
  }
}

void ThrowawayCluster::find_binaries(const ClusterOptions& options) {
  bindir_ = options.pg_bindir.empty() ? std::string(BENCHLAB_PG_BINDIR) : options.pg_bindir;
  for (const char* tool : {"initdb", "postgres"}) {
    if (access((bindir_ + "/" + tool).c_str(), X_OK) != 0) {
      throw SettingFailed(SettingFailed::Problem::server_binaries_missing, bindir_, tool);
    }
  }
}

// initdb and postgres refuse to run as root: as root, run them as an unprivileged user.
void ThrowawayCluster::resolve_server_user(const ClusterOptions& options) {
  if (geteuid() != 0) return;
  const std::string user = options.run_as_user.empty() ? "postgres" : options.run_as_user;
  struct passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr) {
    throw std::runtime_error(
        fmt::format("running as root, but there is no unprivileged OS user '{}' to run the server; create it "
                    "(useradd {}) or set BENCHLAB_CLUSTER_USER",
                    user, user));
  }
  uid_ = static_cast<int>(pw->pw_uid);
  gid_ = static_cast<int>(pw->pw_gid);
}

void ThrowawayCluster::make_private_root(const ClusterOptions& options) {
  fs::path base = options.base_dir;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  }
  // A benchclient killed with SIGKILL cannot clean up after itself (its server
  // still stops, by parent-death signal): the next start removes what it left.
  remove_stale_clusters(base);
  std::string templ = (base / "benchlab-cluster-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error(
        fmt::format("cannot create a private directory under {}: {}; set TMPDIR to a writable "
                    "directory",
                    base.string(), std::strerror(errno)));
  }
  root_ = templ;
  {
    std::ofstream owner(root_ / "owner.pid");
    owner << getpid() << "\n";
  }
  data_dir_ = root_ / "data";
  socket_dir_ = root_ / "socket";
  log_path_ = root_ / "server.log";
  superuser_ = "postgres";
}

void ThrowawayCluster::hand_tree_to_server_user() const {
  if (uid_ < 0) return;
  // The server user must own the tree (mkdtemp made it 0700 for us).
  for (const auto& p : {root_, socket_dir_}) {
    if (chown(p.c_str(), static_cast<uid_t>(uid_), static_cast<gid_t>(gid_)) != 0) {
      throw std::runtime_error(fmt::format("cannot hand {} to the server user: {}", p.string(), std::strerror(errno)));
    }
  }
  // Every parent must be traversable by that user.
  for (fs::path p = root_.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
      throw std::runtime_error(fmt::format(
          "{} is not traversable by the server user; set TMPDIR to a directory under a world-traversable path "
          "(e.g. /tmp)",
          p.string()));
    }
  }
}

void ThrowawayCluster::run_initdb() const {
  const ChildSetup setup{root_.string(), log_path_.string(), uid_, gid_};
  const std::vector<std::string> argv{
      bindir_ + "/initdb", "-D",        data_dir_.string(), "-U", superuser_, "--auth=trust", "-E", "UTF8",
      "--locale=C",        "--no-sync", "--no-instructions"};
  ChildProcess initdb = ChildProcess::spawn([&] {
    prepare_child(setup);
    lift_memory_cap();  // --client-memory caps benchclient, not the server it starts
    exec_or_die(argv);
  });
  ExitStatus st;
  for (;;) {
    if (auto done = initdb.wait_interruptible()) {
      st = *done;
      break;
    }
    throw_if_interrupted();
  }
  if (st.code != 0) {
    throw std::runtime_error(fmt::format("initdb failed (exit {}): {}; see the message above, fix it and retry",
                                         st.code, last_log_line(log_path_)));
  }
}

// Unix socket only (unless asked for TCP too), in the private directory; then the profile's settings.
void ThrowawayCluster::write_config(const Profile& profile) {
  std::ofstream conf(data_dir_ / "postgresql.conf", std::ios::app);
  conf << "\n# benchlab throwaway cluster, profile " << profile.name << "\n";
  conf << "listen_addresses = '" << listen_addresses_ << "'\n";
  conf << "port = " << port_ << "\n";
  conf << "unix_socket_directories = '" << socket_dir_.string() << "'\n";
  conf << "unix_socket_permissions = 0777\n";
  conf << "logging_collector = off\n";
  for (const auto& [key, value] : profile.settings) conf << key << " = " << value << "\n";
  if (requested_.size() > profile.settings.size()) conf << "# --pg-set\n";
  for (std::size_t i = profile.settings.size(); i < requested_.size(); ++i) {
    // Quoted, quotes doubled: any value is one string the server parses as the setting's type.
    std::string quoted;
    for (const char ch : requested_[i].second) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
    conf << requested_[i].first << " = '" << quoted << "'\n";
  }
  if (!conf) throw std::runtime_error("cannot write postgresql.conf in " + data_dir_.string());
  if (hba_lines_.empty()) return;
  // Rewritten in place (the server user keeps the file): ours first, then initdb's.
  const fs::path hba = data_dir_ / "pg_hba.conf";
  std::string initdb_lines;
  {
    std::ifstream in(hba);
    initdb_lines.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::ofstream out(hba, std::ios::trunc);
  out << "# benchlab throwaway cluster: ClusterOptions::hba_lines\n";
  for (const auto& line : hba_lines_) out << line << "\n";
  out << initdb_lines;
  if (!out) throw std::runtime_error("cannot write pg_hba.conf in " + data_dir_.string());
}

void ThrowawayCluster::start_postmaster() {
  const ChildSetup setup{root_.string(), log_path_.string(), uid_, gid_};
  const std::string postgres = bindir_ + "/postgres", data = data_dir_.string();
  const std::vector<int> cpus = server_cpus_;
  postmaster_ = ChildProcess::spawn([&] {
    // Own session: a Ctrl-C at the terminal reaches benchclient, which then shuts
    // the server down in order, instead of killing it under a running test.
    setsid();
    prepare_child(setup);
    lift_memory_cap();  // --client-memory caps benchclient, not the server
    // --server-cpus: the postmaster's affinity, which every backend it forks inherits.
    if (!cpus.empty() && !pin_to_cpus(0, cpus)) _exit(125);
    // If benchclient dies without unwinding (SIGKILL), the server still shuts down.
    // Set after setuid: a credential change clears it.
    prctl(PR_SET_PDEATHSIG, SIGINT);
    exec_or_die({postgres, "-D", data});
  });
  postmaster_.set_stop_signal(SIGINT);  // fast shutdown
}

// Polls until the server accepts connections, dies, or 60 s pass.
void ThrowawayCluster::wait_until_accepting() {
  const std::string ping = conninfo();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    throw_if_interrupted();
    if (auto exited = postmaster_.poll()) {
      const std::string message = startup_message(log_path_);
      if (message.find("parameter \"") != std::string::npos)
        throw SettingFailed(SettingFailed::Problem::server_setting_rejected, profile_, message);
      if (exited->code == 125) throw SettingFailed(SettingFailed::Problem::server_cpus_unpinnable);
      throw std::runtime_error(
          fmt::format("the throwaway server exited during start-up (exit {}): {}", exited->code, message));
    }
    if (pg::server_accepting(ping)) return;
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(
          fmt::format("the throwaway server did not accept connections within 60 s: {}", last_log_line(log_path_)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

namespace {

// The SysV shared memory segment the postmaster.pid file names (its 7th line: key
// and id); id -1 when it names none (a clean shutdown removes the file).
struct Segment {
  unsigned long key = 0;
  int id = -1;
};
Segment old_segment(const fs::path& data_dir) {
  std::ifstream pid_file(data_dir / "postmaster.pid");
  std::string line;
  Segment s;
  for (int i = 1; i <= 7 && std::getline(pid_file, line); ++i)
    if (i == 7 && std::sscanf(line.c_str(), "%lu %d", &s.key, &s.id) != 2) s.id = -1;
  return s;
}
int old_segment_id(const fs::path& data_dir) { return old_segment(data_dir).id; }

// Whether any process is still attached to segment `id` (gone: no one is).
bool segment_attached(int id) {
  struct shmid_ds ds {};
  if (id < 0 || ::shmctl(id, IPC_STAT, &ds) != 0) return false;
  return ds.shm_nattch != 0;
}

}  // namespace

void ThrowawayCluster::crash_and_restart() {
  const pid_t group = postmaster_.pid();  // the postmaster leads its own session and process group
  if (group <= 0) throw std::logic_error("crash_and_restart: the server is not running");
  const int segment = old_segment_id(data_dir_);
  ::kill(-group, SIGKILL);                              // every backend and auxiliary process with it, at once
  postmaster_.stop(SIGKILL, std::chrono::seconds(10));  // reaped
  // The restart needs every old process gone (the old shared memory detached).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::kill(-group, 0) == 0) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("crash test: the killed server's processes are still there after 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // A reaped process can still be attached for a moment: its memory is torn down when
  // the last reference to it goes, and a kernel monitor (DAMON, here) may hold one. The
  // new postmaster refuses to start while the old segment has any process attached
  // ("pre-existing shared memory block is still in use"), so wait for that state too.
  while (segment_attached(segment)) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("crash test: the killed server's shared memory is still attached after 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  start_postmaster();
  wait_until_accepting();
}

ThrowawayCluster::~ThrowawayCluster() { stop_and_remove(); }

void ThrowawayCluster::stop_and_remove() noexcept {
  if (postmaster_.running()) postmaster_.stop(SIGINT, std::chrono::seconds(30));
  // A server that was killed and never restarted (a crash test stopped midway) leaves
  // its shared memory behind — the SysV segment and the POSIX segments in /dev/shm —
  // and both outlive the data directory. Its postmaster.pid is still there (a clean
  // stop removes it): start the server once more on the same data directory, whose
  // start-up removes what the killed one left, and stop it cleanly.
  if (!data_dir_.empty() && fs::exists(data_dir_ / "postmaster.pid")) {
    const Segment seg = old_segment(data_dir_);
    try {
      start_postmaster();
      wait_until_accepting();
    } catch (...) {
      // Nothing more to do than stop it below and remove the segment by hand.
    }
    if (postmaster_.running()) postmaster_.stop(SIGINT, std::chrono::seconds(30));
    // The SysV segment at least, if the restart could not remove it: when nothing is
    // attached and it is still the one postmaster.pid named (same key).
    struct shmid_ds ds {};
    if (seg.id >= 0 && ::shmctl(seg.id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 0 &&
        static_cast<unsigned long>(ds.shm_perm.__key) == seg.key)
      ::shmctl(seg.id, IPC_RMID, nullptr);
  }
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

std::string ThrowawayCluster::tcp_conninfo(const std::string& host, const std::string& dbname) const {
  return fmt::format("host={} port={} user={} dbname={} connect_timeout=10", host, port_, superuser_, dbname);
}

std::string ThrowawayCluster::conninfo(const std::string& dbname) const {
  return fmt::format("host={} port={} user={} dbname={} connect_timeout=10", socket_dir_.string(), port_, superuser_,
                     dbname);
}

}  // namespace benchlab::cluster
