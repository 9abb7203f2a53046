// The schema file's JSON (`benchclient schema`, read back by --expect-schema):
// nlohmann's to_json/from_json for TableSchema, and the file reader whose errors
// name the file and the field (docs/schema.md).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "model/schema.hpp"

namespace benchlab {

// A schema file that cannot be used: one line naming the file, the field and the
// fix ("FILE: missing columns[2].type", "FILE: not JSON (syntax error at byte N)").
struct SchemaFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void to_json(nlohmann::ordered_json& j, const TableSchema& schema);
void from_json(const nlohmann::ordered_json& j, TableSchema& schema);

// The file's text: the JSON, two-space indented, with a final newline.
[[nodiscard]] std::string schema_document(const TableSchema& schema);

// Reads and checks a schema file; throws SchemaFileError.
[[nodiscard]] TableSchema read_schema_file(const std::filesystem::path& path);

}  // namespace benchlab
