// The fallback chain of the parallel strategies, as plain data: what to inject
// (tests and the faults benchmark), how to recover, and what a run went through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

// A fault made to happen on purpose, deterministically: worker `worker` of the
// read meets it after its `after_batches`-th batch, in each of the first
// `attempts` attempts of a run (attempt 1 is the first try).
//   kill       the forked worker SIGKILLs itself (a crash; OOM kills look the same)
//   stop       the forked worker SIGSTOPs itself (a hang: no more heartbeats)
//   terminate  the worker's backend is ended by pg_terminate_backend (a lost connection)
//   timeout    at the first part the worker begins after `after_batches` batches (0:
//              its first part), a statement on its connection runs past a 1 ms
//              statement_timeout (SQLSTATE 57014, the server's own timeout)
// kill and stop need a process of the worker's own: in the thread strategies they
// act as terminate.
enum class FaultKind { kill, stop, terminate, timeout };

[[nodiscard]] constexpr std::string_view to_string(FaultKind k) {
  switch (k) {
    case FaultKind::kill:
      return "kill";
    case FaultKind::stop:
      return "stop";
    case FaultKind::terminate:
      return "terminate";
    case FaultKind::timeout:
      return "timeout";
  }
  return "?";
}

struct InjectedFault {
  FaultKind kind = FaultKind::kill;
  int worker = 0;
  std::uint64_t after_batches = 1;
  int attempts = 1;  // a large number: a fault in every retry (the chain reaches its last tier)
  int run = 0;       // only in this measured run (1-based; 0: in every run, warmups included)
  friend bool operator==(const InjectedFault&, const InjectedFault&) = default;
};

// "KIND[:worker=K][:after=N][:attempts=M][:run=R]", e.g. "kill:worker=1:after=3" (the
// BENCHLAB_INJECT_FAULT environment variable). Throws std::invalid_argument naming
// what is wrong.
[[nodiscard]] InjectedFault parse_injected_fault(std::string_view text);

// --retries and its backoff: retry r (1-based) waits backoff_ms * 2^(r-1) first.
struct RecoveryOptions {
  int retries = 3;  // 0: no recovery, a fault fails the run
  int backoff_ms = 100;
  friend bool operator==(const RecoveryOptions&, const RecoveryOptions&) = default;
};

// The workers attempt `attempt` (1-based) reads with, after a first attempt with
// `first_workers`: retry 1 keeps the width (most faults are transient), each later
// retry halves it, and the last retry (attempt retries + 1) reads in one worker.
[[nodiscard]] int tier_workers(int first_workers, int attempt, int retries);

// What reads attempt `attempt`: a strategy, its connections and (decoupled) its
// decoding processes. A strategy of forked workers (multiprocessing, decoupled) whose
// workers keep faulting degrades past retry 1: the middle retries read with
// decoupled (connections and decoders halved each time: its decoders hold no
// connection, and a crash of one loses only rows in flight), the last in one
// process with one connection (parallel_copy: no forked worker at all). Any other
// strategy keeps itself and narrows as tier_workers says.
struct FallbackTier {
  std::string strategy;
  int workers = 1;
  int decoders = 0;  // decoupled's decoding processes (0 otherwise)
  friend bool operator==(const FallbackTier&, const FallbackTier&) = default;
};
// `can_degrade` false — with --mask (decoupled's rings would hold the rows unmasked) or
// --memory-budget (only a forked worker runs under the budget's ceiling; one process
// reading in benchclient itself would not) — the chain keeps the strategy and narrows
// it as tier_workers says.
[[nodiscard]] FallbackTier fallback_tier(std::string_view strategy, int first_workers, int first_decoders, int attempt,
                                         int retries, bool can_degrade = true);

// One fault the chain met: in which attempt, at how many workers, when (seconds
// from the run's start), why, and how much of the plan was confirmed by then.
struct FaultRecord {
  int attempt = 1;
  int workers = 0;
  double at_s = 0;
  std::string error;
  std::size_t parts_done = 0;  // confirmed parts (their rows and checksum kept)
  std::size_t parts_left = 0;  // read again, from their start, by the next attempt
  double backoff_s = 0;        // waited before the next attempt
  // When the next attempt's first rows arrived (seconds from the run's start; nullopt:
  // none came). resumed_at_s − at_s − backoff_s is the restart: connections, snapshot
  // import, fork and first query of the retry.
  std::optional<double> resumed_at_s;
  [[nodiscard]] std::optional<double> restart_s() const {
    if (!resumed_at_s) return std::nullopt;
    return *resumed_at_s - at_s - backoff_s;
  }
  friend bool operator==(const FaultRecord&, const FaultRecord&) = default;
};

struct RecoveryFigures {
  int retries_allowed = 0;
  std::vector<int> tiers;  // workers of each attempt taken, in order
  // The strategy of each attempt, in order, when the chain changed strategy on the
  // way (forked workers degrading to decoupled, then to one process); empty when
  // every attempt was the run's own strategy.
  std::vector<std::string> tier_strategies;
  std::vector<FaultRecord> faults;
  double backoff_s = 0;                   // waited between attempts (inside the run's time)
  std::uint64_t rows_discarded = 0;       // rows received in parts a fault cut short: the lost work
  std::size_t parts_from_checkpoint = 0;  // parts a --checkpoint file had confirmed: not read again
  std::uint64_t rows_from_checkpoint = 0;
  [[nodiscard]] bool recovered() const { return !faults.empty(); }
  [[nodiscard]] int attempts() const { return static_cast<int>(tiers.size()); }
  friend bool operator==(const RecoveryFigures&, const RecoveryFigures&) = default;
};

}  // namespace benchlab
