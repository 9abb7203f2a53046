// `benchclient compare BASE.json NEW.json [--threshold 5%] [--force] [--json]`: did
// NEW get slower than BASE? Exit 0 no regression, 1 a regression beyond the
// threshold, 2 error or incomparable input: different datasets (refused unless
// --force), no size in common (refused), or not like for like — another machine,
// CPU count or PostgreSQL major version (printed, exit 2 unless --force).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/command.hpp"

namespace benchlab::cli {

struct CompareOptions {
  std::string base, fresh;
  double threshold = 0.05;
  bool force = false;
  bool json = false;
};

class CompareCommand final : public Command {
 public:
  explicit CompareCommand(CLI::App& app);
  [[nodiscard]] bool selected() const override { return compare_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient compare"; }
  void validate() override;  // --threshold
  int run() override;

 private:
  CLI::App* compare_;
  CompareOptions options_;
  std::string threshold_ = "5%";
};

}  // namespace benchlab::cli
