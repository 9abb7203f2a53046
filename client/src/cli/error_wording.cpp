#include "cli/error_wording.hpp"

#include <fmt/format.h>

namespace benchlab::cli {

namespace {

std::string integer_columns_hint(const std::vector<std::string>& columns) {
  return columns.empty() ? std::string("the table has no integer column to use as a key")
                         : fmt::format("use --key with one of its integer columns: {}", fmt::join(columns, ", "));
}

// What to do about a server error met reading the table: by its SQLSTATE.
std::string unreadable_fix(const plan::ReadRefused::Found& f) {
  const std::string& state = f.sqlstate;
  if (state == "42P17" && f.server_message.find("policy") != std::string::npos)
    return "a row-level security policy on it queries the table again (directly or through another table's policy), "
           "which the server cannot evaluate; fix the policy (ALTER POLICY, or a SECURITY DEFINER function for the "
           "lookup), or read as a role it does not apply to (the owner without FORCE ROW LEVEL SECURITY, or a role "
           "with BYPASSRLS) with another --dsn user";
  if (state == "42501") return fmt::format("GRANT what it names to {}, or use another --dsn user", f.user);
  if (state == "42P01" || state == "42703" || state == "42883" || state == "42704" || state == "3F000")
    return "its definition (a view, a policy, a column default) refers to something that does not exist; fix it, or "
           "read another --table";
  return "fix what the server names (the table, its policies or its view definition), or read another --table";
}

}  // namespace

std::string_view option_of(Setting setting) {
  switch (setting) {
    case Setting::table:
      return "--table";
    case Setting::key:
      return "--key";
    case Setting::rows:
      return "--rows";
    case Setting::split:
      return "--split";
    case Setting::format:
      return "--format";
    case Setting::snapshot:
      return "--snapshot";
    case Setting::dsn:
      return "--dsn";
    case Setting::target_dsn:
      return "--target-dsn";
    case Setting::target_table:
      return "--target-table";
    case Setting::checkpoint:
      return "--checkpoint";
    case Setting::concurrent_writes:
      return "--concurrent-writes";
    case Setting::client_memory:
      return "--client-memory";
    case Setting::pg_set:
      return "--pg-set";
    case Setting::server_cpus:
      return "--server-cpus";
    case Setting::pg_bindir:
      return "--pg-bindir";
    case Setting::results_dir:
      return "--results-dir";
    case Setting::concurrency:
      return "--concurrency";
    case Setting::workers:
      return "--workers";
  }
  return "an option";
}

std::string word(const SettingFailed& error) {
  using P = SettingFailed::Problem;
  const std::string& value = error.value();
  const std::string& detail = error.detail();
  switch (error.problem()) {
    case P::checkpoint_unreadable:
      return fmt::format("--checkpoint {}: {}; remove it to start the read afresh", value, detail);
    case P::checkpoint_other_read:
      return fmt::format(
          "--checkpoint {}: it belongs to a different read: {}; resume with the options of the read that wrote it "
          "(and --snapshot, so the plan is the same), or remove the file to start afresh",
          value, detail);
    case P::writer_needs_key:
      return "--concurrent-writes needs a table with an integer key";
    case P::writer_stopped:
      return "--concurrent-writes: the writer stopped: " + detail;
    case P::writer_idle:
      return "--concurrent-writes: the writer committed nothing for 30 s";
    case P::client_memory_mapped:
      return fmt::format(
          "--client-memory {}: benchclient already maps {} of address space (RLIMIT_AS counts all of it); give more",
          value, detail);
    case P::client_memory_call:
      return "--client-memory: " + detail;
    case P::client_memory_hard_limit:
      return fmt::format("--client-memory: the hard RLIMIT_AS is already lower ({} bytes)", detail);
    case P::server_setting_rejected:
      return fmt::format("the throwaway server (profile {}) rejected a setting: {}; fix or drop that --pg-set", value,
                         detail);
    case P::server_cpus_unpinnable:
      return "the throwaway server could not be pinned to --server-cpus";
    case P::server_binaries_missing:
      return fmt::format(
          "PostgreSQL server binaries not found in {} (no {}); install the server (scripts/install-deps) or pass "
          "--pg-bindir",
          value, detail);
    case P::server_unreachable:
      return fmt::format("{} ({}): {}", value, option_of(error.setting()), detail);
    case P::same_table:
      return "the source and the target are the same table on the same server; give --target-dsn or "
             "--target-table";
    case P::results_dir_uncreatable:
      return fmt::format("--results-dir {}: cannot create it ({}); choose a writable directory", value, detail);
    case P::results_dir_not_directory:
      return fmt::format("--results-dir {}: exists and is not a directory; choose a writable directory", value);
    case P::results_dir_unwritable:
      return fmt::format("--results-dir {}: not writable ({}); choose a writable directory", value, detail);
    case P::concurrency_over_connections:
      return fmt::format("--concurrency {}: {}", value, detail);
  }
  return error.what();
}

std::string word(const plan::ReadRefused& error) {
  using P = plan::ReadRefused::Problem;
  const plan::ReadRefused::Found& f = error.found();
  std::string line;
  switch (error.problem()) {
    case P::key_not_a_column:
      line = fmt::format("table {} has no column \"{}\"; {}", f.table, f.key, integer_columns_hint(f.integer_columns));
      break;
    case P::key_not_integer:
      line = fmt::format("key column \"{}\" of table {} is {}, not an integer (smallint, integer or bigint); {}", f.key,
                         f.table, f.type, integer_columns_hint(f.integer_columns));
      break;
    case P::ctid_leaf_without_pages:
      line = fmt::format(
          "cannot split table {} by ctid (--split ctid, or auto without an integer key): its partition {} is {}, "
          "which has no pages; use --split key with --key COLUMN, or detach that partition",
          f.table, f.part, f.kind);
      break;
    case P::ctid_without_pages:
      line = fmt::format(
          "--split ctid: {} is {}, which has no pages of its own to split by ctid; use --split key with --key COLUMN",
          f.table, f.kind);
      break;
    case P::ctid_needs_pg14:
      line = fmt::format(
          "--split ctid needs PostgreSQL 14 or later (TID range scans); this server is {}; use --split key with --key "
          "COLUMN",
          f.server_version);
      break;
    case P::key_with_ctid:
      line = "--key has no use with --split ctid (it splits by pages); drop one of them";
      break;
    case P::ctid_with_row_limit:
      line =
          "--split ctid has no key order to take the first --rows N rows in: read the whole table with --rows all, "
          "or use --split key with --key COLUMN";
      break;
    case P::split_key_without_key:
      // verify always splits by key: there the split is no option of the user's.
      line = fmt::format("{}table {} has no integer primary key; {}", error.side().empty() ? "--split key: " : "",
                         f.table, integer_columns_hint(f.integer_columns));
      break;
    case P::row_limit_without_key:
      line = fmt::format(
          "table {} has no integer primary key to take the first {} rows in order of; give --key COLUMN ({}), or "
          "read the whole table with --rows all",
          f.table, f.rows, integer_columns_hint(f.integer_columns));
      break;
    case P::invalid_table_name:
      line = fmt::format(
          "--table {}: not a valid table name; give [schema.]table, with double quotes around a name that needs them "
          "(e.g. --table 'public.\"Order Items\"')",
          f.table);
      break;
    case P::no_such_table:
      // Only verify reads the standard table without seeding it first (a run seeds
      // it); its source can be seeded, a target is the copy of one.
      if (f.table == kStandardTable && error.side() != "target") {
        line = fmt::format(
            "table {0} does not exist: it is the standard table, read when no --table is given; seed it with psql "
            "-c \"SELECT benchlab.seed_records('{0}', 100000)\", or give --table",
            f.table);
        break;
      }
      line = fmt::format(
          "table {} does not exist (or is not visible on the search_path); check --table, e.g. --table schema.table",
          f.table);
      break;
    case P::no_select_privilege:
      line = fmt::format("no SELECT privilege on table {} for user {}; GRANT SELECT ON it or use another --dsn user",
                         f.table, f.user);
      break;
    case P::no_keyed_rows:
      line = fmt::format(
          "table {} has no row with a non-null key {}, so it has no first --rows {} in key order; read its rows with "
          "--rows all",
          f.table, f.key, f.rows);
      break;
    case P::too_few_keyed_rows:
      line = fmt::format("table {} holds only {} rows (with a non-null key {}); use --rows {} or fewer", f.table,
                         f.have, f.key, f.have);
      break;
    case P::too_few_rows:
      line = fmt::format("table {} holds fewer than {} rows; use --rows with a smaller count", f.table, f.rows);
      break;
    case P::unreadable:
      line = fmt::format("table {} cannot be read as user {}: {}{}; {}", f.table, f.user, f.server_message,
                         f.sqlstate.empty() ? "" : fmt::format(" (SQLSTATE {})", f.sqlstate), unreadable_fix(f));
      break;
    case P::snapshot_unusable:
      line = fmt::format(
          "--snapshot {}: cannot read in it: {}; hold one with benchclient snapshot hold --dsn ... (the server and "
          "database of this run's --dsn) and pass the id it prints",
          f.snapshot, f.server_message);
      break;
    case P::rows_after_snapshot:
      line = fmt::format(
          "--snapshot {} was taken before table {} held {} (it sees {}): a snapshot cannot see rows written after it "
          "was taken; {}, then hold a new snapshot with benchclient snapshot hold --dsn ... and pass the id it prints",
          f.snapshot, f.table, f.rows == 0 ? std::string("its rows") : fmt::format("{} rows", f.rows),
          f.have == 0 ? std::string("none of them") : fmt::format("only {}", f.have),
          f.table == kStandardTable ? "seed it first (the same run without --snapshot)" : "write the rows first");
      break;
  }
  return error.side().empty() ? line : fmt::format("{}: {}", error.side(), line);
}

std::string word(const plan::OptionRefused& error) {
  return fmt::format(
      "{} binary: table {} has {} with no binary output (no send function for the type or a type inside it); use {} "
      "text",
      option_of(error.setting()), error.table(), error.columns(), option_of(error.setting()));
}

std::string connection_parts(const ConnectionNeed& n) {
  std::string parts = n.workers > 0 ? fmt::format("{} workers + {} coordinator", n.workers, n.coordinator)
                                    : fmt::format("{} reading connection", n.coordinator);
  if (n.writer > 0) parts += " + 1 writer";
  if (n.snapshot_holder > 0) parts += " + 1 held snapshot";
  return parts;
}

std::string word(const plan::ConnectionsRefused& error, bool throwaway) {
  const ConnectionNeed& n = error.need();
  const ConnectionRoom& r = error.room();
  const std::string parts = connection_parts(n);
  const int max_needed = r.max_connections + (n.total() - r.free());
  const std::string raise =
      throwaway ? fmt::format("raise the throwaway cluster's limit with --pg-set max_connections={}", max_needed)
                : fmt::format("raise the server's max_connections to {} or more, or close connections", max_needed);
  const int fit = error.workers_that_fit();
  const std::string fewer =
      n.workers > 0 && fit > 0 ? fmt::format("give --workers {} or fewer, or ", fit) : std::string();
  return fmt::format(
      "--workers {}: the run would hold {} connections at once ({}), but the server has {} free (max_connections {} - "
      "{} reserved for superusers - {} in use); {}{}",
      error.workers(), n.total(), parts, r.free(), r.max_connections, r.reserved, r.in_use, fewer, raise);
}

std::string error_message(const std::exception& error) {
  if (const auto* e = dynamic_cast<const SettingFailed*>(&error)) return word(*e);
  if (const auto* e = dynamic_cast<const plan::ReadRefused*>(&error)) return word(*e);
  if (const auto* e = dynamic_cast<const plan::OptionRefused*>(&error)) return word(*e);
  return error.what();
}

}  // namespace benchlab::cli
