// Metrics a platform can alert on: what a running command exposes in a
// --metrics-file, in the Prometheus text exposition format (version 0.0.4), the
// format node_exporter's textfile collector reads and `promtool check metrics`
// lints. Every name starts with benchlab_; the catalog below is the one list of
// names, types and help texts (docs/metrics.md lists the same, a test keeps it so).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace benchlab {

enum class MetricType { counter, gauge };

struct MetricInfo {
  std::string_view name;  // "benchlab_rows_read_total"
  MetricType type;
  std::string_view help;
  std::string_view commands;  // which commands expose it: "run", "run verify", ...
};

// Every metric benchlab writes, in the order it writes them.
[[nodiscard]] const std::vector<MetricInfo>& metric_catalog();

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// The values of one moment. A metric of the catalog without a value is left out
// of the file (not written as 0: a missing series and a zero mean different things).
class MetricValues {
 public:
  // `name` must be in the catalog (a programming error otherwise: std::logic_error).
  void set(std::string_view name, double value, MetricLabels labels = {});
  // Removes every series of `name`.
  void clear(std::string_view name);
  [[nodiscard]] std::optional<double> get(std::string_view name, const MetricLabels& labels = {}) const;

  // The text exposition format: per metric with a value, # HELP and # TYPE, then its
  // series sorted by labels, each with `constant` labels first (the file's own: which
  // command, and the user's --metrics-label, so two files in one collector directory
  // never hold the same series). Label values are escaped; NaN and infinities are
  // spelled as the format spells them.
  [[nodiscard]] std::string exposition(const MetricLabels& constant = {}) const;

 private:
  std::map<std::string, std::map<MetricLabels, double>, std::less<>> series_;
};

// A label value escaped for the text format (backslash, double quote, newline).
[[nodiscard]] std::string escape_label_value(std::string_view value);

// Why `name` cannot be a label of the user's (--metrics-label): not a Prometheus label
// name, reserved by Prometheus (__*), or one benchlab sets itself; empty when it can.
[[nodiscard]] std::string label_name_problem(std::string_view name);

}  // namespace benchlab
