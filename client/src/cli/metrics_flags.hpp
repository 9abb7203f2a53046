// --metrics-file FILE and --metrics-interval DURATION, declared the same way by run,
// verify and queue: the flags, their checks, and the file opened before any work
// (a file that cannot be written is bad input: one line, exit 2).
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "store/metrics_file.hpp"

namespace benchlab::cli {

class MetricsFlags {
 public:
  // `scope`: how messages name the option's command ("" for run, "verify ", "queue ").
  void declare(CLI::App& app, std::string scope);
  // Checks the values; throws UsageError.
  void validate();
  [[nodiscard]] bool wanted() const { return !file_.empty(); }
  // Any of its flags given (each belongs to the command it follows).
  [[nodiscard]] bool given() const {
    for (const CLI::Option* o : {file_opt_, interval_opt_, label_opt_})
      if (o != nullptr && o->count() > 0) return true;
    return false;
  }
  // Writes the first file (throws UsageError when it cannot) and keeps rewriting it
  // until finish(). `command`: run, verify or queue.
  void open(const std::string& command);
  // The open file (null: not asked for, or not open yet).
  [[nodiscard]] MetricsFile* file() const { return file_handle_.get(); }
  // The command ended with `exit_code`: the last write, and the writer stops. When it
  // ended on bad input (a UsageError thrown once it ran) the file is removed instead,
  // as bad input leaves nothing behind.
  void finish(int exit_code, bool bad_input = false);

 private:
  std::string scope_;
  std::string file_;
  std::string interval_text_ = "5s";
  std::vector<std::string> label_texts_;
  MetricLabels labels_;
  std::chrono::milliseconds interval_{5000};
  CLI::Option* file_opt_ = nullptr;
  CLI::Option* interval_opt_ = nullptr;
  CLI::Option* label_opt_ = nullptr;
  std::unique_ptr<MetricsFile> file_handle_;
};

// The exit status benchclient ends with for the exception being handled (main.cpp
// maps the same ones), for the metrics file's last write.
[[nodiscard]] int exit_status_of_current_exception();
// Whether the exception being handled is bad input (UsageError, an option the table refuses).
[[nodiscard]] bool current_exception_is_bad_input();

}  // namespace benchlab::cli
