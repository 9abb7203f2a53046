#include "cli/schema_command.hpp"

#include <cstdio>

#include "cli/exit_codes.hpp"
#include "cli/file_checks.hpp"
#include "cli/usage_error.hpp"
#include "model/table.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"
#include "store/artifact_file.hpp"
#include "store/schema_json.hpp"

namespace benchlab::cli {

int run_schema_command(const SchemaOptions& options) {
  if (!options.output.empty()) {
    try {
      check_writable_file("schema --output", options.output);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());  // the path the command line names: bad input, exit 2
    }
  }
  ServerTarget target(options.target);
  throw_if_interrupted();
  // The standard table is made by the extension's seed_records, as a run makes it.
  if (options.table.empty()) target.ensure_extension();
  const TableSchema schema = plan::read_table_schema(target.conninfo(), options.table);
  const std::string doc = schema_document(schema);
  if (options.output.empty()) {
    if (std::fwrite(doc.data(), 1, doc.size(), stdout) != doc.size() || std::fflush(stdout) != 0) {
      std::fprintf(stderr, "benchclient: error: schema: cannot write to stdout\n");
      return kExitError;
    }
    return kExitOk;
  }
  write_atomically(options.output, doc);
  std::fprintf(stderr, "benchclient: schema of %s written to %s\n", schema.table.c_str(), options.output.c_str());
  return kExitOk;
}

}  // namespace benchlab::cli
