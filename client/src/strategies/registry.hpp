// The strategies benchclient knows, in the order tables list them. Adding one is
// one file (its class and factory) plus one line in registry.cpp's table.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strategies/strategy.hpp"

namespace benchlab {

struct StrategyInfo {
  std::string_view name;
  std::string_view architecture;  // one line, for --help (and so docs/cli.md)
  std::unique_ptr<Strategy> (*make)();
};

[[nodiscard]] const std::vector<StrategyInfo>& strategy_catalog();
[[nodiscard]] const std::vector<std::string>& strategy_names();
// Throws std::invalid_argument naming the valid strategies.
[[nodiscard]] std::unique_ptr<Strategy> make_strategy(std::string_view name);

}  // namespace benchlab
