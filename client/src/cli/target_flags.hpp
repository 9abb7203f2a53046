// The server options a benchmark run, schema, queue and with-cluster share: --dsn or
// a throwaway cluster's --profile, --pg-set, --server-cpus, --pg-bindir and
// --cluster-user, as declared and as checked into TargetOptions.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/server_target.hpp"

namespace benchlab::cli {

// The flags as parsed, before validation.
struct TargetFlags {
  std::string dsn;
  std::vector<const CLI::Option*> dsn_options;  // every place --dsn was declared at
  std::vector<std::string> profiles, pg_set;
  std::string server_cpus;
};

// Declares them all on `app` (the root, and `schema` again: before or after it).
void add_target_options(CLI::App& app, TargetOptions& target, TargetFlags& flags);

// What --profile lists, for the help of the commands that take it.
std::string profile_help();

// Fills in --dsn (if given), the throwaway cluster's profiles, --pg-set and
// --server-cpus; throws UsageError.
void validate_target_options(TargetOptions& target, const TargetFlags& flags);

}  // namespace benchlab::cli
