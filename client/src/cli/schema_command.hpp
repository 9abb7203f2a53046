// `benchclient schema`: a table's schema as JSON (store/schema_json.hpp), the
// file `--expect-schema` compares a run's table with before any strategy runs.
#pragma once

#include <filesystem>
#include <string>

#include "cli/server_target.hpp"

namespace benchlab::cli {

struct SchemaOptions {
  TargetOptions target;
  std::string table;             // empty: the standard table (created if missing, no rows added)
  std::filesystem::path output;  // empty: stdout
};

// Returns the exit code; throws one-line errors (the output file is checked
// before any server is started or connected to).
int run_schema_command(const SchemaOptions& options);

}  // namespace benchlab::cli
