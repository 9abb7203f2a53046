// The verdict in words: what the console prints after every run, what the artifact
// keeps (its "verdict") and what every report opens with — one wording, from here.
// The figures come from model/verdict; each sentence says on what it rests (the
// runs and the size) and what it leaves out.
#pragma once

#include <string>
#include <vector>

#include "model/context.hpp"
#include "model/verdict.hpp"

namespace benchlab {

// Two or three sentences for one size: fastest, lowest memory (and the best within
// the budget), where the fastest one's time went. One sentence when nothing can be
// compared (no candidate, or one left of several strategies).
[[nodiscard]] std::vector<std::string> verdict_sentences(const Context& context, const SizeVerdict& verdict);

// The sentence on where the time went alone ("the server backend is the bottleneck: …").
[[nodiscard]] std::string time_sentence(const TimeSplit& split);

// What the console prints at the end of a run, and the artifact keeps: the verdict of
// the largest size (of each profile, when there were several) and, when that size
// compares nothing (the run ended before most strategies reached it), of the next
// smaller sizes down to one that does. Nothing for an empty read.
[[nodiscard]] std::vector<std::string> console_verdict(const Artifact& artifact);

// The verdict every report and results/README.md open with: of the read artifact with the most
// strategy × size measurements (the main sweep), at its largest size.
[[nodiscard]] std::vector<std::string> headline_verdict(const std::vector<Artifact>& artifacts);

}  // namespace benchlab
