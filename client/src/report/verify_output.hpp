// What `benchclient verify` prints on the console: a readable summary (its --json
// file is store/verify_json.hpp).
#pragma once

#include <string>

#include "model/verify.hpp"

namespace benchlab {

std::string verify_summary(const VerifyReport& report, std::size_t show_differences = 20);

}  // namespace benchlab
