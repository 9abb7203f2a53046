// The one small interface every read strategy implements. A strategy only
// connects, fetches, decodes and checksums; measurement (clocks, RSS, CPU,
// latency, server CPU) is the harness's, reached through RunContext.
#pragma once

#include <stdexcept>
#include <string_view>
#include <vector>

#include "model/read_spec.hpp"

namespace benchlab {

class RunContext;

// Which of the plan's lists a strategy's units of work are (the index it gives
// RunContext::begin_part is a position in that list): the fallback chain and
// checkpoints keep the parts confirmed and hand the strategy only the others.
enum class PartList { none, partitions, batches };

class Strategy {
 public:
  virtual ~Strategy() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // none: a single-connection strategy, reading spec.all in one piece (no recovery).
  [[nodiscard]] virtual PartList part_list() const { return PartList::none; }
  // Reads every row of spec.all exactly once, reporting through `context`.
  // Throws on error; must release every connection, child and segment it made,
  // also when interrupted (RunContext::check_interrupted throws).
  virtual void run(const ReadSpec& spec, RunContext& context) = 0;
};

// A part as a reader gets it: with its index in the plan's list, for
// RunContext::begin_part.
struct DealtPart {
  std::size_t index = 0;
  KeyRange range;
};

// Partitions `parts` dealt round-robin to `workers` readers, each with its index:
// reader i reads parts i, i + workers, ... (workers >= 1; an empty list for readers
// beyond the parts).
[[nodiscard]] inline std::vector<std::vector<DealtPart>> deal_indexed(const std::vector<KeyRange>& parts, int workers) {
  if (workers < 1) throw std::invalid_argument("workers must be at least 1");
  std::vector<std::vector<DealtPart>> dealt(static_cast<std::size_t>(workers));
  for (std::size_t i = 0; i < parts.size(); ++i) dealt[i % dealt.size()].push_back({i, parts[i]});
  return dealt;
}

}  // namespace benchlab
