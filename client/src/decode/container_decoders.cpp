// Arrays, composites (rows) and ranges, in both wire formats. Every element is
// decoded by its own type's decoder (found through the read's TypeCatalog) and
// folded into the container's value; for_each_element() hands the elements out.
//
// Text forms (array_out, record_out, range_out): elements are quoted when they
// need it, with \ escaping any character inside quotes (and "" a quote in rows
// and ranges); an unquoted NULL is a NULL array element, an empty field a NULL
// row field, a missing bound an infinite one. Binary forms (array_send,
// record_send, range_send): length-prefixed element send bytes (-1: NULL).
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "decode/type_decoders.hpp"

namespace benchlab::decode {
namespace {

std::uint32_t be32(const char* p) {
  return (std::uint32_t{static_cast<unsigned char>(p[0])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(p[1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(p[2])} << 8) | std::uint32_t{static_cast<unsigned char>(p[3])};
}

std::uint64_t mix(std::uint64_t acc, std::uint64_t v) { return (acc ^ v) * 0x100000001B3ULL; }

// One nesting level deeper for the element decoders: its own de-quoting buffer.
class Nested {
 public:
  explicit Nested(Scratch& s) : s_(s) {
    if (++s_.depth > 64) {
      --s_.depth;
      throw DecodeError("containers nested more than 64 deep");
    }
    if (s_.element_text.size() < s_.depth) s_.element_text.resize(s_.depth);
  }
  ~Nested() { --s_.depth; }
  Nested(const Nested&) = delete;
  Nested& operator=(const Nested&) = delete;
  [[nodiscard]] std::string& buffer() { return s_.element_text[s_.depth - 1]; }

 private:
  Scratch& s_;
};

// Decodes one element (nullopt bytes: NULL) and hands it to `on`.
template <typename On>
void element(Scratch& s, std::uint32_t type_oid, int format, const std::string_view* bytes, On& on) {
  if (bytes == nullptr) {
    on(Value(Null{}));
    return;
  }
  const ColumnDecoder d = s.element_decoder(type_oid, format);
  on(d.fn(bytes->data(), bytes->size(), d.decode_oid, s));
}

// A quoted or unquoted text element starting at d[pos], ending before any of
// `stops` outside quotes. Quotes: "..." with \x for x, and with "" for " when
// `doubled_quotes` (rows, ranges). Sets `quoted`; returns the element's text (a view
// into d when nothing needed undoing, else into `buffer`).
std::string_view text_element(const char* d, std::size_t n, std::size_t& pos, std::string_view stops,
                              bool doubled_quotes, std::string& buffer, bool& quoted) {
  const std::size_t start = pos;
  bool in_quotes = false, copied = false;
  quoted = false;
  buffer.clear();
  for (; pos < n; ++pos) {
    const char c = d[pos];
    if (in_quotes) {
      if (c == '\\' && pos + 1 < n) {
        buffer.push_back(d[++pos]);
        copied = true;
      } else if (c == '"') {
        if (doubled_quotes && pos + 1 < n && d[pos + 1] == '"') {
          buffer.push_back('"');
          ++pos;
        } else {
          in_quotes = false;
        }
        copied = true;
      } else {
        buffer.push_back(c);
      }
    } else if (stops.find(c) != std::string_view::npos) {
      break;
    } else if (c == '"') {
      in_quotes = quoted = copied = true;
    } else if (c == '\\' && pos + 1 < n) {
      buffer.push_back(d[++pos]);
      copied = true;
    } else {
      buffer.push_back(c);
    }
  }
  if (in_quotes) fail("quoted element", d, n);
  return copied ? std::string_view(buffer) : std::string_view(d + start, pos - start);
}

// ---- arrays ---------------------------------------------------------------

template <typename On>
Array walk_array_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& s, On&& on) {
  const TypeDescription* t = describe_type(type_oid, s.catalog);
  if (t == nullptr || t->kind != TypeDescription::Kind::array) fail("array of an unknown element type", d, n);
  Array a;
  a.element_oid = t->element_oid;
  std::size_t pos = 0;
  if (n > 0 && d[0] == '[') {  // explicit bounds: "[0:1]={...}"
    while (pos < n && d[pos] != '=') ++pos;
    ++pos;
  }
  if (pos >= n || d[pos] != '{') fail("array", d, n);
  const char delim = t->delimiter;
  const char stops[] = {delim, '}', '{', '\0'};
  Nested nested(s);
  int level = 0;
  while (pos < n) {
    const char c = d[pos];
    if (c == '{') {
      ++level;
      if (level > a.dimensions) a.dimensions = static_cast<std::uint8_t>(level);
      ++pos;
    } else if (c == '}') {
      --level;
      ++pos;
      if (level == 0) break;
    } else if (c == delim) {
      ++pos;
    } else {
      bool quoted = false;
      const std::string_view text = text_element(d, n, pos, std::string_view(stops, 3), false, nested.buffer(), quoted);
      ++a.elements;
      const bool is_null = !quoted && text.size() == 4 && (text[0] | 0x20) == 'n' && (text[1] | 0x20) == 'u' &&
                           (text[2] | 0x20) == 'l' && (text[3] | 0x20) == 'l';
      if (is_null) ++a.null_elements;
      element(s, a.element_oid, 0, is_null ? nullptr : &text, on);
    }
  }
  if (level != 0 || pos != n) fail("array", d, n);
  if (a.elements == 0) a.dimensions = 0;
  return a;
}

template <typename On>
Array walk_array_binary(const char* d, std::size_t n, std::uint32_t /*type_oid: the header names the element*/,
                        Scratch& s, On&& on) {
  // array_send: int32 ndim, int32 has-nulls flag, element OID, (dim, lower bound) per dimension.
  if (n < 12) fail("binary array", d, n);
  const auto ndim = static_cast<std::int32_t>(be32(d));
  Array a;
  a.element_oid = be32(d + 8);
  if (ndim < 0 || ndim > 6 || n < 12 + 8 * static_cast<std::size_t>(ndim)) fail("binary array", d, n);
  std::uint64_t total = ndim == 0 ? 0 : 1;
  for (std::int32_t i = 0; i < ndim; ++i) {
    const auto dim = static_cast<std::int32_t>(be32(d + 12 + 8 * i));
    if (dim < 0) fail("binary array", d, n);
    total *= static_cast<std::uint64_t>(dim);
    if (total > n) fail("binary array", d, n);  // every element takes at least its 4-byte length
  }
  a.dimensions = static_cast<std::uint8_t>(total == 0 ? 0 : ndim);
  Nested nested(s);
  std::size_t pos = 12 + 8 * static_cast<std::size_t>(ndim);
  for (std::uint64_t i = 0; i < total; ++i) {
    if (n - pos < 4) fail("binary array", d, n);
    const auto len = static_cast<std::int32_t>(be32(d + pos));
    pos += 4;
    ++a.elements;
    if (len == -1) {
      ++a.null_elements;
      element(s, a.element_oid, 1, nullptr, on);
      continue;
    }
    if (len < 0 || n - pos < static_cast<std::size_t>(len)) fail("binary array", d, n);
    const std::string_view bytes(d + pos, static_cast<std::size_t>(len));
    pos += static_cast<std::size_t>(len);
    element(s, a.element_oid, 1, &bytes, on);
  }
  if (pos != n) fail("binary array", d, n);
  return a;
}

// ---- composites -----------------------------------------------------------

template <typename On>
Composite walk_composite_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& s, On&& on) {
  const TypeDescription* t = describe_type(type_oid, s.catalog);
  const bool described = t != nullptr && t->kind == TypeDescription::Kind::composite;
  if (n < 2 || d[0] != '(' || d[n - 1] != ')') fail("composite", d, n);
  Composite c;
  c.type_oid = type_oid;
  Nested nested(s);
  std::size_t pos = 1;
  for (;;) {
    std::uint32_t field_oid = 0;  // 0: an anonymous record's field, kept raw
    if (described) {
      if (c.fields >= t->field_oids.size()) fail("composite with more fields than its type", d, n);
      field_oid = t->field_oids[c.fields];
    }
    ++c.fields;
    if (d[pos] == ',' || d[pos] == ')') {
      ++c.null_fields;  // nothing between the separators: NULL
      element(s, field_oid, 0, nullptr, on);
    } else {
      bool quoted = false;
      const std::string_view text = text_element(d, n - 1, pos, ",)", true, nested.buffer(), quoted);
      element(s, field_oid, 0, &text, on);
    }
    if (pos >= n - 1) break;
    if (d[pos] != ',') fail("composite", d, n);
    ++pos;
  }
  if (described && c.fields != t->field_oids.size()) fail("composite with fewer fields than its type", d, n);
  return c;
}

template <typename On>
Composite walk_composite_binary(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& s, On&& on) {
  // record_send: int32 field count, then per field its type OID, int32 length, send bytes.
  if (n < 4) fail("binary composite", d, n);
  const auto fields = static_cast<std::int32_t>(be32(d));
  if (fields < 0) fail("binary composite", d, n);
  Composite c;
  c.type_oid = type_oid;
  Nested nested(s);
  std::size_t pos = 4;
  for (std::int32_t i = 0; i < fields; ++i) {
    if (n - pos < 8) fail("binary composite", d, n);
    const std::uint32_t field_oid = be32(d + pos);
    const auto len = static_cast<std::int32_t>(be32(d + pos + 4));
    pos += 8;
    ++c.fields;
    if (len == -1) {
      ++c.null_fields;
      element(s, field_oid, 1, nullptr, on);
      continue;
    }
    if (len < 0 || n - pos < static_cast<std::size_t>(len)) fail("binary composite", d, n);
    const std::string_view bytes(d + pos, static_cast<std::size_t>(len));
    pos += static_cast<std::size_t>(len);
    element(s, field_oid, 1, &bytes, on);
  }
  if (pos != n) fail("binary composite", d, n);
  return c;
}

// ---- ranges ---------------------------------------------------------------

std::uint32_t range_subtype(const char* d, std::size_t n, std::uint32_t type_oid, const Scratch& s) {
  const TypeDescription* t = describe_type(type_oid, s.catalog);
  if (t == nullptr || t->kind != TypeDescription::Kind::range) fail("range of an unknown subtype", d, n);
  return t->element_oid;
}

template <typename On>
Range walk_range_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& s, On&& on) {
  Range r;
  r.subtype_oid = range_subtype(d, n, type_oid, s);
  if (std::string_view(d, n) == "empty") {
    r.flags = Range::kEmpty;
    return r;
  }
  if (n < 3 || (d[0] != '[' && d[0] != '(') || (d[n - 1] != ']' && d[n - 1] != ')')) fail("range", d, n);
  if (d[0] == '[') r.flags |= Range::kLowerInclusive;
  if (d[n - 1] == ']') r.flags |= Range::kUpperInclusive;
  Nested nested(s);
  std::size_t pos = 1;
  bool quoted = false;
  if (d[pos] == ',') {
    r.flags |= Range::kLowerInfinite;
  } else {
    const std::string_view lower = text_element(d, n - 1, pos, ",", true, nested.buffer(), quoted);
    element(s, r.subtype_oid, 0, &lower, on);
  }
  if (pos >= n - 1 || d[pos] != ',') fail("range", d, n);
  ++pos;
  if (pos == n - 1) {
    r.flags |= Range::kUpperInfinite;
  } else {
    const std::string_view upper = text_element(d, n - 1, pos, "", true, nested.buffer(), quoted);
    element(s, r.subtype_oid, 0, &upper, on);
  }
  return r;
}

template <typename On>
Range walk_range_binary(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& s, On&& on) {
  // range_send: a flags byte, then each finite bound as int32 length + send bytes.
  if (n < 1) fail("binary range", d, n);
  Range r;
  r.subtype_oid = range_subtype(d, n, type_oid, s);
  r.flags = static_cast<std::uint8_t>(d[0]);
  Nested nested(s);
  std::size_t pos = 1;
  auto bound = [&](std::uint8_t infinite) {
    if ((r.flags & (Range::kEmpty | infinite)) != 0) return;
    if (n - pos < 4) fail("binary range", d, n);
    const auto len = static_cast<std::int32_t>(be32(d + pos));
    pos += 4;
    if (len < 0 || n - pos < static_cast<std::size_t>(len)) fail("binary range", d, n);
    const std::string_view bytes(d + pos, static_cast<std::size_t>(len));
    pos += static_cast<std::size_t>(len);
    element(s, r.subtype_oid, 1, &bytes, on);
  };
  bound(Range::kLowerInfinite);
  bound(Range::kUpperInfinite);
  if (pos != n) fail("binary range", d, n);
  return r;
}

// The decoders' visitor: fold every element into the container.
struct Folder {
  std::uint64_t acc = 0xCBF29CE484222325ULL;
  void operator()(const Value& v) { acc = mix(acc, fold_value(v)); }
};

// A container decoded with every element folded into it.
template <typename Result, Result (*Walk)(const char*, std::size_t, std::uint32_t, Scratch&, Folder&)>
Value folded(const char* d, std::size_t n, std::uint32_t type_oid, Scratch& s) {
  Folder f;
  Result r = Walk(d, n, type_oid, s, f);
  r.element_fold = f.acc;
  return r;
}

}  // namespace

Value array_text(const char* d, std::size_t n, std::uint32_t t, Scratch& s) {
  return folded<Array, walk_array_text<Folder&>>(d, n, t, s);
}
Value array_binary(const char* d, std::size_t n, std::uint32_t t, Scratch& s) {
  return folded<Array, walk_array_binary<Folder&>>(d, n, t, s);
}
Value composite_text(const char* d, std::size_t n, std::uint32_t t, Scratch& s) {
  return folded<Composite, walk_composite_text<Folder&>>(d, n, t, s);
}
Value composite_binary(const char* d, std::size_t n, std::uint32_t t, Scratch& s) {
  return folded<Composite, walk_composite_binary<Folder&>>(d, n, t, s);
}
Value range_text(const char* d, std::size_t n, std::uint32_t t, Scratch& s) {
  return folded<Range, walk_range_text<Folder&>>(d, n, t, s);
}
Value range_binary(const char* d, std::size_t n, std::uint32_t t, Scratch& s) {
  return folded<Range, walk_range_binary<Folder&>>(d, n, t, s);
}

void for_each_element(const char* data, std::size_t length, std::uint32_t type_oid, int format,
                      const TypeCatalog* catalog, const std::function<void(const Value&)>& on_element) {
  Scratch s;
  s.catalog = catalog;
  const ColumnDecoder d = resolve_decoder(type_oid, format, catalog);
  const std::uint32_t oid = d.decode_oid;
  auto on = [&on_element](const Value& v) { on_element(v); };
  if (d.fn == array_text)
    walk_array_text(data, length, oid, s, on);
  else if (d.fn == array_binary)
    walk_array_binary(data, length, oid, s, on);
  else if (d.fn == composite_text)
    walk_composite_text(data, length, oid, s, on);
  else if (d.fn == composite_binary)
    walk_composite_binary(data, length, oid, s, on);
  else if (d.fn == range_text)
    walk_range_text(data, length, oid, s, on);
  else if (d.fn == range_binary)
    walk_range_binary(data, length, oid, s, on);
  else
    throw std::invalid_argument("for_each_element: type " + std::to_string(type_oid) + " is not a container");
}

}  // namespace benchlab::decode
