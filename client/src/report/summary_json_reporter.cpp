#include "report/summary_json_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/verdict_text.hpp"
#include "store/queue_artifact.hpp"

namespace benchlab {

namespace {

using J = nlohmann::ordered_json;

J summary(const Summary& s) {
  if (s.count == 0) return nullptr;
  return J{{"median", s.median}, {"min", s.min}, {"max", s.max}, {"runs", s.count}};
}

J optional(std::optional<bool> b) { return b ? J(*b) : J(nullptr); }

}  // namespace

SummaryJsonReporter::SummaryJsonReporter(std::vector<std::string> files) : files_(std::move(files)) {
  doc_ = J{{"kind", "benchlab-report-summary"},
           {"schema_version", 1},
           {"reads", J::array()},
           {"queue", J::array()},
           {"faults", J::array()},
           {"verify", J::array()},
           {"fsync", J::array()}};
}

void SummaryJsonReporter::context(const Context& c) {
  const std::string file = current_ < files_.size() ? files_[current_] : fmt::format("artifact {}", current_ + 1);
  artifact_ = J{{"file", file},
                {"date", c.date},
                {"command", c.command},
                {"fingerprint", fingerprint(c)},
                {"table", c.table_name},
                {"format", to_string(c.read.format)},
                {"workers", c.read.workers},
                {"runs", c.schedule.runs},
                {"sizes", J::array()}};
}

void SummaryJsonReporter::size(const Context& c, const SizeResult& size, const SizeSummary& size_summary) {
  J strategies = J::array();
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategyResult& s = size.strategies[i];
    const StrategySummary& sum = size_summary.strategies.at(i);
    strategies.push_back(
        J{{"strategy", s.strategy},
          {"status", to_string(sum.status)},
          {"status_note", status_caveat(s.strategy, sum.status).empty()
                              ? J(nullptr)
                              : J(std::string(status_caveat(s.strategy, sum.status)))},
          {"rows_per_sec", summary(sum.rows_per_sec)},
          {"peak_rss_bytes", summary(sum.peak_rss_bytes)},
          {"ttfr_ms", summary(sum.ttfr_ms)},
          {"client_cpu_ns_per_row", summary(sum.client_cpu_ns_per_row)},
          {"server_cpu_ns_per_row", summary(sum.server_cpu_ns_per_row)},
          {"fraction_of_shape_bound", summary(sum.fraction_of_shape_bound)},
          {"shape_limit", sum.shape_limit ? J(std::string(to_string(*sum.shape_limit))) : J(nullptr)},
          {"ratio_to_wire_ceiling", sum.ratio_to_wire_ceiling ? J(*sum.ratio_to_wire_ceiling) : J(nullptr)},
          {"rows_match", optional(sum.rows_match)},
          {"checksum_match", optional(sum.checksum_match)}});
  }
  J verdict = J::array();
  if (size_summary.verdict)
    for (const auto& line : verdict_sentences(c, *size_summary.verdict)) verdict.push_back(line);
  artifact_["sizes"].push_back(J{{"rows", size.limit},
                                 {"profile", size.profile.empty() ? J(nullptr) : J(size.profile)},
                                 {"verdict", verdict},
                                 {"strategies", strategies}});
}

void SummaryJsonReporter::finish(const Artifact& /*artifact*/) {
  doc_["reads"].push_back(artifact_);
  ++current_;
}

void SummaryJsonReporter::queue(const Named<QueueArtifact>& q) {
  J samples = J::array();
  for (const auto& l : queue_levels(q.artifact.samples, q.artifact.bounds)) {
    samples.push_back(queue_level_json(l));
  }
  J crash = J::array();
  for (const auto& c : q.artifact.crash_test)
    crash.push_back(
        J{{"profile", c.profile}, {"confirmed_commits", c.confirmed_commits}, {"lost_commits", c.lost_commits}});
  doc_["queue"].push_back(J{{"file", q.file},
                            {"date", q.artifact.context.date},
                            {"command", q.artifact.context.command},
                            {"dequeue", samples},
                            {"crash_test", crash}});
}

void SummaryJsonReporter::faults(const Named<FaultsArtifact>& f) {
  J strategies = J::array();
  for (const auto& s : f.artifact.strategies)
    strategies.push_back(J{{"strategy", s.name},
                           {"exit_ms_median", s.exit_ms.median},
                           {"backends_gone_ms_median", s.backends_gone_ms.median}});
  doc_["faults"].push_back(J{{"file", f.file}, {"command", f.artifact.provenance.command}, {"strategies", strategies}});
}

void SummaryJsonReporter::verify(const Named<VerifyArtifact>& v) {
  const auto& a = v.artifact;
  doc_["verify"].push_back(J{{"file", v.file},
                             {"command", a.provenance.command},
                             {"equal", a.equal},
                             {"differences", a.differences},
                             {"elapsed_s", a.elapsed_s},
                             {"baseline_s", a.baseline_s ? J(*a.baseline_s) : J(nullptr)}});
}

void SummaryJsonReporter::fsync(const Named<FsyncArtifact>& f) {
  doc_["fsync"].push_back(J{{"file", f.file},
                            {"method", f.artifact.method},
                            {"ops_per_sec", f.artifact.ops_per_sec},
                            {"usecs_per_op", f.artifact.usecs_per_op}});
}

void SummaryJsonReporter::targets(const std::vector<TargetOutcome>& targets) {
  for (const TargetOutcome& o : targets) {
    J findings = J::array();
    for (const TargetFinding& f : o.findings)
      findings.push_back(J{{"file", f.file},
                           {"subject", f.subject},
                           {"measured", f.measured},
                           {"value", f.value},
                           {"low", f.low},
                           {"high", f.high},
                           {"met", f.met},
                           {"within_spread", f.within_spread},
                           {"cause", f.cause}});
    doc_["targets"].push_back(J{{"title", o.target.title},
                                {"metric", std::string(to_string(o.target.metric))},
                                {"at_most", o.target.at_most ? J(*o.target.at_most) : J(nullptr)},
                                {"at_least", o.target.at_least ? J(*o.target.at_least) : J(nullptr)},
                                {"measured", std::any_of(o.findings.begin(), o.findings.end(),
                                                         [](const TargetFinding& f) { return f.measured; })},
                                {"met", o.met()},
                                {"findings", findings}});
  }
}

void SummaryJsonReporter::close() { out_ = doc_.dump(2) + "\n"; }

}  // namespace benchlab
