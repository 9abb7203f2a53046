// Per-type decoders for the text and binary wire formats, and their dispatch
// by (type OID, format) — resolved once per result shape, never per value.
// Private to decode/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "decode/value.hpp"
#include "model/type_catalog.hpp"

namespace benchlab::decode {

// A value's bytes do not match its type (a server or protocol bug, or a
// session setting benchlab did not pin).
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Scratch;
using DecodeFn = Value (*)(const char* data, std::size_t length, std::uint32_t type_oid, Scratch& scratch);

struct ColumnDecoder {
  DecodeFn fn = nullptr;
  std::uint32_t type_oid = 0;    // the column's type (a domain stays itself: results are compared by it)
  std::uint32_t decode_oid = 0;  // what fn is given: a domain's base type, else type_oid
  int format = 0;                // 0 text, 1 binary
  std::size_t value_index = 0;   // the Value alternative fn returns for non-NULL values
  bool known = false;            // false: the value is kept as Raw and counted as unknown
  bool uses_scratch = false;     // fn may return views into Scratch::bytes
};

// Reused state of one decoder: the JSON scanner's stack of open containers,
// one byte buffer for values whose decoded
// form is not in the wire bytes (bytea hex, big binary numerics, text bit
// strings), and for containers the catalog of the read's types, the element
// decoders met so far and one de-quoting buffer per nesting level.
// A value viewing `bytes` is valid until the next decode with this Scratch.
struct Scratch {
  std::vector<bool> json_open;  // the JSON scanner's open containers
  std::string bytes;
  const TypeCatalog* catalog = nullptr;
  std::vector<std::string> element_text;
  std::size_t depth = 0;
  std::vector<ColumnDecoder> element_decoders;
  // The decoder of a container's element type (resolved once, then looked up).
  ColumnDecoder element_decoder(std::uint32_t type_oid, int format);
};

// What the decoder knows of a type that is not a built-in scalar: `catalog`
// first (the read's own types), then the built-in array and range types.
const TypeDescription* describe_type(std::uint32_t type_oid, const TypeCatalog* catalog);

// format: 0 text, 1 binary (PQfformat). `catalog` describes arrays, ranges,
// domains, enums and composites (nullptr: built-in arrays and ranges only).
ColumnDecoder resolve_decoder(std::uint32_t type_oid, int format, const TypeCatalog* catalog = nullptr);

// Containers (container_decoders.cpp): every element decoded by its own type.
Value array_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& scratch);
Value array_binary(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& scratch);
Value composite_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& scratch);
Value composite_binary(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& scratch);
Value range_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& scratch);
Value range_binary(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& scratch);

// Exposed for tests: the elements of an array (in storage order, all dimensions),
// the fields of a composite, or the bounds present of a range, each decoded.
// Values viewing bytes are valid only during the call.
void for_each_element(const char* data, std::size_t length, std::uint32_t type_oid, int format,
                      const TypeCatalog* catalog, const std::function<void(const Value&)>& on_element);

[[noreturn]] void fail(std::string_view what, const char* data, std::size_t length);

// Exposed for tests: the text parsers on their own.
Decimal parse_numeric_text(std::string_view text);
std::int64_t parse_timestamp_text(std::string_view text, bool with_time_zone);
std::int32_t parse_date_text(std::string_view text);
// Days from 2000-01-01 to the proleptic Gregorian date (astronomical year: 1 BC = 0).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace benchlab::decode
