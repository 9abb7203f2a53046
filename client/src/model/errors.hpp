// Errors below the CLI that are about what the user asked for carry it as data:
// which setting (by what it is, not by its option's spelling), its value, what
// was wrong, what would be accepted. The CLI words each one, naming the option
// (cli/error_wording); what() says the same without options, for whatever logs
// it below the CLI.
#pragma once

#include <stdexcept>
#include <string>

namespace benchlab {

// The user-facing settings a lower layer may refuse or ask to change.
enum class Setting {
  table,
  key,
  rows,
  split,
  format,
  snapshot,
  dsn,
  target_dsn,
  target_table,
  checkpoint,
  concurrent_writes,
  client_memory,
  pg_set,
  server_cpus,
  pg_bindir,
  results_dir,
  concurrency,
  workers,
};

class SettingError : public std::runtime_error {
 public:
  SettingError(Setting setting, const std::string& what) : std::runtime_error(what), setting_(setting) {}
  [[nodiscard]] Setting setting() const { return setting_; }

 private:
  Setting setting_;
};

// A setting the run could not honour as it went (exit 1). `value`: the setting's
// value as given (a path, a size; empty when the problem needs none); `detail`:
// what the system or the server said, or what differs.
class SettingFailed : public SettingError {
 public:
  enum class Problem {
    checkpoint_unreadable,         // the file is not a checkpoint (detail: why)
    checkpoint_other_read,         // it belongs to a different read (detail: the differences)
    writer_needs_key,              // concurrent writes need a table with an integer key
    writer_stopped,                // the writer failed (detail: its error)
    writer_idle,                   // the writer committed nothing for 30 s
    client_memory_mapped,          // the cap is below what is mapped already (detail: how much)
    client_memory_call,            // getrlimit/setrlimit failed (detail: the call and errno)
    client_memory_hard_limit,      // the hard limit is lower (detail: it, in bytes)
    server_setting_rejected,       // the throwaway server refused a setting (value: profile; detail: its message)
    server_cpus_unpinnable,        // the throwaway server could not be pinned
    server_binaries_missing,       // no initdb or postgres (value: the directory; detail: which)
    server_unreachable,            // a side of verify (value: "source"/"target"; detail: why)
    same_table,                    // verify's source and target are the same table
    results_dir_uncreatable,       // the results directory cannot be made (value: it; detail: why)
    results_dir_not_directory,     // it exists and is a file
    results_dir_unwritable,        // it cannot be written (detail: why)
    concurrency_over_connections,  // queue: more workers than the server takes (value: the widest; detail: the server's
                                   // limit)
  };
  SettingFailed(Problem problem, std::string value = {}, std::string detail = {});

  [[nodiscard]] Problem problem() const { return problem_; }
  [[nodiscard]] const std::string& value() const { return value_; }
  [[nodiscard]] const std::string& detail() const { return detail_; }

 private:
  Problem problem_;
  std::string value_;
  std::string detail_;
};

}  // namespace benchlab
