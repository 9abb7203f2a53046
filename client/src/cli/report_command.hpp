// `benchclient report [--format md|html|csv|json] [--output FILE] [--charts-dir DIR]
// [--summary] FILE...`: a report made from artifacts alone (no server), every kind
// benchlab writes in a section of its own.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace benchlab::cli {

struct ReportOptions {
  std::vector<std::string> files;
  std::string format = "md";         // md, html, csv, json
  std::filesystem::path output;      // empty: stdout
  std::filesystem::path charts_dir;  // set: every chart written there as <id>.svg (md links them)
  std::string chart_links;           // md: link charts as <chart_links>/<id>.svg (default: charts_dir, relative)
  bool summary = false;              // md: the verdict, key charts and tables across artifacts only
};

int run_report_command(const ReportOptions& options);

}  // namespace benchlab::cli
