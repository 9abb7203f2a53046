#include "model/recovery.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

namespace benchlab {

namespace {

std::uint64_t parse_count(std::string_view field, std::string_view value, std::uint64_t min) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min)
    throw std::invalid_argument("injected fault: " + std::string(field) + "=" + std::string(value) +
                                " is not a whole number of at least " + std::to_string(min));
  return n;
}

}  // namespace

InjectedFault parse_injected_fault(std::string_view text) {
  InjectedFault fault;
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    const std::size_t colon = text.find(':', start);
    const std::string_view item = text.substr(start, colon == std::string_view::npos ? colon : colon - start);
    if (first) {
      if (item == "kill")
        fault.kind = FaultKind::kill;
      else if (item == "stop")
        fault.kind = FaultKind::stop;
      else if (item == "terminate")
        fault.kind = FaultKind::terminate;
      else if (item == "timeout")
        fault.kind = FaultKind::timeout;
      else
        throw std::invalid_argument("injected fault: unknown kind '" + std::string(item) +
                                    "'; use kill, stop, terminate or timeout, e.g. kill:worker=0:after=3");
      first = false;
    } else {
      const std::size_t eq = item.find('=');
      const std::string_view name = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      if (name == "worker")
        fault.worker = static_cast<int>(parse_count(name, value, 0));
      else if (name == "after")
        fault.after_batches = parse_count(name, value, 0);
      else if (name == "attempts")
        fault.attempts = static_cast<int>(parse_count(name, value, 1));
      else if (name == "run")
        fault.run = static_cast<int>(parse_count(name, value, 0));
      else
        throw std::invalid_argument("injected fault: unknown field '" + std::string(item) +
                                    "'; the fields are worker=K, after=N (batches), attempts=M and run=R");
    }
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return fault;
}

int tier_workers(int first_workers, int attempt, int retries) {
  const int first = first_workers < 1 ? 1 : first_workers;
  if (attempt > 1 && attempt >= retries + 1) return 1;  // the last tier: one worker finishes what is left
  if (attempt <= 2) return first;                       // the plan, and retry 1 at the same width
  const int halvings = attempt - 2;                     // each later retry halves the previous width
  return std::max(1, first >> std::min(halvings, 30));
}

FallbackTier fallback_tier(std::string_view strategy, int first_workers, int first_decoders, int attempt, int retries,
                           bool can_degrade) {
  const int first = first_workers < 1 ? 1 : first_workers;
  const bool forked = strategy == "multiprocessing" || strategy == "decoupled";
  const int decoders = strategy == "decoupled" ? (first_decoders > 0 ? first_decoders : first) : 0;
  if (!forked || attempt <= 1 || !can_degrade) {
    const int workers = tier_workers(first, attempt, retries);
    return {std::string(strategy), workers, decoders > 0 ? std::max(1, decoders * workers / first) : 0};
  }
  const bool last = attempt >= retries + 1;
  if (last) return {"parallel_copy", 1, 0};
  if (attempt == 2) return {std::string(strategy), first, decoders};
  const int halvings = std::min(attempt - 2, 30);
  const int base_decoders = decoders > 0 ? decoders : first;
  return {"decoupled", std::max(1, first >> halvings), std::max(1, base_decoders >> halvings)};
}

}  // namespace benchlab
