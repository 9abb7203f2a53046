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
#include "model/report.hpp"

namespace benchlab {

// Progress and phase lines on stderr (when enabled), never on stdout.
struct LoopOutput {
  bool progress_line = false;  // live line: a terminal and not --no-progress
  bool phase_lines = true;     // one line per round and per finished strategy
  // Called with the report so far after every size is measured (the CLI saves it, so
  // a run killed later keeps the sizes before).
  std::function<void(const BenchmarkReport&)> size_done;
};

class PartJournal;

// `journal` (--checkpoint): the parts of the one parallel run confirmed beyond this
// process (the CLI allows it with one strategy, one size and one run only).
void run_benchmark(const BenchmarkPlan& plan, const ScheduleOptions& schedule, const LoopOutput& output,
                   BenchmarkReport& report, PartJournal* journal = nullptr);

}  // namespace benchlab
