// `benchclient report --format html`: one self-contained page (inline CSS and SVG,
// no script, font or image fetched) that opens with the verdict and the machine,
// the artifacts' status and warnings, then every chart with its caption and
// provenance (printed once, beneath it), then the tables of every artifact, each kind
// in its own section. Readable on a laptop and a phone: the charts, drawn narrow, sit
// side by side on a wide screen and one under the other on a phone; wide tables
// scroll inside their own box.
#pragma once

#include <string>
#include <vector>

#include "charts/charts.hpp"
#include "report/reporter.hpp"

namespace benchlab {

class HtmlReporter final : public Reporter {
 public:
  // `files`: the read artifacts' names, in the order they will be reported;
  // `charts`: every chart of the report set (charts/charts).
  HtmlReporter(std::vector<std::string> files, std::vector<Chart> charts);
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
  [[nodiscard]] const std::string& document() const { return out_; }

 private:
  [[nodiscard]] std::string file_label() const;  // the artifact being reported
  struct Listed {
    std::string file, kind, date, command, fingerprint;
  };
  std::vector<std::string> files_;
  std::vector<Chart> charts_;
  std::size_t current_ = 0;
  std::string measurements_;          // the read artifacts' tables
  std::size_t header_end_ = 0;        // in measurements_: where the current artifact's status goes
  std::vector<std::string> notices_;  // every artifact's status, warnings and notes, for the page's top
  std::vector<std::string> notes_;    // the current artifact's notes, after its status and warnings
  std::string others_;                // queue, faults, verify, fsync tables
  std::string targets_;               // the targets section, after the verdict
  std::vector<Artifact> seen_;
  std::vector<Listed> listed_;
  std::string out_;
};

// The page `benchclient report --format html` makes of `set`, its read artifacts named
// as `set` names them; `charts`: build_charts(set). A run writes its own report with it.
[[nodiscard]] std::string html_report(const ReportSet& set, const std::vector<Chart>& charts);
[[nodiscard]] std::string html_report(const ReportSet& set);

}  // namespace benchlab
