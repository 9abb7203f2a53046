#include "cli/target_flags.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "cli/usage_error.hpp"
#include "process/resources.hpp"

namespace benchlab::cli {

namespace {

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& p : cluster::profiles()) names.push_back(p.name);
  return names;
}

}  // namespace

std::string profile_help() {
  std::string out =
      "settings profiles of the throwaway cluster, comma-separated: each runs the whole benchmark on a fresh "
      "cluster, one after another, reported side by side in one artifact:";
  for (const auto& p : cluster::profiles()) out += fmt::format("\n  {:<13} {}", p.name, p.description);
  return out;
}

void add_target_options(CLI::App& app, TargetOptions& target, TargetFlags& flags) {
  flags.dsn_options.push_back(app.add_option("--dsn", flags.dsn,
                                             "libpq connection string or URI of the server to measure; '' uses the "
                                             "PG* environment. Without --dsn a throwaway cluster is started"));
  app.add_option("--profile", flags.profiles, profile_help())->delimiter(',')->default_str("default");
  app.add_option("--pg-set", flags.pg_set,
                 "a server setting name=value on top of the profile(s) of the throwaway cluster (repeatable); one the "
                 "server rejects stops the run before anything is measured");
  app.add_option("--server-cpus", flags.server_cpus,
                 "pin the throwaway server (postmaster and every backend) to these CPUs, e.g. 1 or 0,1 or 0-1");
  app.add_option("--pg-bindir", target.cluster.pg_bindir, "PostgreSQL server binaries for the throwaway cluster")
      ->default_str(BENCHLAB_PG_BINDIR);
  app.add_option("--cluster-user", target.cluster.run_as_user,
                 "OS user that runs the throwaway server when benchclient runs as root")
      ->envname("BENCHLAB_CLUSTER_USER")
      ->default_str("postgres");
}

void validate_target_options(TargetOptions& target, const TargetFlags& f) {
  if (std::any_of(f.dsn_options.begin(), f.dsn_options.end(), [](const CLI::Option* o) { return o->count() > 0; }))
    target.dsn = f.dsn;
  if (target.dsn) {
    if (!f.profiles.empty())
      throw UsageError(
          "--profile applies to throwaway clusters, not to --dsn: drop --profile (the artifact records "
          "your server's own settings) or drop --dsn");
    if (!f.pg_set.empty())
      throw UsageError("--pg-set applies to throwaway clusters, not to --dsn: set it on your server, or drop --dsn");
    if (!f.server_cpus.empty())
      throw UsageError("--server-cpus pins the throwaway server, not a --dsn one: drop --server-cpus or --dsn");
    return;
  }
  const auto valid = profile_names();
  target.profiles.clear();
  for (const auto& name : f.profiles) {
    if (std::find(valid.begin(), valid.end(), name) == valid.end())
      throw UsageError(
          fmt::format("--profile: unknown profile '{}'; valid profiles: {}", name, fmt::join(valid, ", ")));
    if (std::find(target.profiles.begin(), target.profiles.end(), name) == target.profiles.end())
      target.profiles.push_back(name);
  }
  if (target.profiles.empty()) target.profiles.push_back(target.cluster.profile);
  target.cluster.profile = target.profiles.front();
  for (const auto& kv : f.pg_set) {
    const auto eq = kv.find('=');
    std::string name = kv.substr(0, eq == std::string::npos ? 0 : eq);
    const bool ok_name = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
                         });
    if (eq == std::string::npos || !ok_name)
      throw UsageError(fmt::format("--pg-set '{}': give name=value, e.g. --pg-set work_mem=64MB", kv));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    target.cluster.extra_settings.emplace_back(name, kv.substr(eq + 1));
  }
  if (!f.server_cpus.empty()) {
    try {
      target.cluster.server_cpus = parse_cpu_list(f.server_cpus);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--server-cpus {}: {}", f.server_cpus, e.what()));
    }
  }
}

}  // namespace benchlab::cli
