// Factories of the five strategies (one file each) and what they share. Only the
// registry and the tests include this; everyone else uses make_strategy().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strategies/strategy.hpp"

namespace benchlab {

std::unique_ptr<Strategy> make_naive();
std::unique_ptr<Strategy> make_cursor_pagination();
std::unique_ptr<Strategy> make_pooled_sync();
std::unique_ptr<Strategy> make_async_stream();
std::unique_ptr<Strategy> make_multiprocessing();

// Partitions `parts` dealt round-robin to `workers` readers: reader i reads
// parts i, i + workers, ... (workers >= 1; an empty list for readers beyond the parts).
std::vector<std::vector<KeyRange>> deal_partitions(const std::vector<KeyRange>& parts, int workers);

}  // namespace benchlab
