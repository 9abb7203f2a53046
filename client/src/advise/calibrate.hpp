// advise's calibration: a sample of the table's pages, spread over all of it, read
// by every strategy through its own code in each format, within a time budget;
// the model (model/advise.hpp) turns what it measured into predictions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/advise.hpp"
#include "model/plan.hpp"

namespace benchlab::advise {

// The table cannot be calibrated as asked (empty, not a table with pages, a time
// budget too small for one sample): a usage error, its text names what to do.
class CalibrationRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CalibrationRequest {
  std::string conninfo;                 // never printed
  const BenchmarkPlan* plan = nullptr;  // the whole table's, without the server's figures
  std::vector<std::string> strategies;
  std::vector<WireFormat> formats;
  double time_budget_s = 20;
  std::chrono::steady_clock::time_point started;  // when the command started: planning counts against the budget
  unsigned cores = 0;
  bool server_shares_cores = false;
  std::uint64_t memory_limit_bytes = 0;
  std::string memory_limit_source;
  std::function<void(const std::string&)> phase;  // one line per step (may be empty)
};

// The fewest rows a sample holds (unless the table holds fewer): two batches for
// every worker, so each parallel strategy reaches its steady state and its peak RSS.
[[nodiscard]] std::uint64_t minimum_sample_rows(int workers, int batch_rows);

// At most `max_spans` block spans holding `sample_pages` pages, spread evenly over
// `table_pages` pages (each in the middle of its stride). A sample of the whole
// table is in spans that cover it, the last open-ended (pages added since are read).
[[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> spread_spans(std::uint64_t table_pages,
                                                                              std::uint64_t sample_pages,
                                                                              std::uint64_t max_spans);

// Measures everything predict() needs. Throws CalibrationRefused (bad input found
// once the table is seen), Interrupted, or the typed pg error.
[[nodiscard]] AdviseCalibration calibrate(const CalibrationRequest& request);

}  // namespace benchlab::advise
