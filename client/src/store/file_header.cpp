#include "store/file_header.hpp"

#include <fmt/format.h>

#include "store/json_fields.hpp"

namespace benchlab {

using json_fields::Json;

Json file_document(std::string_view kind, int schema_version, Json context) {
  return Json{{"kind", kind}, {"schema_version", schema_version}, {"context", std::move(context)}};
}

Json file_context_json(const FileContext& c) {
  Json j{{"date", c.date},
         {"command", c.command},
         {"host",
          {{"cpu_model", c.host.cpu_model},
           {"cores", c.host.cores},
           {"memory_bytes", c.host.memory_bytes},
           {"kernel", c.host.kernel},
           {"load_average", c.host.load_average}}},
         {"build",
          {{"compiler", c.build.compiler},
           {"benchlab_version", c.build.benchlab_version},
           {"git_commit", c.build.git_commit},
           {"libpq_version", c.build.libpq_version}}}};
  if (!c.server_version.empty()) j["server"] = Json{{"version", c.server_version}};
  return j;
}

FileHeader read_file_header(const Json& doc) {
  FileHeader h;
  if (!doc.is_object()) return h;
  json_fields::maybe(doc, "kind", h.kind);
  json_fields::maybe(doc, "schema_version", h.schema_version);
  if (h.kind == "benchlab-faults") h.kind = file_kind::faults;  // its name before the header
  return h;
}

void check_schema_version(int found, int supported) {
  if (found != supported)
    json_fields::fail(
        fmt::format("schema version {} is not supported (this benchclient reads version {})", found, supported));
}

}  // namespace benchlab
