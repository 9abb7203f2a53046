// Everything a benchmark invocation asks for, parsed and validated before anything
// starts: where to read from (cli-only: it names the throwaway cluster), and the
// model's options for each layer below.
#pragma once

#include <filesystem>
#include <optional>

#include "cli/server_target.hpp"
#include "model/options.hpp"
#include "model/schema.hpp"

namespace benchlab::cli {

struct RunOptions {
  TargetOptions target;
  ReadOptions read;
  ScheduleOptions schedule;
  OutputOptions output;
  // --expect-schema FILE, read and checked before anything starts: the table must
  // still be what the file says, or the run stops before any strategy.
  std::filesystem::path expect_schema_file;
  std::optional<TableSchema> expected_schema;
  // --checkpoint FILE: the read's confirmed parts, kept so that an interrupted read resumes.
  std::filesystem::path checkpoint_file;
};

}  // namespace benchlab::cli
