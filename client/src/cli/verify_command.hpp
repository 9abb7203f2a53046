// `benchclient verify --dsn SOURCE --target-dsn TARGET --table T [--key K]`:
// reconciliation of one table across two servers (or two tables on one).
// Exit status: 0 equal, 1 they differ, 2 error or bad input.
#pragma once

#include <optional>
#include <string>

#include "model/verify.hpp"

namespace benchlab::cli {

struct VerifyCommandOptions {
  std::string command;  // the command line, in the JSON
  std::string source_dsn;
  std::optional<std::string> target_dsn;  // unset: the source server (then --target-table is needed)
  VerifyOptions verify;
  bool json = false;
  bool measure_baseline = false;  // also time hashing both tables once, for the figure
  bool progress = true;
};

int run_verify_command(const VerifyCommandOptions& options);

}  // namespace benchlab::cli
