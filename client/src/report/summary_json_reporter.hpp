// `benchclient report --format json`: a merged summary of every file given — per
// read artifact its provenance, verdict and per size each strategy's medians; the
// queue, faults and verify figures in sections of their own. Derived from the raw
// runs, like every report (never copied from the files' own summaries).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/reporter.hpp"

namespace benchlab {

class SummaryJsonReporter final : public Reporter {
 public:
  explicit SummaryJsonReporter(std::vector<std::string> files);
  void context(const Context& context) override;
  void size(const Context& context, const SizeResult& size, const SizeSummary& summary) override;
  void finish(const Artifact& artifact) override;
  void queue(const Named<QueueArtifact>& queue) override;
  void faults(const Named<FaultsArtifact>& faults) override;
  void verify(const Named<VerifyArtifact>& verify) override;
  void fsync(const Named<FsyncArtifact>& fsync) override;
  void targets(const std::vector<TargetOutcome>& targets) override;
  void close() override;
  [[nodiscard]] const std::string& document() const { return out_; }

 private:
  std::vector<std::string> files_;
  std::size_t current_ = 0;
  nlohmann::ordered_json doc_, artifact_;
  std::string out_;
};

}  // namespace benchlab
