// benchclient's exit statuses, one table for every command (README "Exit status",
// `benchclient --help`). with-cluster returns its command's own status instead.
#pragma once

namespace benchlab::cli {

inline constexpr int kExitOk = 0;              // every run ok (or the command did what it was asked)
inline constexpr int kExitError = 1;           // an error: the server, the table, schema drift, a file write
inline constexpr int kExitUsage = 2;           // bad command line or an unusable input file, before anything started
inline constexpr int kExitStrategyFailed = 3;  // the benchmark ran, and a strategy failed or mismatched (either policy)
// Interrupted by a signal: 128 + the signal (130 for Ctrl-C, 143 for SIGTERM).
inline constexpr int kExitSignalBase = 128;

inline constexpr const char* kExitStatusHelp =
    "Exit status: 0 all runs ok; 1 error (server, table, schema drift, ...); 2 bad command line or input "
    "file; 3 a strategy failed or mismatched (tolerant: after the whole run, strict: at the first); 128 + signal "
    "when interrupted (130 for Ctrl-C)";

}  // namespace benchlab::cli
