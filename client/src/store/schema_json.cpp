#include "store/schema_json.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "store/file_header.hpp"
#include "store/json_fields.hpp"

namespace benchlab {

namespace {

using namespace json_fields;

void to_json(Json& j, const ColumnSchema& c) {
  j = Json{{"name", c.name},
           {"type", c.type},
           {"type_oid", c.type_oid},
           {"not_null", c.not_null},
           {"has_default", c.has_default},
           {"collation", c.collation.empty() ? Json(nullptr) : Json(c.collation)}};
}

void from_json(const Json& j, ColumnSchema& c) {
  need(j, "name", c.name);
  need(j, "type", c.type);
  need(j, "type_oid", c.type_oid);
  need(j, "not_null", c.not_null);
  need(j, "has_default", c.has_default);
  maybe(j, "collation", c.collation);
  if (c.name.empty()) fail(current_path() + ".name is empty");
}

}  // namespace

void to_json(Json& j, const TableSchema& s) {
  Json columns = Json::array();
  for (const auto& c : s.columns) {
    Json col;
    to_json(col, c);
    columns.push_back(std::move(col));
  }
  j = Json{{"schema_version", kTableSchemaVersion},
           {"table", s.table},
           {"relkind", std::string(1, s.relkind)},
           {"columns", std::move(columns)},
           {"key", s.key.empty() ? Json(nullptr) : Json(s.key)},
           {"primary_key", s.primary_key}};
}

void from_json(const Json& j, TableSchema& s) {
  if (!j.is_object()) fail("not a schema file (the top level is not an object); write one with benchclient schema");
  const FileHeader header = read_file_header(j);
  if (!header.kind.empty() && header.kind != file_kind::schema)
    fail(fmt::format("a {} file, not a schema file; write one with benchclient schema --table T --output FILE",
                     header.kind));
  if (!j.contains("schema_version") && j.contains("context"))
    fail("a benchmark artifact, not a schema file; write one with benchclient schema --table T --output FILE");
  std::int64_t version = 0;
  need(j, "schema_version", version);
  if (version != kTableSchemaVersion)
    fail(
        fmt::format("schema_version {} is not supported (this benchclient reads {}); write the file again with "
                    "benchclient schema",
                    version, kTableSchemaVersion));
  need(j, "table", s.table);
  std::string relkind;
  need(j, "relkind", relkind);
  if (relkind.size() != 1 || std::string_view("rpvmf").find(relkind.front()) == std::string_view::npos)
    fail(fmt::format("relkind '{}' is not a relation kind (r, p, v, m or f)", relkind));
  s.relkind = relkind.front();
  {
    std::vector<Json> columns;
    need(j, "columns", columns);
    PathSegment at("columns");
    if (columns.empty()) fail(current_path() + " is empty: a table has at least one column");
    s.columns.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      PathSegment index(fmt::format("[{}]", i));
      if (!columns[i].is_object()) fail(current_path() + " is not an object");
      ColumnSchema c;
      from_json(columns[i], c);
      s.columns.push_back(std::move(c));
    }
  }
  s.key.clear();
  maybe(j, "key", s.key);
  need(j, "primary_key", s.primary_key);
}

std::string schema_document(const TableSchema& schema) {
  // The header without a context: the file describes a table, not a measurement.
  Json j{{"kind", file_kind::schema}};
  Json body;
  to_json(body, schema);
  j.update(body);
  return j.dump(2) + "\n";
}

TableSchema read_schema_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  auto fail_file = [&](const std::string& what) -> void { throw SchemaFileError(fmt::format("{}: {}", file, what)); };
  const Json doc = json_fields::read_json_file<SchemaFileError>(
      path, "a schema file", "; write one with benchclient schema --table T --output FILE");
  t_path.clear();
  try {
    TableSchema s;
    from_json(doc, s);
    return s;
  } catch (const FieldError& e) {
    t_path.clear();
    fail_file(e.what());
  }
  return {};
}

}  // namespace benchlab
