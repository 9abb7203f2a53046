// The header every JSON file benchlab writes opens with: {"kind", "schema_version",
// "context", …the kind's own keys}. Written and read here only, so every reader
// dispatches on `kind` first and every file says what machine produced it in its
// first lines (docs/artifact-schema.md, "The header"). Files written before the
// header are recognised by their content (store/report_set.cpp).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/context.hpp"

namespace benchlab {

// The kinds of file benchlab writes, as their `kind` says.
namespace file_kind {
inline constexpr std::string_view run = "run";                // run-*.json, the benchmark artifact
inline constexpr std::string_view queue = "queue";            // queue-*.json
inline constexpr std::string_view verify = "verify";          // benchclient verify --json
inline constexpr std::string_view faults = "faults";          // faults-*.json (client/bench/interrupt_bench)
inline constexpr std::string_view schema = "schema";          // benchclient schema --output
inline constexpr std::string_view checkpoint = "checkpoint";  // --checkpoint FILE, the part journal
inline constexpr std::string_view advise = "advise";          // advise-*.json (benchclient advise)
inline constexpr std::string_view fanout = "fanout";          // fanout-*.json (benchclient fanout start)
}  // namespace file_kind

// Each kind's own format version: raised when a field changes meaning or disappears.
inline constexpr int kQueueSchemaVersion = 1;
inline constexpr int kVerifySchemaVersion = 1;
inline constexpr int kFaultsSchemaVersion = 1;

struct FileHeader {
  std::string kind;        // empty: a file written before the header (recognised by its content)
  int schema_version = 0;  // 0: none at the top level
};

// The context of a file that measured no read (verify, faults): where and by what
// it was made. The run and queue artifacts write the whole Context instead.
struct FileContext {
  std::string date;  // UTC ISO 8601
  std::string command;
  HostFacts host;
  BuildFacts build;
  std::string server_version;  // SHOW server_version; empty: not known
};

// {"kind": kind, "schema_version": version, "context": context}: the file's first
// keys; the caller appends the kind's own.
[[nodiscard]] nlohmann::ordered_json file_document(std::string_view kind, int schema_version,
                                                   nlohmann::ordered_json context);
[[nodiscard]] nlohmann::ordered_json file_context_json(const FileContext& context);

// The header of a parsed file. A kind written before it had its short name
// ("benchlab-faults") is read as today's. Throws json_fields::FieldError when
// `kind` or `schema_version` is of the wrong type.
[[nodiscard]] FileHeader read_file_header(const nlohmann::ordered_json& doc);

// json_fields::FieldError "schema version N is not supported (this benchclient
// reads version M)" unless `found` is `supported`.
void check_schema_version(int found, int supported);

}  // namespace benchlab
