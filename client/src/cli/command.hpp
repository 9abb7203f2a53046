// One benchclient command: it declares its own options on the command line parser,
// checks them once parsed, and runs. app.cpp builds the parser from the commands and
// runs the one the command line selects.
#pragma once

#include <string>

namespace benchlab::cli {

class MetricsFlags;

class Command {
 public:
  Command() = default;
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;
  virtual ~Command() = default;

  // Whether the command line selects this command.
  [[nodiscard]] virtual bool selected() const = 0;
  // The command whose --help a usage error points to ("benchclient queue").
  [[nodiscard]] virtual std::string help_path() const = 0;
  // Checks the options as parsed, before anything starts; throws UsageError.
  virtual void validate() {}
  // Runs it; returns the exit status (cli/exit_codes.hpp). Errors found while running
  // are thrown as one line (main.cpp prints them).
  virtual int run() = 0;
  // Its --metrics-file flags, for a command that keeps one (run, verify, queue): the
  // file is opened before run() and told its exit status after.
  [[nodiscard]] virtual MetricsFlags* metrics() { return nullptr; }
  // The name benchlab_info's command label gives it.
  [[nodiscard]] virtual std::string metrics_name() const { return {}; }
};

}  // namespace benchlab::cli
