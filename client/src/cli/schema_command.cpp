#include "cli/schema_command.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/file_checks.hpp"
#include "cli/usage_error.hpp"
#include "model/table.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"
#include "store/artifact_file.hpp"
#include "store/schema_json.hpp"

namespace benchlab::cli {

SchemaCommand::SchemaCommand(CLI::App& app, RunCommand& run)
    : schema_(app.add_subcommand("schema",
                                 "write a table's schema as JSON (columns, types, nullability, key), the file "
                                 "--expect-schema compares a run's table with")),
      run_(run) {
  schema_->footer(kSchemaExitStatusHelp);
  table_opt_ =
      schema_->add_option("--table", table_, "the table (schema.table, needs --dsn; default: the standard table)");
  output_opt_ = schema_->add_option("--output", output_, "write it to this file (default: stdout)");
  add_target_options(*schema_, run.target(), run.target_flags());  // the same server options, after `schema` too
}

void SchemaCommand::validate() {
  for (const auto* o : run_.flags().shaping)
    if (o->count() > 0)
      throw UsageError(fmt::format("{} is an option of a benchmark run, not of schema", o->get_name()));
  if (run_.work_selected()) throw UsageError("schema runs no strategy: drop --all / --strategy");
  if (table_opt_->count() > 0 && table_.empty())
    throw UsageError("schema --table: give a table name, e.g. public.orders");
  if (!table_.empty() && !run_.target().dsn)
    throw UsageError("schema --table needs --dsn: a throwaway cluster holds only the standard table");
  if (output_opt_->count() > 0 && output_.empty()) throw UsageError("schema --output: give a file name");
}

int SchemaCommand::run() {
  if (!output_.empty()) {
    try {
      check_writable_file("schema --output", output_);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());  // the path the command line names: bad input, exit 2
    }
  }
  ServerTarget target(run_.target());
  throw_if_interrupted();
  // The standard table is made by the extension's seed_records, as a run makes it.
  if (table_.empty()) target.ensure_extension();
  const TableSchema schema = plan::read_table_schema(target.conninfo(), table_);
  const std::string doc = schema_document(schema);
  if (output_.empty()) {
    if (std::fwrite(doc.data(), 1, doc.size(), stdout) != doc.size() || std::fflush(stdout) != 0)
      return print_error("schema: cannot write to stdout", kExitError);
    return kExitOk;
  }
  write_atomically(output_, doc);
  print_note(fmt::format("schema of {} written to {}", schema.table, output_));
  return kExitOk;
}

}  // namespace benchlab::cli
