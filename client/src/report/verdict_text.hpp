// The verdict in words: what the console prints after every run and what every
// report opens with. The figures come from model/verdict.
#pragma once

#include <string>
#include <vector>

#include "model/context.hpp"
#include "model/verdict.hpp"

namespace benchlab {

// Two or three sentences for one size: fastest, lowest memory (and the best within
// the budget), where the fastest one's time went.
[[nodiscard]] std::vector<std::string> verdict_sentences(const Context& context, const SizeVerdict& verdict);

// The sentence on where the time went alone ("the server backend is the bottleneck: …").
[[nodiscard]] std::string time_sentence(const TimeSplit& split);

// What the console prints at the end of a run: the verdict of the largest size
// (of each profile, when there were several).
[[nodiscard]] std::vector<std::string> console_verdict(const Artifact& artifact);

// The verdict a report and the README open with: of the read artifact with the most
// strategy × size measurements (the main sweep), at its largest size.
[[nodiscard]] std::vector<std::string> headline_verdict(const std::vector<Artifact>& artifacts);

}  // namespace benchlab
