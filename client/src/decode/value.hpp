// The typed C++ values a RowDecoder produces, one alternative per family of
// PostgreSQL types. Views (std::string_view, Bytea, Json, Raw, big Decimal
// digits) point into the PGresult or into storage that outlives them — see
// decoded_rows.hpp for who owns what.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>

namespace benchlab::decode {

// GCC/Clang 128-bit integer; __extension__ keeps -Wpedantic quiet.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

struct Null {
  friend bool operator==(Null, Null) = default;
};

// An exact decimal: unscaled * 10^-scale, or NaN/±Infinity. Values of more than
// 38 significant digits do not fit the 128-bit unscaled integer: they keep their
// decimal digits as text (the PostgreSQL text form, e.g. "-1234...5678.90").
// 24 bytes: the 128-bit integer is stored as two 64-bit words (8-byte aligned),
// and a big value's digit view shares those words.
class Decimal {
 public:
  enum class Kind : std::uint8_t { finite, nan, pos_infinity, neg_infinity, big };

  Decimal() = default;
  static Decimal finite(int128 unscaled, std::int16_t scale) {
    Decimal d;
    d.set_unscaled(unscaled);
    d.scale_ = scale;
    d.kind_ = Kind::finite;
    return d;
  }
  static Decimal special(Kind kind) {
    Decimal d;
    d.kind_ = kind;
    return d;
  }
  // `digits`: the PostgreSQL text form; must outlive the Decimal.
  static Decimal big(std::string_view digits, std::int16_t scale) {
    Decimal d;
    d.a_ = reinterpret_cast<std::uintptr_t>(digits.data());
    d.b_ = digits.size();
    d.scale_ = scale;
    d.kind_ = Kind::big;
    return d;
  }

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is_finite() const { return kind_ == Kind::finite || kind_ == Kind::big; }
  // Only for Kind::finite.
  [[nodiscard]] int128 unscaled() const { return static_cast<int128>((static_cast<uint128>(b_) << 64) | a_); }
  [[nodiscard]] std::int16_t scale() const { return scale_; }
  // Only for Kind::big.
  [[nodiscard]] std::string_view big_digits() const {
    return {reinterpret_cast<const char*>(static_cast<std::uintptr_t>(a_)), static_cast<std::size_t>(b_)};
  }
  // The PostgreSQL text form ("-1.50", "NaN", "Infinity", ...).
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Decimal& x, const Decimal& y) {
    if (x.kind_ != y.kind_ || x.scale_ != y.scale_) return false;
    if (x.kind_ == Kind::finite) return x.a_ == y.a_ && x.b_ == y.b_;
    if (x.kind_ == Kind::big) return x.big_digits() == y.big_digits();
    return true;
  }

 private:
  void set_unscaled(int128 v) {
    const auto u = static_cast<uint128>(v);
    a_ = static_cast<std::uint64_t>(u);
    b_ = static_cast<std::uint64_t>(u >> 64);
  }
  std::uint64_t a_ = 0;  // finite: low word; big: digits pointer
  std::uint64_t b_ = 0;  // finite: high word; big: digits length
  std::int16_t scale_ = 0;
  Kind kind_ = Kind::finite;
};

// timestamp and timestamptz: microseconds since 2000-01-01 00:00:00 (UTC for
// timestamptz), PostgreSQL's own representation; ±infinity as INT64 max/min.
// Which of the two it is, is the column's type (8 bytes per value, not 16).
struct Timestamp {
  static constexpr std::int64_t kInfinity = std::numeric_limits<std::int64_t>::max();
  static constexpr std::int64_t kNegInfinity = std::numeric_limits<std::int64_t>::min();
  // Seconds from 1970-01-01 to 2000-01-01.
  static constexpr std::int64_t kUnixTo2000Seconds = 946684800;
  std::int64_t us_since_2000 = 0;
  [[nodiscard]] bool is_finite() const { return us_since_2000 != kInfinity && us_since_2000 != kNegInfinity; }
  [[nodiscard]] std::int64_t unix_us() const { return us_since_2000 + kUnixTo2000Seconds * 1000000; }
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// date: days since 2000-01-01; ±infinity as INT32 max/min.
struct Date {
  static constexpr std::int32_t kInfinity = std::numeric_limits<std::int32_t>::max();
  static constexpr std::int32_t kNegInfinity = std::numeric_limits<std::int32_t>::min();
  std::int32_t days_since_2000 = 0;
  friend bool operator==(const Date&, const Date&) = default;
};

// The decoded bytes of a bytea (the text form's hex is decoded).
struct Bytea {
  std::string_view bytes;
  friend bool operator==(const Bytea&, const Bytea&) = default;
};

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const Uuid&, const Uuid&) = default;
};

// json/jsonb: the JSON text, validated by the exact scanner (decode/json_scan),
// and what it found: the root's type and, for an object or array, its number of
// members. No document tree is built (see docs/decoding.md).
struct Json {
  enum class Root : std::uint8_t { object, array, string, number, boolean, null };
  std::string_view text;
  std::uint32_t members = 0;
  Root root = Root::null;
  bool binary = false;  // jsonb, not json
  friend bool operator==(const Json&, const Json&) = default;
};

// A value of a type the decoder does not know: its wire bytes, and its type.
struct Raw {
  std::string_view bytes;
  std::uint32_t type_oid = 0;
  friend bool operator==(const Raw&, const Raw&) = default;
};

// interval: PostgreSQL's three fields, kept apart (a month is not a fixed number of days).
struct Interval {
  std::int64_t us = 0;
  std::int32_t days = 0;
  std::int32_t months = 0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

// time: microseconds since midnight (24:00:00 is 86400000000).
struct Time {
  std::int64_t us = 0;
  friend bool operator==(const Time&, const Time&) = default;
};

// timetz: local time of day and its zone as PostgreSQL keeps it: seconds *west*
// of UTC (12:00+02 has zone_west_s = -7200).
struct TimeTz {
  std::int64_t us = 0;
  std::int32_t zone_west_s = 0;
  friend bool operator==(const TimeTz&, const TimeTz&) = default;
};

// inet and cidr: family 4 or 6, the address in network order (4 or 16 bytes used),
// the netmask length, and which of the two types it came from.
struct Inet {
  std::array<std::uint8_t, 16> address{};
  std::uint8_t family = 4;
  std::uint8_t bits = 32;
  bool cidr = false;
  friend bool operator==(const Inet&, const Inet&) = default;
};

// macaddr (6 bytes) and macaddr8 (8 bytes).
struct MacAddr {
  std::array<std::uint8_t, 8> bytes{};
  std::uint8_t length = 6;
  friend bool operator==(const MacAddr&, const MacAddr&) = default;
};

// bit and varbit: `length` bits, packed most significant first (as PostgreSQL
// stores them); the padding bits of the last byte are zero.
struct Bits {
  std::string_view bytes;
  std::uint32_t length = 0;
  friend bool operator==(const Bits&, const Bits&) = default;
};

// money: an int64 in the currency's smallest unit (cents under lc_monetary=C).
struct Money {
  std::int64_t cents = 0;
  friend bool operator==(const Money&, const Money&) = default;
};

// Containers — arrays, composites (rows) and ranges — decode every element with
// the element type's own decoder; what is kept is their shape and a fold of the
// decoded elements (as Json keeps a summary, not a DOM). for_each_element()
// (type_decoders.hpp) hands out the elements themselves.
struct Array {
  std::uint64_t element_fold = 0;
  std::uint32_t element_oid = 0;
  std::uint32_t elements = 0;  // all dimensions together
  std::uint32_t null_elements = 0;
  std::uint8_t dimensions = 0;  // 0: an empty array
  friend bool operator==(const Array&, const Array&) = default;
};

struct Composite {
  std::uint64_t element_fold = 0;
  std::uint32_t type_oid = 0;
  std::uint32_t fields = 0;
  std::uint32_t null_fields = 0;
  friend bool operator==(const Composite&, const Composite&) = default;
};

struct Range {
  // range_send's flags: empty, lower/upper inclusive, lower/upper infinite.
  static constexpr std::uint8_t kEmpty = 0x01, kLowerInclusive = 0x02, kUpperInclusive = 0x04, kLowerInfinite = 0x08,
                                kUpperInfinite = 0x10;
  std::uint64_t element_fold = 0;  // of the bounds present
  std::uint32_t subtype_oid = 0;
  std::uint8_t flags = 0;
  friend bool operator==(const Range&, const Range&) = default;
};

// text, varchar, bpchar, name and enum labels decode to std::string_view (no
// copy); oid to std::uint32_t.
using Value = std::variant<Null, bool, std::int16_t, std::int32_t, std::int64_t, float, double, Decimal, Timestamp,
                           Date, std::string_view, Bytea, Uuid, Json, Raw, std::uint32_t, Interval, Time, TimeTz, Inet,
                           MacAddr, Bits, Money, Array, Composite, Range>;

// The order-sensitive mix of one decoded value that consume() folds (it reads the
// decoded result, not the wire bytes, so decoding cannot be optimized away).
std::uint64_t fold_value(const Value& v);
// A value as text, for tests and messages (not PostgreSQL's output format).
std::string describe(const Value& v);

// Type OIDs the decoder knows (pg_type.oid; stable across PostgreSQL versions).
namespace oid {
inline constexpr std::uint32_t kBool = 16, kBytea = 17, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
                               kJson = 114, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042, kVarchar = 1043, kDate = 1082,
                               kTimestamp = 1114, kTimestamptz = 1184, kNumeric = 1700, kUuid = 2950, kJsonb = 3802,
                               kOid = 26, kTime = 1083, kTimetz = 1266, kInterval = 1186, kInet = 869, kCidr = 650,
                               kMacaddr = 829, kMacaddr8 = 774, kBit = 1560, kVarbit = 1562, kMoney = 790,
                               kRecord = 2249;
}  // namespace oid

}  // namespace benchlab::decode
