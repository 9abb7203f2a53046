// `benchclient report [--format md|html|csv|json] [--output FILE] [--charts-dir DIR]
// [--summary] FILE...`: a report made from artifacts alone (no server), every kind
// benchlab writes in a section of its own.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/command.hpp"

namespace benchlab::cli {

struct ReportOptions {
  std::vector<std::string> files;
  std::string format = "md";         // md, html, csv, json
  std::filesystem::path output;      // empty: stdout
  std::filesystem::path charts_dir;  // set: every chart written there as <id>.svg (md links them)
  std::string chart_links;           // md: link charts as <chart_links>/<id>.svg (default: charts_dir, relative)
  bool summary = false;              // md: the verdict, key charts and tables across artifacts only
  std::filesystem::path targets;     // set: judge the files against this targets file (results/targets.json)
};

class ReportCommand final : public Command {
 public:
  explicit ReportCommand(CLI::App& app);
  [[nodiscard]] bool selected() const override { return report_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient report"; }
  int run() override;

 private:
  CLI::App* report_;
  ReportOptions options_;
};

}  // namespace benchlab::cli
