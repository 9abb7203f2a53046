// benchclient's exit statuses, one table for every command (docs/running.md "Exit status",
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

// Each subcommand's own statuses, at the end of its --help (docs/running.md "Exit status").
inline constexpr const char* kPlanExitStatusHelp =
    "Exit status: 0 the plan was printed; 1 error (server, table, a budget too small for one worker); 2 bad command "
    "line, or what a run would refuse as such (more workers than rows or than the server's free connections); 128 + "
    "signal when interrupted (130 for Ctrl-C)";
inline constexpr const char* kAdviseExitStatusHelp =
    "Exit status: 0 advised (with --check: every full read ran and read exactly the server's rows); 1 error (server, "
    "table, a file); 2 bad command line, or what a run would refuse, an empty table or a --time-budget too small "
    "for one sample (nothing written); 3 with --check, a full read failed or mismatched; 128 + signal when "
    "interrupted (130 for Ctrl-C)";
inline constexpr const char* kVerifyExitStatusHelp =
    "Exit status: 0 equal (the target holds exactly the source's rows); 1 they differ (schema, rows, or rows whose "
    "key is NULL); 2 error or bad command line (nothing compared); 128 + signal when interrupted (130 for Ctrl-C)";
inline constexpr const char* kQueueExitStatusHelp =
    "Exit status: 0 every check passed; 1 error (server, cluster, a file); 2 bad command line; 3 a queue check "
    "failed (a job not done exactly once, or commits lost with synchronous_commit on); 128 + signal when interrupted "
    "(130 for Ctrl-C)";
inline constexpr const char* kFanoutExitStatusHelp =
    "Exit status: 0 every part confirmed and their sum is the server's in the job's snapshot (drop: removed); 1 error "
    "(server, table, the snapshot's session ended); 2 bad command line, a job that exists (drop: none), a database "
    "without the manifest (nothing written); 3 the parts' rows or checksum differ from the server's; 128 + signal when "
    "interrupted (130 for Ctrl-C: the job is marked abandoned, its snapshot released)";
inline constexpr const char* kWorkerExitStatusHelp =
    "Exit status: 0 no part of the job is left to read; 1 error (the job's snapshot is gone, the job abandoned or "
    "dropped, the server); 2 bad command line, no such job, a finished job, a table or manifest this role may not "
    "use (nothing claimed); 128 + signal when interrupted (its parts given back)";
inline constexpr const char* kCompareExitStatusHelp =
    "Exit status: 0 no regression; 1 a regression beyond --threshold; 2 error: bad command line, a file that is not "
    "an artifact, no size in common, or (without --force) different datasets or not like for like (another machine, "
    "CPU count or PostgreSQL major version)";
inline constexpr const char* kReportExitStatusHelp =
    "Exit status: 0 the report was written; 1 it could not be written (--output, --charts-dir, stdout); 2 bad "
    "command line or an input file that is not an artifact";
inline constexpr const char* kSchemaExitStatusHelp =
    "Exit status: 0 the schema was written; 1 error (server, table, the --output file); 2 bad command line; "
    "128 + signal when interrupted (130 for Ctrl-C)";
inline constexpr const char* kSnapshotExitStatusHelp =
    "Exit status: 0 the snapshot was held and released (Ctrl-C or SIGTERM); 1 error (cannot connect, the server "
    "ended the session); 2 bad command line";
inline constexpr const char* kWithClusterExitStatusHelp =
    "Exit status: the command's own (127: it could not be run); 1 the cluster could not start; 2 bad command "
    "line; 128 + signal when interrupted (130 for Ctrl-C)";

}  // namespace benchlab::cli
