#include "cli/metrics_flags.hpp"

#include <fmt/format.h>

#include <exception>
#include <filesystem>
#include <utility>

#include "cli/exit_codes.hpp"
#include "cli/usage_error.hpp"
#include "cli/value_parsers.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"

namespace benchlab::cli {

void MetricsFlags::declare(CLI::App& app, std::string scope) {
  scope_ = std::move(scope);
  file_opt_ = app.add_option("--metrics-file", file_,
                             "keep this file of Prometheus metrics (text format 0.0.4, names benchlab_*) "
                             "rewritten atomically while the command runs, for node_exporter's textfile "
                             "collector: rows, bytes, parts, retries, workers, heartbeat age, peak RSS");
  interval_opt_ = app.add_option("--metrics-interval", interval_text_,
                                 "how often --metrics-file is rewritten: a duration such as 5s or 500ms")
                      ->capture_default_str();
  label_opt_ = app.add_option("--metrics-label", label_texts_,
                              "a label NAME=VALUE on every series of --metrics-file (repeatable), so that files of "
                              "several commands in one collector directory stay apart");
}

void MetricsFlags::validate() {
  const std::string name = scope_ + "--metrics-file";
  if (file_opt_->count() > 0 && file_.empty())
    throw UsageError(fmt::format("{} needs a value: give a file name such as benchlab.prom", name));
  const auto ms = parse_duration_ms(interval_text_);
  if (!ms || *ms < 100)
    throw UsageError(fmt::format("{}--metrics-interval '{}': give a duration of at least 100ms, such as 5s or 500ms",
                                 scope_, interval_text_));
  interval_ = std::chrono::milliseconds(*ms);
  if (interval_opt_->count() > 0 && file_.empty())
    throw UsageError(fmt::format("{}--metrics-interval applies to --metrics-file: give both, or drop it", scope_));
  if (label_opt_->count() > 0 && file_.empty())
    throw UsageError(fmt::format("{}--metrics-label applies to --metrics-file: give both, or drop it", scope_));
  labels_.clear();
  for (const std::string& text : label_texts_) {
    const std::size_t eq = text.find('=');
    const std::string label = text.substr(0, eq);
    std::string problem = eq == std::string::npos ? "give NAME=VALUE" : label_name_problem(label);
    for (const auto& [seen, value] : labels_)
      if (problem.empty() && seen == label) problem = "given twice";
    if (!problem.empty())
      throw UsageError(fmt::format("{}--metrics-label '{}': {}; give NAME=VALUE such as --metrics-label task=nightly",
                                   scope_, text, problem));
    labels_.emplace_back(label, text.substr(eq + 1));
  }
  if (!file_.empty() && std::filesystem::is_directory(file_))
    throw UsageError(fmt::format("{} {}: a directory; give a file name such as {}/benchlab.prom", name, file_, file_));
}

void MetricsFlags::open(const std::string& command) {
  try {
    file_handle_ = std::make_unique<MetricsFile>(file_, interval_, command, labels_);
  } catch (const std::runtime_error& e) {
    throw UsageError(
        fmt::format("{}--metrics-file {}: {}; give a file in a directory you can write", scope_, file_, e.what()));
  }
}

void MetricsFlags::finish(int exit_code, bool bad_input) {
  if (!file_handle_) return;
  // Bad input found once the command ran (a table that is not there): nothing of
  // it is left behind, as for bad input found before.
  if (bad_input) {
    file_handle_->discard();
  } else {
    file_handle_->finish(exit_code);
  }
  file_handle_.reset();
}

int exit_status_of_current_exception() {
  try {
    throw;
  } catch (const Interrupted& e) {
    return e.exit_code();
  } catch (const plan::EmptyTable&) {
    return kExitOk;
  } catch (const UsageError&) {
    return kExitUsage;
  } catch (const plan::OptionRefused&) {
    return kExitUsage;
  } catch (...) {
    return kExitError;
  }
}

// Only bad input ends with the usage status (see the mapping above).
bool current_exception_is_bad_input() { return exit_status_of_current_exception() == kExitUsage; }

}  // namespace benchlab::cli
