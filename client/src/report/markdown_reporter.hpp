// `benchclient report FILE.json ...`: a Markdown report made from artifacts alone
// (no server). Per artifact: where and how it was measured, then per size the wire
// ceiling, server_scan and a strategy table; with several artifacts, a summary
// table of rows/s medians side by side (a sweep and its binary twin, a worker series).
#pragma once

#include <string>
#include <vector>

#include "charts/charts.hpp"
#include "report/reporter.hpp"

namespace benchlab {

class MarkdownReporter final : public Reporter {
 public:
  // full: every table of every artifact; summary: the verdict, the key charts and
  // the tables across artifacts (results/README.md).
  enum class Mode { full, summary };
  // `files`: the read artifacts' file names, in the order they will be reported;
  // `charts` are linked as `chart_dir`/<id>.svg (a path relative to the document).
  explicit MarkdownReporter(std::vector<std::string> files, std::vector<Chart> charts = {}, std::string chart_dir = {},
                            Mode mode = Mode::full);
  void context(const Context& context) override;
  void size(const Context& context, const SizeResult& size, const SizeSummary& summary) override;
  void finish(const Artifact& artifact) override;
  void queue(const Named<QueueArtifact>& queue) override;
  void faults(const Named<FaultsArtifact>& faults) override;
  void verify(const Named<VerifyArtifact>& verify) override;
  void advise(const Named<AdviseArtifact>& advise) override;
  void advise_repeats(const std::vector<RepeatedCheck>& repeats) override;
  void fsync(const Named<FsyncArtifact>& fsync) override;
  void targets(const std::vector<TargetOutcome>& targets) override;
  void close() override;
  // The document so far (whole after close()).
  [[nodiscard]] const std::string& document() const { return out_; }

 private:
  void where_the_time_went(const Context& context, const SizeResult& size, const SizeSummary& summary);
  void summary_across();
  void summary_series();
  [[nodiscard]] std::string chart_link(const Chart& chart) const;
  [[nodiscard]] bool is_key_chart(const Chart& chart) const;
  std::vector<std::string> files_;
  std::vector<Chart> charts_;
  std::string chart_dir_;
  Mode mode_ = Mode::full;
  std::string body_;     // the full mode's per-artifact part, kept aside in summary mode
  std::string others_;   // queue, faults, verify, fsync
  std::string targets_;  // the Targets section, after the verdict
  std::size_t intro_end_ = 0;
  std::size_t others_count_ = 0;  // queue, faults, verify and fsync files
  std::size_t current_ = 0;       // index of the artifact being reported
  std::string out_;
  std::vector<Artifact> seen_;  // for the summary across artifacts
  bool any_split_ = false;      // a forked workers' RSS split was shown in this artifact
  std::size_t header_end_ = 0;  // where the current artifact's header ends in out_
};

}  // namespace benchlab
