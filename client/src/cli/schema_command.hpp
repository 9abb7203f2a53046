// `benchclient schema [--table T] [--output FILE]`: a table's schema as JSON
// (store/schema_json.hpp), the file `--expect-schema` compares a run's table with
// before any strategy runs. It takes the run's server options (--dsn, --profile, ...)
// before or after `schema`, and none of the run's own.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/command.hpp"
#include "cli/run_command.hpp"

namespace benchlab::cli {

class SchemaCommand final : public Command {
 public:
  SchemaCommand(CLI::App& app, RunCommand& run);
  [[nodiscard]] bool selected() const override { return schema_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient schema"; }
  void validate() override;
  // Returns the exit code; throws one-line errors (the output file is checked
  // before any server is started or connected to).
  int run() override;

 private:
  CLI::App* schema_;
  RunCommand& run_;
  std::string table_, output_;
  CLI::Option* table_opt_ = nullptr;
  CLI::Option* output_opt_ = nullptr;
};

}  // namespace benchlab::cli
