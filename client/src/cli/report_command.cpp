#include "cli/report_command.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "charts/charts.hpp"
#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "report/csv_reporter.hpp"
#include "report/html_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "report/summary_json_reporter.hpp"
#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"
#include "store/report_set.hpp"
#include "store/targets_file.hpp"

namespace benchlab::cli {

namespace fs = std::filesystem;

namespace {

// The charts' directory as the document links it: relative to where the document lives.
std::string link_dir(const ReportOptions& o) {
  if (!o.chart_links.empty()) return o.chart_links;
  if (o.charts_dir.empty()) return {};
  const fs::path base = o.output.empty() ? fs::current_path() : fs::absolute(o.output).parent_path();
  return fs::absolute(o.charts_dir).lexically_normal().lexically_relative(base.lexically_normal()).generic_string();
}

// One more '#' on every heading: the summary goes under a heading of the page that holds it.
std::string demote_headings(const std::string& doc) {
  std::string out;
  bool line_start = true;
  for (const char c : doc) {
    if (line_start && c == '#') out += '#';
    out += c;
    line_start = c == '\n';
  }
  return out;
}

}  // namespace

ReportCommand::ReportCommand(CLI::App& app)
    : report_(app.add_subcommand(
          "report",
          "a report made from artifacts alone (no server): Markdown, a self-contained HTML page with charts, CSV or "
          "a JSON summary; reads, queue, faults and verify files each in a section of their own")) {
  ReportOptions& o = options_;
  report_->footer(kReportExitStatusHelp);
  report_->add_option("FILE", o.files, "artifacts (and pg_test_fsync .txt output) to report on, in order")->required();
  report_->add_option("--format", o.format, "md, html, csv or json")->capture_default_str();
  report_->add_option("-o,--output", o.output, "write the report to this file (default: stdout)");
  report_->add_option("--charts-dir", o.charts_dir,
                      "write every chart there as an SVG file (the Markdown report links them)");
  report_->add_option("--chart-links", o.chart_links,
                      "md: link the charts as DIR/<chart>.svg (default: --charts-dir, relative to the output)");
  report_->add_option("--targets", o.targets,
                      "judge the files against the targets in this file (results/targets.json; docs/report.md): "
                      "each target met or not, with the measured figures that explain it");
  report_->add_flag("--summary", o.summary,
                    "md: only the verdict, the key charts and the tables across artifacts (results/README.md)");
}

int ReportCommand::run() {
  const ReportOptions& o = options_;
  if (o.format != "md" && o.format != "html" && o.format != "csv" && o.format != "json") {
    return print_error(fmt::format("report --format {}: give md, html, csv or json", o.format), kExitUsage);
  }
  if (o.summary && o.format != "md") {
    return print_error("report --summary is a Markdown section: use it with --format md", kExitUsage);
  }
  if (!o.targets.empty() && o.format == "csv") {
    return print_error("report --targets: a CSV report has no targets section; use --format md, html or json",
                       kExitUsage);
  }
  // Every file read before anything is written: a bad one leaves nothing behind.
  ReportSet set;
  try {
    set = load_report_set(o.files);
  } catch (const ArtifactError& e) {
    return print_error(fmt::format("report: {}", e.what()), kExitUsage);
  }
  if (!o.targets.empty()) {
    try {
      set.targets = judge_targets(set, read_targets_file(o.targets));
    } catch (const TargetsFileError& e) {
      return print_error(fmt::format("report --targets {}", e.what()), kExitUsage);
    }
    if (set.targets.empty())
      return print_error(
          fmt::format("report --targets {}: it holds no target; add one or leave --targets out", o.targets.string()),
          kExitUsage);
  }
  if (o.summary && set.runs.empty()) {
    return print_error("report --summary: no read artifact (run-*.json) among the files", kExitUsage);
  }
  // The Markdown names an artifact by its file name, as it always has; the other
  // formats by the path as given (their charts and tables say where it lives).
  std::vector<std::string> names, file_names;
  for (const auto& a : set.runs) {
    names.push_back(a.file);
    file_names.push_back(fs::path(a.file).filename().string());
  }
  const bool wants_charts = o.format == "html" || !o.charts_dir.empty() || !o.chart_links.empty();
  std::vector<Chart> charts = wants_charts ? build_charts(set) : std::vector<Chart>{};

  std::string doc;
  if (o.format == "md") {
    MarkdownReporter md(file_names, charts, link_dir(o),
                        o.summary ? MarkdownReporter::Mode::summary : MarkdownReporter::Mode::full);
    report_set(set, {&md});
    doc = o.summary ? demote_headings(md.document()) : md.document();
  } else if (o.format == "html") {
    doc = html_report(set, charts);
  } else if (o.format == "csv") {
    CsvReporter csv(names);
    report_set(set, {&csv});
    doc = csv.document();
  } else {
    SummaryJsonReporter json(names);
    report_set(set, {&json});
    doc = json.document();
  }

  try {
    if (!o.charts_dir.empty()) {
      std::error_code ec;
      fs::create_directories(o.charts_dir, ec);
      if (ec)
        throw std::runtime_error(
            fmt::format("--charts-dir {}: cannot create it ({})", o.charts_dir.string(), ec.message()));
      for (const auto& c : charts) write_atomically(o.charts_dir / (c.id + ".svg"), c.svg);
    }
    if (!o.output.empty()) {
      write_atomically(o.output, doc);
      return kExitOk;
    }
  } catch (const std::runtime_error& e) {
    return print_error(fmt::format("report: {}", e.what()), kExitError);
  }
  if (std::fwrite(doc.data(), 1, doc.size(), stdout) != doc.size() || std::fflush(stdout) != 0) {
    return print_error("report: cannot write to stdout", kExitError);
  }
  return kExitOk;
}

}  // namespace benchlab::cli
