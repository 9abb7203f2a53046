#include "strategies/registry.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "model/options.hpp"

namespace benchlab {

// Each strategy's file defines its factory; the table below is the only list.
#define BENCHLAB_STRATEGIES(X)                                                                                   \
  X(naive, "one query, the whole result materialized (PGresult) and every row decoded and held until the end")   \
  X(cursor_pagination, "one connection, a read-only cursor, pipelined FETCH FORWARD")                            \
  X(pooled_sync, "a pool of --workers connections shared by as many threads, key-range batches through cursors") \
  X(async_stream, "one thread, non-blocking libpq over --workers connections driven by poll()")                  \
  X(multiprocessing, "--workers forked processes, each with its own connection, results in shared memory")       \
  X(copy_stream, "one connection, COPY (query) TO STDOUT in the run's format, every row parsed and decoded")     \
  X(parallel_copy, "--workers connections on one snapshot, each COPYing its partitions, one thread and poll()")  \
  X(decoupled, "--workers COPY connections hand raw rows through shared-memory rings to --decoders forked decoders")

#define BENCHLAB_DECLARE_FACTORY(name, architecture) std::unique_ptr<Strategy> make_##name();
BENCHLAB_STRATEGIES(BENCHLAB_DECLARE_FACTORY)
#undef BENCHLAB_DECLARE_FACTORY

const std::vector<StrategyInfo>& strategy_catalog() {
#define BENCHLAB_CATALOG_ENTRY(name, architecture) StrategyInfo{#name, architecture, &make_##name},
  static const std::vector<StrategyInfo> catalog = {BENCHLAB_STRATEGIES(BENCHLAB_CATALOG_ENTRY)};
#undef BENCHLAB_CATALOG_ENTRY
  return catalog;
}

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& s : strategy_catalog()) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

namespace {

// "<name>/unshared": the strategy with every connection in a snapshot of its own.
class UnsharedControl final : public Strategy {
 public:
  UnsharedControl(std::unique_ptr<Strategy> inner, std::string name)
      : inner_(std::move(inner)), name_(std::move(name)) {}
  [[nodiscard]] std::string_view name() const override { return name_; }
  [[nodiscard]] PartList part_list() const override { return inner_->part_list(); }
  void run(const ReadSpec& spec, RunContext& context) override {
    ReadSpec unshared = spec;
    unshared.shared_snapshot = false;
    inner_->run(unshared, context);
  }

 private:
  std::unique_ptr<Strategy> inner_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Strategy> make_strategy(std::string_view name) {
  if (is_unshared_control(name)) {
    auto inner = make_strategy(name.substr(0, name.size() - kUnsharedControlSuffix.size()));
    if (inner->part_list() == PartList::none)
      throw std::invalid_argument(fmt::format("'{}': only the parallel strategies have an unshared control", name));
    return std::make_unique<UnsharedControl>(std::move(inner), std::string(name));
  }
  for (const auto& s : strategy_catalog())
    if (s.name == name) return s.make();
  throw std::invalid_argument(
      fmt::format("unknown strategy '{}' (valid: {})", name, fmt::join(strategy_names(), ", ")));
}

}  // namespace benchlab
