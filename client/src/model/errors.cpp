#include "model/errors.hpp"

namespace benchlab {

namespace {

Setting setting_of(SettingFailed::Problem problem, const std::string& value) {
  using P = SettingFailed::Problem;
  switch (problem) {
    case P::checkpoint_unreadable:
    case P::checkpoint_other_read:
      return Setting::checkpoint;
    case P::writer_needs_key:
    case P::writer_stopped:
    case P::writer_idle:
      return Setting::concurrent_writes;
    case P::client_memory_mapped:
    case P::client_memory_call:
    case P::client_memory_hard_limit:
      return Setting::client_memory;
    case P::server_setting_rejected:
      return Setting::pg_set;
    case P::server_cpus_unpinnable:
      return Setting::server_cpus;
    case P::server_binaries_missing:
      return Setting::pg_bindir;
    case P::server_unreachable:
      return value == "target" ? Setting::target_dsn : Setting::dsn;
    case P::same_table:
      return Setting::target_table;
    case P::results_dir_uncreatable:
    case P::results_dir_not_directory:
    case P::results_dir_unwritable:
      return Setting::results_dir;
    case P::concurrency_over_connections:
      return Setting::concurrency;
  }
  return Setting::dsn;
}

std::string summary_of(SettingFailed::Problem problem) {
  using P = SettingFailed::Problem;
  switch (problem) {
    case P::checkpoint_unreadable:
      return "the checkpoint cannot be used";
    case P::checkpoint_other_read:
      return "the checkpoint belongs to a different read";
    case P::writer_needs_key:
      return "concurrent writes need a table with an integer key";
    case P::writer_stopped:
      return "the concurrent writer stopped";
    case P::writer_idle:
      return "the concurrent writer committed nothing for 30 s";
    case P::client_memory_mapped:
      return "the client memory cap is below what is mapped already";
    case P::client_memory_call:
      return "the client memory cap cannot be set";
    case P::client_memory_hard_limit:
      return "the hard RLIMIT_AS is already lower";
    case P::server_setting_rejected:
      return "the throwaway server rejected a setting";
    case P::server_cpus_unpinnable:
      return "the throwaway server could not be pinned to its CPUs";
    case P::server_binaries_missing:
      return "PostgreSQL server binaries not found";
    case P::server_unreachable:
      return "cannot reach the server";
    case P::same_table:
      return "the source and the target are the same table on the same server";
    case P::results_dir_uncreatable:
      return "the results directory cannot be created";
    case P::results_dir_not_directory:
      return "the results directory exists and is not a directory";
    case P::results_dir_unwritable:
      return "the results directory is not writable";
    case P::concurrency_over_connections:
      return "more concurrent workers than the server allows connections";
  }
  return "a setting failed";
}

std::string what_of(SettingFailed::Problem problem, const std::string& value, const std::string& detail) {
  std::string out = value.empty() ? summary_of(problem) : value + ": " + summary_of(problem);
  if (!detail.empty()) out += ": " + detail;
  return out;
}

}  // namespace

SettingFailed::SettingFailed(Problem problem, std::string value, std::string detail)
    : SettingError(setting_of(problem, value), what_of(problem, value, detail)),
      problem_(problem),
      value_(std::move(value)),
      detail_(std::move(detail)) {}

}  // namespace benchlab
