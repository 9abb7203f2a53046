// The most rows/s a strategy's own shape allows at the CPU its rows cost: what can
// work at once while it reads. A server backend is one process, so it runs on at
// most one core; so does each client thread or forked worker; and every strategy
// streams, its readers decoding a batch while their backends produce the next, so
// a backend and its reader overlap. With s and c the server's and the client's CPU
// per row (each row costs s on exactly one backend and c on exactly one reader):
//   k backends cannot beat k ÷ s, n client workers n ÷ c, and nothing beats
//   cores ÷ (s + c) when the server shares the client's cores.
// A pipeline of one backend and one client thread is thus 1 ÷ max(s, c).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace benchlab {

// What reads at once: server backends (connections reading) and client workers
// (threads, or forked processes) decoding.
struct StrategyShape {
  int backends = 1;
  int client_workers = 1;
  bool processes = false;  // the client workers are forked processes, not threads
  friend bool operator==(const StrategyShape&, const StrategyShape&) = default;
};

// The shape of `strategy` (its /unshared control has the strategy's) reading with
// `workers` workers (the run's --workers, or fewer when fewer parts had rows to
// hand out). nullopt: a name this build does not know (an artifact of another
// version), or a parallel strategy with workers unknown (< 1). `decoders`: decoupled's
// decoding processes (0: as many as workers); its client workers are they and the
// reading thread.
[[nodiscard]] std::optional<StrategyShape> strategy_shape(std::string_view strategy, int workers, int decoders = 0);

// "2 backends → 1 thread", "2 backends → 2 processes".
[[nodiscard]] std::string describe(const StrategyShape& shape);

// Which limit binds: all backends busy, all client workers busy, or every core busy.
enum class BoundLimit { server, client, cores };
[[nodiscard]] std::string_view to_string(BoundLimit limit);

struct ShapeBound {
  double rows_per_sec = 0;
  BoundLimit limit = BoundLimit::server;
  friend bool operator==(const ShapeBound&, const ShapeBound&) = default;
};

// min(backends ÷ s, client_workers ÷ c, cores ÷ (s + c)) in rows/s, from s and c in
// nanoseconds of CPU per row; the first of server, client, cores binds on a tie.
// `cores` 0: the server runs elsewhere, its cores are not the client's and that term
// is left out. nullopt: a figure that is not positive.
[[nodiscard]] std::optional<ShapeBound> shape_bound(const StrategyShape& shape, double server_ns_per_row,
                                                    double client_ns_per_row, unsigned cores);

}  // namespace benchlab
