#include "report/csv_reporter.hpp"

#include <fmt/format.h>

namespace benchlab {

namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string line(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += ',';
    out += field(f);
  }
  return out + "\n";
}

std::string number(const Summary& s, bool median = true) {
  if (s.count == 0) return "";
  return fmt::format("{:.6g}", median ? s.median : s.min);
}

std::string flag(std::optional<bool> b) { return b ? (*b ? "true" : "false") : ""; }

}  // namespace

CsvReporter::CsvReporter(std::vector<std::string> files) : files_(std::move(files)) {
  out_ = line({"artifact",
               "date",
               "git_commit",
               "cpu_model",
               "cores",
               "postgresql",
               "table",
               "format",
               "workers",
               "profile",
               "rows",
               "strategy",
               "status",
               "runs",
               "rows_per_sec_median",
               "rows_per_sec_min",
               "rows_per_sec_max",
               "mb_per_sec_median",
               "bytes_per_row_median",
               "ratio_to_wire_ceiling",
               "peak_rss_bytes_median",
               "ttfr_ms_median",
               "client_cpu_ns_per_row",
               "server_cpu_ns_per_row",
               "cpu_bound_rows_per_sec",
               "shape_bound_rows_per_sec",
               "fraction_of_shape_bound",
               "shape_limit",
               "rows_match",
               "checksum_match",
               "command"});
}

void CsvReporter::context(const Context& /*context*/) {}

void CsvReporter::size(const Context& c, const SizeResult& size, const SizeSummary& summary) {
  const std::string file = current_ < files_.size() ? files_[current_] : fmt::format("artifact {}", current_ + 1);
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategyResult& s = size.strategies[i];
    const StrategySummary& sum = summary.strategies.at(i);
    out_ += line({file,
                  c.date,
                  c.build.git_commit,
                  c.host.cpu_model,
                  std::to_string(c.host.cores),
                  c.server.version,
                  c.table_name,
                  std::string(to_string(c.read.format)),
                  std::to_string(c.read.workers),
                  size.profile,
                  std::to_string(size.limit),
                  s.strategy,
                  std::string(to_string(sum.status)),
                  std::to_string(s.runs.size()),
                  number(sum.rows_per_sec),
                  sum.rows_per_sec.count ? fmt::format("{:.6g}", sum.rows_per_sec.min) : "",
                  sum.rows_per_sec.count ? fmt::format("{:.6g}", sum.rows_per_sec.max) : "",
                  number(sum.mb_per_sec),
                  number(sum.bytes_per_row),
                  sum.ratio_to_wire_ceiling ? fmt::format("{:.4f}", *sum.ratio_to_wire_ceiling) : "",
                  sum.peak_rss_bytes.count ? fmt::format("{:.0f}", sum.peak_rss_bytes.median) : "",
                  number(sum.ttfr_ms),
                  number(sum.client_cpu_ns_per_row),
                  number(sum.server_cpu_ns_per_row),
                  number(sum.cpu_bound_rows_per_sec),
                  number(sum.shape_bound_rows_per_sec),
                  number(sum.fraction_of_shape_bound),
                  sum.shape_limit ? std::string(to_string(*sum.shape_limit)) : "",
                  flag(sum.rows_match),
                  flag(sum.checksum_match),
                  c.command});
  }
}

void CsvReporter::finish(const Artifact& /*artifact*/) { ++current_; }

}  // namespace benchlab
