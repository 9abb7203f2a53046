// RowDecoder: per result, resolve one decoder per column (by type OID and the
// column's wire format); per row, hash the wire bytes with the shared
// RowEncoder and decode every value. consume() folds each value into a kept
// accumulator (so the optimizer cannot drop the decoding); consume_and_keep()
// appends it to DecodedRows' typed columns. No heap allocation per row: the
// row-image buffer, the scratch buffer and the JSON scanner's stack are reused.
#include "decode/row_decoder.hpp"

#include <array>
#include <bit>
#include <cctype>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "decode/decoded_rows.hpp"
#include "decode/mask.hpp"
#include "decode/sha256.hpp"
#include "decode/type_decoders.hpp"

namespace benchlab {
namespace {

using decode::ColumnDecoder;
using decode::Value;

// Copies every byte a value views into `arena` (string, bytea, json, raw, big numeric).
void stabilize(Value& v, decode::ByteArena& arena) {
  std::visit(
      [&arena](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string_view>)
          x = arena.copy(x);
        else if constexpr (std::is_same_v<T, decode::Bytea> || std::is_same_v<T, decode::Raw> ||
                           std::is_same_v<T, decode::Bits>)
          x.bytes = arena.copy(x.bytes);
        else if constexpr (std::is_same_v<T, decode::Json>)
          x.text = arena.copy(x.text);
        else if constexpr (std::is_same_v<T, decode::Decimal>) {
          if (x.kind() == decode::Decimal::Kind::big) x = decode::Decimal::big(arena.copy(x.big_digits()), x.scale());
        }
      },
      v);
}

template <std::size_t... I>
decode::ColumnData make_column_data(std::size_t index, std::index_sequence<I...>) {
  decode::ColumnData d;
  (void)((index == I ? (d.template emplace<I>(), true) : false) || ...);
  return d;
}

// Appends to a column whose values live in alternative I (resolved once per
// result, like the decoders: no std::visit per value).
using AppendFn = void (*)(decode::Column&, const Value&);

template <std::size_t I>
void append_as(decode::Column& column, const Value& v) {
  auto& vec = *std::get_if<I>(&column.values);
  if (const auto* p = std::get_if<I>(&v)) {
    column.nulls.push_back(false);
    vec.push_back(*p);
  } else {
    column.nulls.push_back(true);  // NULL: a default value keeps the rows aligned
    vec.emplace_back();
  }
}

template <std::size_t... I>
constexpr std::array<AppendFn, sizeof...(I)> make_appenders(std::index_sequence<I...>) {
  return {&append_as<I>...};
}
constexpr auto kAppenders = make_appenders(std::make_index_sequence<std::variant_size_v<Value>>{});

template <typename T>
void reserve_for(std::vector<T>& vec, std::size_t want) {
  if (vec.capacity() < want) vec.reserve(std::max(want, vec.capacity() + vec.capacity() / 2));
}

}  // namespace

struct RowDecoder::Impl {
  Impl(TypeCatalog types, DigestAlgorithm digest, ColumnMasks column_masks)
      : catalog(std::move(types)), masks(std::move(column_masks)) {
    scratch.catalog = &catalog;
    if (digest == DigestAlgorithm::sha256) sha256.emplace();
    if (masks.any()) masker.emplace(masks.key ? *masks.key : std::string());
  }
  TypeCatalog catalog;  // the read's arrays, ranges, domains, enums and composites
  ColumnMasks masks;    // --mask: by column position
  std::optional<decode::Masker> masker;
  DecodeTotals totals;
  std::optional<Sha256> sha256;  // --digest sha256
  std::string row_image;         // RowEncoder's buffer, reused row after row
  decode::Scratch scratch;       // JSON scanner stack + bytes, reused
  std::vector<ColumnDecoder> columns;
  std::vector<AppendFn> appenders;  // consume_and_keep: one per column
  std::uint64_t sink = 0;           // the fold of every decoded value (keeps decoding observable)
  // COPY: the current row's fields (views into the message or copy_text), the
  // de-escaped text of fields that had escapes, and where the binary stream is.
  std::vector<std::optional<std::string_view>> copy_fields;
  std::vector<std::string> copy_text;
  bool copy_binary = false;
  bool copy_header_seen = false;

  // Resolves the per-column decoders when the shape changed (OIDs or formats).
  void resolve(const PGresult* result) {
    const int n = PQnfields(result);
    bool same = static_cast<int>(columns.size()) == n;
    for (int c = 0; same && c < n; ++c) {
      const ColumnDecoder& d = columns[static_cast<std::size_t>(c)];
      same = d.type_oid == PQftype(result, c) && d.format == PQfformat(result, c);
    }
    if (same) return;
    columns.clear();
    columns.reserve(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c) {
      ColumnDecoder d = decode::resolve_decoder(PQftype(result, c), PQfformat(result, c), &catalog);
      columns.push_back(d);
    }
    mark_masked();
  }

  // A masked column's value is its mask: text, viewing the Masker's buffer.
  void mark_masked() {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (!masks.masked(c)) continue;
      ColumnDecoder& d = columns[c];
      d.value_index = Value(std::string_view()).index();
      d.known = true;
      d.uses_scratch = true;
    }
  }

  bool split_binary(const char* data, std::size_t length);
  void split_text(const char* data, std::size_t length);

  // One row: field(c) gives column c's bytes (nullopt: NULL). The row is hashed into
  // the totals and every value decoded and handed to on_value(column, decoder,
  // value); the totals change only once the whole row has decoded.
  template <typename Field, typename OnValue>
  void decode_row(Field&& field, OnValue&& on_value) {
    RowEncoder<std::string> encoder(row_image);
    std::uint64_t row_bytes = 0, unknown = 0;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const ColumnDecoder& d = columns[c];
      const std::optional<std::string_view> bytes = field(c);
      if (!bytes) {
        encoder.add_null();
        on_value(c, d, Value(decode::Null{}));
        continue;
      }
      encoder.add_value(bytes->data(), bytes->size());
      row_bytes += bytes->size();
      if (masker && masks.masked(c)) {  // hashed as sent (above), then masked: never decoded
        on_value(c, d, Value(masker->mask(*masks.by_column[c], bytes->data(), bytes->size())));
        continue;
      }
      if (!d.known) ++unknown;
      on_value(c, d, d.fn(bytes->data(), bytes->size(), d.decode_oid, scratch));
    }
    totals.checksum.add_row(encoder.finish());
    if (sha256) totals.digest.add_row(sha256->hash(encoder.data(), encoder.size()));
    totals.bytes += row_bytes;
    totals.unknown_values += unknown;
    ++totals.rows;
  }

  // Row `r` of a PGresult.
  template <typename OnValue>
  void row(const PGresult* result, int r, OnValue&& on_value) {
    decode_row(
        [result, r](std::size_t col) -> std::optional<std::string_view> {
          const int c = static_cast<int>(col);
          if (PQgetisnull(result, r, c)) return std::nullopt;
          return std::string_view(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c)));
        },
        on_value);
  }
};

namespace {

constexpr char kCopySignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its terminating NUL

std::uint32_t be32(const char* p) {
  return (std::uint32_t{static_cast<unsigned char>(p[0])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(p[1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(p[2])} << 8) | std::uint32_t{static_cast<unsigned char>(p[3])};
}

std::uint16_t be16(const char* p) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(p[0]) << 8) | static_cast<unsigned char>(p[1]));
}

[[noreturn]] void bad_copy(const char* what) { throw decode::DecodeError(std::string("COPY data: ") + what); }

// Undoes COPY text escaping of one field into `out`: \b \f \n \r \t \v, octal
// \ddd, hex \xhh, and a backslash before any other character stands for it.
void unescape_copy_text(std::string_view field, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c != '\\' || i + 1 == field.size()) {
      out.push_back(c);
      continue;
    }
    const char e = field[++i];
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && i + 1 < field.size() && std::isxdigit(static_cast<unsigned char>(field[i + 1]))) {
          const char h = field[++i];
          v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          ++digits;
        }
        if (digits == 0)
          out.push_back('x');
        else
          out.push_back(static_cast<char>(v));
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int k = 0; k < 2 && i + 1 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '7'; ++k)
            v = v * 8 + (field[++i] - '0');
          out.push_back(static_cast<char>(v));
        } else {
          out.push_back(e);
        }
    }
  }
}

}  // namespace

RowDecoder::RowDecoder(TypeCatalog types, DigestAlgorithm digest, ColumnMasks masks)
    : impl_(std::make_unique<Impl>(std::move(types), digest, std::move(masks))) {}

std::size_t copy_binary_header_size(const char* data, std::size_t length) {
  // Signature, flags word, header extension length, the extension itself.
  if (length < 19 || std::memcmp(data, kCopySignature, 11) != 0) bad_copy("no binary COPY signature");
  // Bits 16-31 of the flags are critical: a reader that does not know one must stop.
  if ((be32(data + 11) & 0xFFFF0000U) != 0) bad_copy("binary COPY header with an unknown critical flag");
  const std::uint32_t extension = be32(data + 15);
  if (extension > length - 19) bad_copy("binary COPY header extension runs past the message");
  return 19 + static_cast<std::size_t>(extension);
}

void RowDecoder::expect_copy_rows(const std::vector<std::uint32_t>& type_oids, WireFormat format) {
  expect_copy(type_oids, format);
  impl_->copy_header_seen = true;
}

void RowDecoder::expect_copy(const std::vector<std::uint32_t>& type_oids, WireFormat format) {
  Impl& m = *impl_;
  m.columns.clear();
  for (const std::uint32_t oid : type_oids)
    m.columns.push_back(decode::resolve_decoder(oid, format == WireFormat::binary ? 1 : 0, &m.catalog));
  m.mark_masked();
  m.copy_binary = format == WireFormat::binary;
  m.copy_header_seen = false;
  m.copy_fields.assign(type_oids.size(), std::nullopt);
  m.copy_text.resize(type_oids.size());
}

// Splits one binary COPY message into copy_fields; false for the trailer.
bool RowDecoder::Impl::split_binary(const char* data, std::size_t length) {
  const char* p = data;
  const char* end = data + length;
  if (!copy_header_seen) {
    p += copy_binary_header_size(data, length);
    copy_header_seen = true;
  }
  if (end - p < 2) bad_copy("binary COPY tuple without its field count");
  const auto fields = static_cast<std::int16_t>(be16(p));
  p += 2;
  if (fields == -1) {  // the trailer
    if (p != end) bad_copy("binary COPY trailer followed by stray bytes");
    return false;
  }
  if (fields < 0 || static_cast<std::size_t>(fields) != columns.size())
    bad_copy("binary COPY tuple with an unexpected field count");
  for (auto& field : copy_fields) {
    if (end - p < 4) bad_copy("binary COPY field without its length");
    const auto len = static_cast<std::int32_t>(be32(p));
    p += 4;
    if (len == -1) {
      field = std::nullopt;
      continue;
    }
    if (len < 0 || end - p < len) bad_copy("binary COPY field runs past the message");
    field = std::string_view(p, static_cast<std::size_t>(len));
    p += len;
  }
  if (p != end) bad_copy("binary COPY tuple followed by stray bytes");
  return true;
}

// Splits one text COPY line into copy_fields, undoing escapes where there are any.
void RowDecoder::Impl::split_text(const char* data, std::size_t length) {
  std::string_view line(data, length);
  if (line.empty() || line.back() != '\n') bad_copy("text COPY row without its newline");
  line.remove_suffix(1);
  const std::size_t ncols = columns.size();
  std::size_t c = 0, start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    const std::string_view field = line.substr(start, tab == std::string_view::npos ? line.npos : tab - start);
    if (c >= ncols) bad_copy("text COPY row with more fields than columns");
    if (field == "\\N") {
      copy_fields[c] = std::nullopt;
    } else if (field.find('\\') == std::string_view::npos) {
      copy_fields[c] = field;  // nothing escaped: the wire bytes are the output text
    } else {
      unescape_copy_text(field, copy_text[c]);
      copy_fields[c] = std::string_view(copy_text[c]);
    }
    ++c;
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (c != ncols) bad_copy("text COPY row with fewer fields than columns");
}

std::uint64_t RowDecoder::consume_copy(const char* data, std::size_t length) {
  Impl& m = *impl_;
  if (m.copy_binary) {
    if (!m.split_binary(data, length)) return 0;
  } else {
    m.split_text(data, length);
  }
  std::uint64_t sink = m.sink;
  m.decode_row([&m](std::size_t c) { return m.copy_fields[c]; },
               [&sink](std::size_t, const ColumnDecoder&, const Value& v) {
                 sink = (sink ^ decode::fold_value(v)) * 0x100000001B3ULL;
               });
  m.sink = sink;
  return 1;
}
RowDecoder::~RowDecoder() = default;
RowDecoder::RowDecoder(RowDecoder&&) noexcept = default;
RowDecoder& RowDecoder::operator=(RowDecoder&&) noexcept = default;

const DecodeTotals& RowDecoder::totals() const { return impl_->totals; }
std::uint64_t RowDecoder::value_fold() const { return impl_->sink; }

std::uint64_t RowDecoder::consume(const PGresult* result) {
  if (result == nullptr) return 0;
  Impl& m = *impl_;
  const int rows = PQntuples(result);
  if (rows == 0) return 0;
  m.resolve(result);
  std::uint64_t sink = m.sink;
  for (int r = 0; r < rows; ++r) {
    m.row(result, r, [&sink](std::size_t, const ColumnDecoder&, const Value& v) {
      sink = (sink ^ decode::fold_value(v)) * 0x100000001B3ULL;
    });
  }
  m.sink = sink;
  return static_cast<std::uint64_t>(rows);
}

std::uint64_t RowDecoder::consume_and_keep(const PGresult* result, DecodedRows& keep) {
  if (result == nullptr) return 0;
  Impl& m = *impl_;
  const int rows = PQntuples(result);
  m.resolve(result);
  if (keep.columns_.empty() && keep.rows_ == 0) {
    for (const ColumnDecoder& d : m.columns) {
      decode::Column column;
      column.type_oid = d.type_oid;
      column.known = d.known;
      column.values = make_column_data(d.value_index, std::make_index_sequence<std::variant_size_v<Value>>{});
      keep.columns_.push_back(std::move(column));
    }
  } else {
    bool same = keep.columns_.size() == m.columns.size();
    for (std::size_t c = 0; same && c < m.columns.size(); ++c)
      same = keep.columns_[c].type_oid == m.columns[c].type_oid &&
             keep.columns_[c].values.index() == m.columns[c].value_index;
    if (!same) throw std::invalid_argument("consume_and_keep: result shape differs from the rows already kept");
  }
  if (rows == 0) return 0;

  const std::size_t want = keep.rows_ + static_cast<std::size_t>(rows);
  for (decode::Column& column : keep.columns_) {
    reserve_for(column.nulls, want);
    std::visit([want](auto& vec) { reserve_for(vec, want); }, column.values);
  }
  const bool owned = keep.owns(result);
  m.appenders.clear();
  for (const ColumnDecoder& d : m.columns) m.appenders.push_back(kAppenders[d.value_index]);
  try {
    for (int r = 0; r < rows; ++r) {
      m.row(result, r, [&](std::size_t c, const ColumnDecoder& d, Value v) {
        if (!owned || d.uses_scratch) stabilize(v, keep.arena_);
        m.appenders[c](keep.columns_[c], v);
      });
      ++keep.rows_;
    }
  } catch (...) {
    // A value that does not decode: drop the partial row so every column keeps rows() values.
    for (decode::Column& column : keep.columns_) {
      column.nulls.resize(keep.rows_);
      std::visit([&keep](auto& vec) { vec.resize(keep.rows_); }, column.values);
    }
    throw;
  }
  return static_cast<std::uint64_t>(rows);
}

}  // namespace benchlab
