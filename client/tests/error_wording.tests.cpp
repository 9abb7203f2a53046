// The typed errors of the lower layers carry what was wrong, without option names;
// the CLI words each one naming the option (the lines users have always read).
#include <catch2/catch.hpp>

#include <string>

#include "cli/error_wording.hpp"
#include "cli/progress_lines.hpp"
#include "model/errors.hpp"
#include "plan/table.hpp"

using namespace benchlab;

TEST_CASE("error wording: a setting failure is worded with its option, what() names none", "[cli][errors]") {
  const SettingFailed other_read(SettingFailed::Problem::checkpoint_other_read, "/tmp/c.json", "rows 10 (was 20)");
  CHECK(other_read.setting() == Setting::checkpoint);
  CHECK(cli::error_message(other_read) ==
        "--checkpoint /tmp/c.json: it belongs to a different read: rows 10 (was 20); resume with the options of the "
        "read that wrote it (and --snapshot, so the plan is the same), or remove the file to start afresh");
  CHECK(std::string(other_read.what()).find("--") == std::string::npos);

  const SettingFailed target(SettingFailed::Problem::server_unreachable, "target", "cannot connect to PostgreSQL");
  CHECK(target.setting() == Setting::target_dsn);
  CHECK(cli::word(target) == "target (--target-dsn): cannot connect to PostgreSQL");
  CHECK(cli::word(SettingFailed(SettingFailed::Problem::server_unreachable, "source", "x")) == "source (--dsn): x");

  const SettingFailed rejected(SettingFailed::Problem::server_setting_rejected, "tiny", "invalid value for \"x\"");
  CHECK(cli::word(rejected) ==
        "the throwaway server (profile tiny) rejected a setting: invalid value for \"x\"; fix or drop that --pg-set");

  CHECK(cli::word(SettingFailed(SettingFailed::Problem::results_dir_unwritable, "/r", "Permission denied")) ==
        "--results-dir /r: not writable (Permission denied); choose a writable directory");
  CHECK(cli::word(SettingFailed(SettingFailed::Problem::concurrency_over_connections, "500", "profile p allows 100")) ==
        "--concurrency 500: profile p allows 100");
}

TEST_CASE("error wording: a refused read names its table, its side in verify, and the option that works",
          "[cli][errors]") {
  plan::ReadRefused no_key(plan::ReadRefused::Problem::split_key_without_key,
                           {.table = "public.t", .integer_columns = {"a", "b"}});
  CHECK(no_key.setting() == Setting::split);
  CHECK(cli::word(no_key) ==
        "--split key: table public.t has no integer primary key; use --key with one of its integer columns: a, b");
  // verify always splits by key: the split is no option there, so it is not named.
  no_key.set_side("target");
  CHECK(cli::word(no_key) ==
        "target: table public.t has no integer primary key; use --key with one of its integer columns: a, b");

  const plan::OptionRefused binary(Setting::format, "public.g", "column \"acl\" (aclitem)");
  CHECK(cli::error_message(binary) ==
        "--format binary: table public.g has column \"acl\" (aclitem) with no binary output (no send function for "
        "the type or a type inside it); use --format text");
}

TEST_CASE("progress lines: the live line as drawn, from the harness's figures", "[cli][measure]") {
  LiveProgress now;
  now.label = "pooled_sync run 2/3";
  now.rows = 10;
  now.expected_rows = 100;
  now.rows_per_sec = 5;
  now.workers = {{4, WorkerProgress::kNotYet}, {6, 99}};
  CHECK(cli::progress_line(now) == "  pooled_sync run 2/3: 10 / 100 rows, 5 rows/s, workers 0:4 1:6@99");
}
