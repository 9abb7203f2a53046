// The command line: parses and validates everything before anything starts.
#pragma once

namespace benchlab::cli {

// Returns the process exit code. Throws on errors (main turns them into one line).
int run_app(int argc, char** argv);

}  // namespace benchlab::cli
