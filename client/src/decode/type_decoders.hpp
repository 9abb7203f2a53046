// Per-type decoders for the text and binary wire formats, and their dispatch
// by (type OID, format) — resolved once per result shape, never per value.
// Private to decode/ (pulls in simdjson).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "decode/value.hpp"

namespace benchlab::decode {

// A value's bytes do not match its type (a server or protocol bug, or a
// session setting benchlab did not pin).
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reused state of one decoder: one simdjson parser (it keeps its padded copy
// buffer and its tape across calls) and one byte buffer for values whose
// decoded form is not in the wire bytes (bytea hex, big binary numerics).
// A value viewing `bytes` is valid until the next decode with this Scratch.
struct Scratch {
  simdjson::dom::parser json;
  std::string bytes;
};

using DecodeFn = Value (*)(const char* data, std::size_t length, std::uint32_t type_oid, Scratch& scratch);

struct ColumnDecoder {
  DecodeFn fn = nullptr;
  std::uint32_t type_oid = 0;
  int format = 0;               // 0 text, 1 binary
  std::size_t value_index = 0;  // the Value alternative fn returns for non-NULL values
  bool known = false;           // false: the value is kept as Raw and counted as unknown
  bool uses_scratch = false;    // fn may return views into Scratch::bytes
};

// format: 0 text, 1 binary (PQfformat).
ColumnDecoder resolve_decoder(std::uint32_t type_oid, int format);

// Exposed for tests: the text parsers on their own.
Decimal parse_numeric_text(std::string_view text);
std::int64_t parse_timestamp_text(std::string_view text, bool with_time_zone);
std::int32_t parse_date_text(std::string_view text);
// Days from 2000-01-01 to the proleptic Gregorian date (astronomical year: 1 BC = 0).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace benchlab::decode
