// What `benchclient verify` prints: a readable summary, or JSON (--json) whose
// `differences` lists {"key": …, "kind": "missing_in_target" | "extra_in_target" | "changed"}.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "model/verify.hpp"

namespace benchlab {

std::string verify_summary(const VerifyReport& report, std::size_t show_differences = 20);
nlohmann::ordered_json verify_json(const VerifyReport& report, std::optional<double> baseline_s = std::nullopt);

}  // namespace benchlab
