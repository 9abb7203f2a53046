// Bad input found after the command line was parsed (an option's value, a file it
// names): one line on stderr, exit status 2 (kExitUsage), before anything started.
#pragma once

#include <stdexcept>

namespace benchlab::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace benchlab::cli
