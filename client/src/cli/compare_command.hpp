// `benchclient compare BASE.json NEW.json [--threshold 5%] [--force] [--json]`: did
// NEW get slower than BASE? Exit 0 no regression, 1 a regression beyond the
// threshold, 2 error or incomparable input: different datasets (refused unless
// --force), no size in common (refused), or not like for like — another machine,
// CPU count or PostgreSQL major version (printed, exit 2 unless --force).
#pragma once

#include <string>

namespace benchlab::cli {

struct CompareOptions {
  std::string base, fresh;
  double threshold = 0.05;
  bool force = false;
  bool json = false;
};

int run_compare_command(const CompareOptions& options);

}  // namespace benchlab::cli
