// The run loop: for each planned size, interleave warmup rounds (each strategy
// once), then --runs rounds of the COPY wire ceiling followed by each strategy
// once, each run with a fresh Harness, so the machine's drift hits the ceiling and
// the strategies alike. Every run's rows and checksum are compared with the
// server's. Everything measured lands in the BenchmarkReport as it is measured, so
// a SIGINT or a strict-policy failure still leaves a report to print and write.
#pragma once

#include <functional>

#include "model/options.hpp"
#include "model/plan.hpp"
#include "model/progress.hpp"
#include "model/report.hpp"

namespace benchlab {

// Where the loop reports its phases and live figures (model/progress.hpp) and hands
// the report after every size; the loop itself draws nothing.
struct LoopOutput {
  ProgressObserver* observer = nullptr;  // null: nobody is told
  bool live = false;                     // the live figures too (the CLI draws a live line)
  // Called with the report so far after every size is measured (the CLI saves it, so
  // a run killed later keeps the sizes before).
  std::function<void(const BenchmarkReport&)> size_done;
  // Targets measured alike after this one (--profile a,b: the later profiles' clusters),
  // counted in the duration estimate.
  int targets_after = 0;
};

class PartJournal;

// `journal` (--checkpoint): the parts of the one parallel run confirmed beyond this
// process (the CLI allows it with one strategy, one size and one run only).
void run_benchmark(const BenchmarkPlan& plan, const ScheduleOptions& schedule, const LoopOutput& output,
                   BenchmarkReport& report, PartJournal* journal = nullptr);

}  // namespace benchlab
