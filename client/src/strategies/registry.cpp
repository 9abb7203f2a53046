#include <fmt/format.h>

#include <stdexcept>

#include "strategies/strategies.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = {"naive", "cursor_pagination", "pooled_sync", "async_stream",
                                                 "multiprocessing"};
  return names;
}

std::unique_ptr<Strategy> make_strategy(std::string_view name) {
  if (name == "naive") return make_naive();
  if (name == "cursor_pagination") return make_cursor_pagination();
  if (name == "pooled_sync") return make_pooled_sync();
  if (name == "async_stream") return make_async_stream();
  if (name == "multiprocessing") return make_multiprocessing();
  throw std::invalid_argument(
      fmt::format("unknown strategy '{}' (valid: {})", name, fmt::join(strategy_names(), ", ")));
}

std::vector<std::vector<KeyRange>> deal_partitions(const std::vector<KeyRange>& parts, int workers) {
  if (workers < 1) throw std::invalid_argument("workers must be at least 1");
  std::vector<std::vector<KeyRange>> dealt(static_cast<std::size_t>(workers));
  for (std::size_t i = 0; i < parts.size(); ++i) dealt[i % dealt.size()].push_back(parts[i]);
  return dealt;
}

}  // namespace benchlab
