// `benchclient snapshot hold --dsn DSN`: keeps an exporting transaction open in a
// process of its own (as pgcopydb's snapshot command does) and prints the snapshot
// id on stdout, so several runs (`--snapshot ID`) read exactly the same rows.
// Holds until SIGINT or SIGTERM (exit 0, the transaction ended) or until the
// server ends the session (exit 1, said on stderr).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/command.hpp"

namespace benchlab::cli {

class SnapshotCommand final : public Command {
 public:
  explicit SnapshotCommand(CLI::App& app);
  [[nodiscard]] bool selected() const override { return hold_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient snapshot hold"; }
  int run() override;

 private:
  CLI::App* snapshot_;
  CLI::App* hold_;
  std::string dsn_;
};

}  // namespace benchlab::cli
