// Shared helpers of the thin files: argument checks, relation checks (existence,
// privilege, kind, key column) and the read-only query runner. They raise errors with
// ereport directly, so call them only from frames that own no C++ objects with
// destructors (or through pg::call).
#pragma once
#include "benchlab/set_digest.hpp"
#include "pg_glue.hpp"

namespace benchlab {

inline constexpr int kMaxParts = 100000;

// Raises `argument "<name>" must not be null` when argument argno is NULL.
void require_not_null(FunctionCallInfo fcinfo, int argno, const char* name);
int32 checked_parts(int32 parts);
double checked_sample_percent(double percent);

enum class WireFormat { text, binary, none };
// 'text' or 'binary' (and 'none' where allow_none): anything else is an error.
WireFormat parse_format(const text* format, bool allow_none);
// 'xxh3' or 'sha256' (set_digest.hpp): anything else is an error.
DigestAlgorithm parse_algorithm(const text* algorithm);

struct RelationInfo {
  Oid relid;
  char relkind;
  const char* name;       // for messages
  const char* qualified;  // quoted, schema-qualified, for SQL text
};

struct KeyColumn {
  AttrNumber attnum;
  Oid type;  // INT2OID, INT4OID or INT8OID
  const char* quoted;
  int64 type_min;
  int64 type_max;
};

// The relation exists, is one of `relkinds` (a string of RELKIND_* chars), and the
// caller may SELECT from it (table-level, or on `key` when given). Takes
// AccessShareLock. `purpose` names the caller in messages ("page_ranges").
RelationInfo check_relation(Oid relid, const char* relkinds, const char* purpose, const char* key = nullptr);
// The key column exists and is int2, int4 or int8.
KeyColumn check_integer_key(const RelationInfo& rel, const char* key);

// Runs `sql` through SPI in read-only mode (SPI read_only, and XactReadOnly on while it
// runs, so volatile functions cannot write either) and sends every row to `dest`.
// Only a single plain SELECT passes: the statement is parsed and analyzed first and
// refused before it runs when it is anything else. `who` names the caller in
// messages. `internal` marks benchlab's own key walks: enable_sort and jit are off for
// the statement (index order, no compilation); user queries run with the caller's settings.
void run_read_only(const char* sql, DestReceiver* dest, const char* who, bool internal = false);

// A growable byte buffer in a PostgreSQL memory context, the Buffer of RowEncoder.
// Trivially destructible: its memory belongs to the context.
struct PallocBuffer {
  char* bytes = nullptr;
  std::size_t length = 0;
  std::size_t capacity = 0;
  MemoryContext context = nullptr;

  void clear() { length = 0; }
  const char* data() const { return bytes; }
  std::size_t size() const { return length; }
  void append(const char* src, std::size_t n) {
    if (length + n > capacity) grow(length + n);
    memcpy(bytes + length, src, n);
    length += n;
  }
  void grow(std::size_t need);
};

}  // namespace benchlab
