// The throwaway PostgreSQL cluster: initdb into a private temporary directory,
// a postmaster listening only on a Unix socket in a private directory, a named
// settings profile, and on destruction (also after errors and signals) a fast
// shutdown and removal of every file it made.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "process/child.hpp"

namespace benchlab::cluster {

// A named group of server settings (postgresql.conf lines).
struct Profile {
  std::string name;
  std::string description;
  std::vector<std::pair<std::string, std::string>> settings;
};

// The profiles --profile accepts. `default` is PostgreSQL's own defaults.
const std::vector<Profile>& profiles();
const Profile& find_profile(const std::string& name);  // throws std::invalid_argument listing valid names

struct ClusterOptions {
  std::string profile = "default";
  std::string pg_bindir;           // empty: the bindir benchclient was built against
  std::string run_as_user;         // when root: the unprivileged OS user (default: postgres)
  std::filesystem::path base_dir;  // empty: $TMPDIR or /tmp
  // --pg-set key=value: written after the profile's settings (so they win). A setting
  // the server rejects stops the start with the server's own message.
  std::vector<std::pair<std::string, std::string>> extra_settings;
  std::vector<int> server_cpus;  // --server-cpus: the postmaster's affinity (empty: not pinned)
  // pg_hba.conf lines put before initdb's own (the first that matches wins), e.g. for
  // a test: "local all some_role scram-sha-256". No command-line option sets them.
  std::vector<std::string> hba_lines;
  // TCP as well as the private socket: the addresses to listen on (e.g. "127.0.0.1")
  // and the port (0: 5432; a test picks a free one). Empty: the Unix socket only.
  std::string listen_addresses;
  int port = 0;
};

// Removes benchlab-cluster-* directories under `base` whose owning benchclient and
// postmaster are both gone (left by a SIGKILL). Returns how many it removed.
std::size_t remove_stale_clusters(const std::filesystem::path& base);

class ThrowawayCluster {
 public:
  // Starts the cluster and returns once it accepts connections. Throws
  // std::runtime_error with a one-line cause and fix; leaves nothing behind.
  explicit ThrowawayCluster(const ClusterOptions& options);
  ~ThrowawayCluster();
  ThrowawayCluster(const ThrowawayCluster&) = delete;
  ThrowawayCluster& operator=(const ThrowawayCluster&) = delete;

  // libpq connection string for the bootstrap superuser's postgres database.
  [[nodiscard]] std::string conninfo(const std::string& dbname = "postgres") const;
  [[nodiscard]] const std::filesystem::path& socket_dir() const { return socket_dir_; }
  [[nodiscard]] const std::filesystem::path& root_dir() const { return root_; }
  [[nodiscard]] int port() const { return port_; }
  // Over TCP (ClusterOptions::listen_addresses): libpq's connection string to `host`.
  [[nodiscard]] std::string tcp_conninfo(const std::string& host, const std::string& dbname = "postgres") const;
  [[nodiscard]] const std::string& superuser() const { return superuser_; }
  [[nodiscard]] const std::string& profile() const { return profile_; }
  [[nodiscard]] pid_t postmaster_pid() const { return postmaster_.pid(); }
  // The profile's settings, then --pg-set's, as written to postgresql.conf.
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& requested_settings() const {
    return requested_;
  }

  // The crash test (benchclient queue --crash-test): SIGKILL to the postmaster and
  // every process of the server at once (no shutdown, no checkpoint), then the server
  // started again on the same data directory — it runs crash recovery from the WAL —
  // returning once it accepts connections.
  void crash_and_restart();

 private:
  // The steps of start-up, in order; a failure in any unwinds through stop_and_remove().
  void find_binaries(const ClusterOptions& options);
  void resolve_server_user(const ClusterOptions& options);
  void make_private_root(const ClusterOptions& options);
  void hand_tree_to_server_user() const;
  void run_initdb() const;
  void write_config(const Profile& profile);
  void start_postmaster();
  void wait_until_accepting();
  void stop_and_remove() noexcept;
  std::filesystem::path root_, data_dir_, socket_dir_, log_path_;
  std::string bindir_, superuser_, profile_;
  std::vector<std::pair<std::string, std::string>> requested_;
  std::vector<int> server_cpus_;
  std::vector<std::string> hba_lines_;
  std::string listen_addresses_;  // empty: no TCP
  int port_ = 5432;
  int uid_ = -1, gid_ = -1;
  ChildProcess postmaster_;
};

}  // namespace benchlab::cluster
