// `benchclient report FILE.json ...`: a Markdown report made from artifacts alone
// (no server). Per artifact: where and how it was measured, then per size the wire
// ceiling, server_scan and a strategy table; with several artifacts, a summary
// table of rows/s medians side by side (a sweep and its binary twin, a worker series).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace benchlab::results {

// An input the report cannot use: a missing or unreadable file, not JSON, or a field
// it needs is absent or of the wrong type. One line naming the file and the field.
struct ReportInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads and checks every file first (throws ReportInputError on the first bad one,
// before anything is printed), then returns the whole Markdown document.
[[nodiscard]] std::string markdown_report(const std::vector<std::filesystem::path>& files);

}  // namespace benchlab::results
