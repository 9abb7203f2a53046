// `benchclient with-cluster [--profile P] -- CMD [ARGS...]`: runs CMD against a
// throwaway cluster (PGHOST/PGPORT/PGUSER/PGDATABASE exported), then tears the
// cluster down whatever CMD did. make test runs pg_regress and ctest this way.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/run_command.hpp"

namespace benchlab::cli {

class WithClusterCommand final : public Command {
 public:
  // `argv`: the command line as the shell gave it (the command after -- is taken from it).
  WithClusterCommand(CLI::App& app, RunCommand& run, std::vector<std::string> argv);
  [[nodiscard]] bool selected() const override { return with_cluster_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient with-cluster"; }
  void validate() override;
  // The command's own exit status.
  int run() override;

 private:
  CLI::App* with_cluster_;
  RunCommand& run_;
  std::vector<std::string> argv_;
  std::vector<std::string> command_;
};

}  // namespace benchlab::cli
