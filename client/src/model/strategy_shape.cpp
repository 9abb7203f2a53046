#include "model/strategy_shape.hpp"

#include <fmt/format.h>

#include <array>

#include "model/options.hpp"

namespace benchlab {

namespace {

// How each strategy reads (strategies/*.cpp); a coordinator connection that only
// exports the snapshot produces no rows and is not counted.
enum class Readers { one, per_worker, per_decoder };
struct ShapeRule {
  std::string_view strategy;
  Readers backends;
  Readers client_workers;
  bool processes;
};
constexpr std::array kRules{
    ShapeRule{"naive", Readers::one, Readers::one, false},
    ShapeRule{"cursor_pagination", Readers::one, Readers::one, false},
    ShapeRule{"copy_stream", Readers::one, Readers::one, false},
    ShapeRule{"pooled_sync", Readers::per_worker, Readers::per_worker, false},  // a thread per pooled connection
    ShapeRule{"async_stream", Readers::per_worker, Readers::one, false},        // one thread, poll() over all
    ShapeRule{"multiprocessing", Readers::per_worker, Readers::per_worker, true},
    ShapeRule{"parallel_copy", Readers::per_worker, Readers::one, false},  // one thread, poll() over all
    // one thread copying rows off every connection, and the decoding processes
    ShapeRule{"decoupled", Readers::per_worker, Readers::per_decoder, true},
};

}  // namespace

std::optional<StrategyShape> strategy_shape(std::string_view strategy, int workers, int decoders) {
  if (is_unshared_control(strategy)) strategy.remove_suffix(kUnsharedControlSuffix.size());
  for (const ShapeRule& rule : kRules) {
    if (rule.strategy != strategy) continue;
    const bool parallel = rule.backends == Readers::per_worker || rule.client_workers == Readers::per_worker;
    if (parallel && workers < 1) return std::nullopt;
    int client = rule.client_workers == Readers::one ? 1 : workers;
    if (rule.client_workers == Readers::per_decoder) client = (decoders > 0 ? decoders : workers) + 1;
    return StrategyShape{rule.backends == Readers::one ? 1 : workers, client, rule.processes};
  }
  return std::nullopt;
}

std::string describe(const StrategyShape& shape) {
  const std::string_view worker = shape.processes ? "process" : "thread";
  return fmt::format("{} backend{} → {} {}{}", shape.backends, shape.backends == 1 ? "" : "s", shape.client_workers,
                     worker, shape.client_workers == 1 ? "" : (shape.processes ? "es" : "s"));
}

std::string_view to_string(BoundLimit limit) {
  switch (limit) {
    case BoundLimit::server:
      return "server";
    case BoundLimit::client:
      return "client";
    case BoundLimit::cores:
      return "cores";
  }
  return "server";
}

std::optional<ShapeBound> shape_bound(const StrategyShape& shape, double server_ns_per_row, double client_ns_per_row,
                                      unsigned cores) {
  if (server_ns_per_row <= 0 || client_ns_per_row <= 0 || shape.backends < 1 || shape.client_workers < 1)
    return std::nullopt;
  ShapeBound bound{static_cast<double>(shape.backends) * 1e9 / server_ns_per_row, BoundLimit::server};
  if (const double client = static_cast<double>(shape.client_workers) * 1e9 / client_ns_per_row;
      client < bound.rows_per_sec)
    bound = {client, BoundLimit::client};
  if (cores > 0)
    if (const double all = static_cast<double>(cores) * 1e9 / (server_ns_per_row + client_ns_per_row);
        all < bound.rows_per_sec)
      bound = {all, BoundLimit::cores};
  return bound;
}

}  // namespace benchlab
