#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/server_target.hpp"
#include "cli/with_cluster.hpp"
#include "pg/connection.hpp"

namespace benchlab::cli {

namespace {

std::string profile_help() {
  std::string out = "settings profile of the throwaway cluster:";
  for (const auto& p : cluster::profiles()) out += fmt::format("\n  {:<13} {}", p.name, p.description);
  return out;
}

// `benchclient` with no work selected: connect and say what we are talking to.
int print_server_info(const TargetOptions& target_options) {
  ServerTarget target(target_options);
  target.ensure_extension();
  pg::Connection conn = pg::Connection::open(target.conninfo());
  const std::string server = conn.query_value("SHOW server_version");
  const std::string ext = conn.query_value("SELECT benchlab.version()");
  fmt::print("server:    PostgreSQL {} ({})\n", server,
             target.is_throwaway() ? fmt::format("throwaway cluster, profile {}", target.cluster()->profile())
                                   : conn.describe());
  fmt::print("extension: benchlab {}\n", ext);
  fmt::print("client:    benchclient {}, libpq {}\n", BENCHLAB_VERSION, PQlibVersion());
  return 0;
}

}  // namespace

int run_app(int argc, char** argv) {
  CLI::App app{"benchclient: measures PostgreSQL bulk-read client architectures on the same rows", "benchclient"};
  app.set_version_flag("-V,--version", fmt::format("benchclient {}", BENCHLAB_VERSION));
  app.require_subcommand(0, 1);

  TargetOptions target;
  std::string dsn;
  auto* dsn_opt = app.add_option("--dsn", dsn,
                                 "libpq connection string or URI of the server to measure; '' uses the PG* "
                                 "environment. Without --dsn a throwaway cluster is started");
  app.add_option("--profile", target.cluster.profile, profile_help())
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (const auto& p : cluster::profiles()) names.push_back(p.name);
        return names;
      }()))
      ->capture_default_str();
  app.add_option("--pg-bindir", target.cluster.pg_bindir, "PostgreSQL server binaries for the throwaway cluster")
      ->default_str(BENCHLAB_PG_BINDIR);
  app.add_option("--cluster-user", target.cluster.run_as_user,
                 "OS user that runs the throwaway server when benchclient runs as root")
      ->envname("BENCHLAB_CLUSTER_USER")
      ->default_str("postgres");

  auto* with_cluster = app.add_subcommand(
      "with-cluster", "run a command against a throwaway cluster (PGHOST/PGPORT/PGUSER/PGDATABASE set), then remove it");
  std::vector<std::string> command;
  with_cluster->add_option("command", command, "the command and its arguments, after --")->required();
  with_cluster->add_option("--profile", target.cluster.profile, "settings profile (see benchclient --help)")
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (const auto& p : cluster::profiles()) names.push_back(p.name);
        return names;
      }()));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "benchclient: error: " << e.what() << "; see benchclient --help\n";
    return 2;
  }
  if (*dsn_opt) target.dsn = dsn;

  if (*with_cluster) return run_with_cluster(target.cluster, command);
  return print_server_info(target);
}

}  // namespace benchlab::cli
