// The file `benchclient verify --json` writes (scripts/bench-verify keeps it as
// results/verify-*.json): the header {kind "verify", schema_version, context}, then
// `equal`, both sides, and `differences` listing {"key": …, "kind":
// "missing_in_target" | "extra_in_target" | "changed"} (docs/verify.md).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "model/verify.hpp"
#include "store/file_header.hpp"

namespace benchlab {

// `baseline_s`: hashing both tables once, in parallel (--measure-baseline).
[[nodiscard]] nlohmann::ordered_json verify_document(const VerifyReport& report, std::optional<double> baseline_s,
                                                     const FileContext& context);

}  // namespace benchlab
