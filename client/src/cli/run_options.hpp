// Everything a benchmark invocation asks for, parsed and validated before anything
// starts: where to read from (cli-only: it names the throwaway cluster), and the
// model's options for each layer below.
#pragma once

#include "cli/server_target.hpp"
#include "model/options.hpp"

namespace benchlab::cli {

struct RunOptions {
  TargetOptions target;
  ReadOptions read;
  ScheduleOptions schedule;
  OutputOptions output;
};

}  // namespace benchlab::cli
