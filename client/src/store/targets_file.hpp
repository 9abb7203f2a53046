// The targets file (results/targets.json): what a set of artifacts is judged
// against in `benchclient report --targets FILE` (docs/report.md, "Targets"). Its
// fields, each checked with a one-line error naming the file and the field:
//   {"targets": [{"title": "...", "metric": "client_cpu_ns_per_row",
//                 "at_most": 250, "at_least": ...,          (one of them at least)
//                 "strategies": [...], "format": "binary", "rows": [1000000],
//                 "profiles": [...], "concurrency": [1], "payload_bytes": [0],
//                 "command": "regular expression"}, ...]}
#pragma once

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "model/targets.hpp"

namespace benchlab {

struct TargetsFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads and checks a targets file; throws TargetsFileError.
[[nodiscard]] std::vector<Target> read_targets_file(const std::filesystem::path& path);

}  // namespace benchlab
