// One reporter interface: every output — the console
// table, the JSON artifact, the Markdown report — is fed the same in-memory
// artifact: its context, each size as it is done, then the whole of it. A new
// format is one new file behind this interface.
#pragma once

#include <vector>

#include "model/context.hpp"
#include "store/report_set.hpp"

namespace benchlab {

class Reporter {
 public:
  virtual ~Reporter() = default;
  // Where and how the artifact was measured.
  virtual void context(const Context& context) = 0;
  // One size: its wire ceiling, the server's figures, every strategy's runs, and
  // their summary (the artifact's, computed once: read, never recomputed).
  virtual void size(const Context& context, const SizeResult& size, const SizeSummary& summary) = 0;
  // The artifact is whole (or was stopped): status, warnings, anything across sizes.
  virtual void finish(const Artifact& artifact) = 0;
  // The other kinds `benchclient report` reads, each in a section of its own; a
  // reporter without one for a kind ignores it.
  virtual void queue(const Named<QueueArtifact>& /*queue*/) {}
  virtual void faults(const Named<FaultsArtifact>& /*faults*/) {}
  virtual void verify(const Named<VerifyArtifact>& /*verify*/) {}
  virtual void fsync(const Named<FsyncArtifact>& /*fsync*/) {}
  virtual void advise(const Named<AdviseArtifact>& /*advise*/) {}
  // Checks of the same table and rows, each against the one before it (report_set pairs them).
  virtual void advise_repeats(const std::vector<RepeatedCheck>& /*repeats*/) {}
  // The targets judged from every file above (report --targets); not called without.
  virtual void targets(const std::vector<TargetOutcome>& /*targets*/) {}
  // The end of the output, after every artifact it was given.
  virtual void close() {}
};

// Feeds `artifact` to each reporter: context, each size with its summary, finish.
inline void report_artifact(const Artifact& artifact, const std::vector<Reporter*>& reporters) {
  for (Reporter* r : reporters) r->context(artifact.context);
  for (std::size_t i = 0; i < artifact.report.sizes.size(); ++i)
    for (Reporter* r : reporters) r->size(artifact.context, artifact.report.sizes[i], artifact.summary.sizes.at(i));
  for (Reporter* r : reporters) r->finish(artifact);
}

// Feeds a whole report set: the read artifacts, then each other kind, the targets, then close().
inline void report_set(const ReportSet& set, const std::vector<Reporter*>& reporters) {
  for (const auto& a : set.runs) report_artifact(a.artifact, reporters);
  for (const auto& q : set.queues)
    for (Reporter* r : reporters) r->queue(q);
  for (const auto& f : set.faults)
    for (Reporter* r : reporters) r->faults(f);
  for (const auto& v : set.verifies)
    for (Reporter* r : reporters) r->verify(v);
  for (const auto& f : set.fsyncs)
    for (Reporter* r : reporters) r->fsync(f);
  for (const auto& a : set.advises)
    for (Reporter* r : reporters) r->advise(a);
  if (const auto repeats = repeated_checks(set); !repeats.empty())
    for (Reporter* r : reporters) r->advise_repeats(repeats);
  if (!set.targets.empty())
    for (Reporter* r : reporters) r->targets(set.targets);
  for (Reporter* r : reporters) r->close();
}

}  // namespace benchlab
