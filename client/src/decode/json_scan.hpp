// A strict JSON scanner (RFC 8259) that keeps numbers as the digits they are.
// It is the decoder of json and jsonb: a general parser (simdjson) maps every
// number to int64, uint64 or double and so refuses what a jsonb numeric can
// hold (30-digit integers, 1e400, -1e-400), and builds a document tree the
// decoder has no use for; PostgreSQL's json also passes bytes in the server's
// encoding through. The scanner validates the document in one pass without
// converting any number or allocating, so every value decodes exactly and a
// short document costs tens of nanoseconds, not a parser's set-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "decode/value.hpp"

namespace benchlab::decode {

struct JsonShape {
  Json::Root root = Json::Root::null;
  std::uint32_t members = 0;  // of the root object or array
};

// The shape of a valid document, or nullopt when `text` is not one JSON value.
// Any depth (an explicit stack, no recursion); numbers of any size and precision.
// `stack` holds the open containers: reused across calls, it grows only for a
// document nested deeper than any before it.
std::optional<JsonShape> scan_json(std::string_view text, std::vector<bool>& stack);
std::optional<JsonShape> scan_json(std::string_view text);

}  // namespace benchlab::decode
