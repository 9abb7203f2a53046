// The charts of a report, built once from every artifact given (some charts span
// several: a worker series, a 10M sweep of one artifact per strategy): each an SVG
// of its own (charts/svg_chart) with a title, a caption saying what to read from
// it, and the artifacts, commands and fingerprints it came from. The HTML page
// inlines them; the Markdown reports link the same files.
#pragma once

#include <string>
#include <vector>

#include "store/report_set.hpp"

namespace benchlab {

struct Chart {
  std::string id;       // file stem and HTML id: "reads-text-2w-rows-per-sec"
  std::string section;  // reads, scaling, recovery, faults, verify, queue
  std::string group;    // the heading it goes under within the section
  std::string title;
  std::string caption;                  // what to read from it
  std::vector<std::string> files;       // the artifacts it was drawn from
  std::vector<std::string> provenance;  // artifact — command, then the fingerprint(s)
  std::string svg;                      // the chart file: its provenance drawn at its bottom
  std::string inline_svg;               // for a page that prints the provenance as text beneath it
  int marks = 0;                        // data marks in the SVG (class "mark"): one per strategy and point
};

[[nodiscard]] std::vector<Chart> build_charts(const ReportSet& set);

// A read series: run artifacts measured the same way (table, format, workers,
// runs, profile, budget, no injected faults), whatever sizes and strategies each
// one holds. A (size, strategy) measured by two of them is drawn from the first.
struct SeriesPoint {
  const Named<Artifact>* artifact = nullptr;
  const SizeResult* size = nullptr;
  const StrategyResult* strategy = nullptr;
  const SizeSummary* size_summary = nullptr;  // the artifact's, of this size
  const StrategySummary* summary = nullptr;   // the artifact's, of this strategy at this size
};
struct ReadSeries {
  std::string id;     // "text-2w", "binary-2w", "text-2w-budget"
  std::string title;  // "benchlab_records, text, 2 workers"
  std::vector<const Named<Artifact>*> artifacts;
  std::vector<std::string> strategies;  // in the tables' order
  std::vector<std::uint64_t> sizes;     // ascending
  std::vector<SeriesPoint> points;
  [[nodiscard]] const SeriesPoint* at(std::uint64_t rows, const std::string& strategy) const;
};
[[nodiscard]] std::vector<ReadSeries> read_series(const ReportSet& set);

}  // namespace benchlab
