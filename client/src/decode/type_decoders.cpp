// Text and binary decoders, one small function per (type, format). Text forms
// are the ones a benchlab session prints (TimeZone=UTC, DateStyle='ISO, MDY',
// extra_float_digits=1, bytea_output=hex); binary forms are the types' *_send
// functions: network byte order, numeric as base-10000 digits, timestamps as
// int64 microseconds since 2000-01-01.
#include "decode/type_decoders.hpp"

#include "decode/json_scan.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>

#include <arpa/inet.h>

namespace benchlab::decode {

void fail(std::string_view what, const char* data, std::size_t length) {
  std::string shown(data, length < 64 ? length : 64);
  throw DecodeError(std::string("cannot decode ") + std::string(what) + " from '" + shown + "'");
}

namespace {

// ---- network byte order -------------------------------------------------

template <typename U>
U load_be(const char* p) {
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | static_cast<unsigned char>(p[i]));
  return v;
}

void expect_length(std::size_t length, std::size_t want, std::string_view what, const char* data) {
  if (length != want) fail(what, data, length);
}

// ---- small text helpers -------------------------------------------------

template <typename T>
T parse_int(const char* data, std::size_t length, std::string_view what) {
  T v{};
  const auto [end, ec] = std::from_chars(data, data + length, v);
  if (ec != std::errc() || end != data + length) fail(what, data, length);
  return v;
}

// Reads exactly `n` decimal digits at text[pos].
bool digits_at(std::string_view text, std::size_t pos, std::size_t n, std::int64_t& out) {
  if (pos + n > text.size()) return false;
  std::int64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::int64_t kUsPerSecond = 1000000;
constexpr std::int64_t kUsPerDay = 86400 * kUsPerSecond;

// ---- bool, integers, floats ---------------------------------------------

Value bool_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  if (n == 1 && d[0] == 't') return true;
  if (n == 1 && d[0] == 'f') return false;
  fail("bool", d, n);
}
Value bool_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 1, "binary bool", d);
  return d[0] != 0;
}

template <typename T>
Value int_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  return parse_int<T>(d, n, "integer");
}
template <typename T>
Value int_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  using U = std::make_unsigned_t<T>;
  expect_length(n, sizeof(T), "binary integer", d);
  return static_cast<T>(load_be<U>(d));
}

template <typename T>
Value float_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  // from_chars accepts "Infinity", "-Infinity" and "NaN" (case-insensitive).
  T v{};
  const auto [end, ec] = std::from_chars(d, d + n, v);
  if (ec != std::errc() || end != d + n) fail("float", d, n);
  return v;
}
template <typename T, typename U>
Value float_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  static_assert(sizeof(T) == sizeof(U));
  expect_length(n, sizeof(T), "binary float", d);
  const U bits = load_be<U>(d);
  T v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// ---- numeric ------------------------------------------------------------

constexpr int kMaxPow10 = 38;
constexpr std::array<int128, kMaxPow10 + 1> make_pow10() {
  std::array<int128, kMaxPow10 + 1> p{};
  p[0] = 1;
  for (int i = 1; i <= kMaxPow10; ++i) p[static_cast<std::size_t>(i)] = p[static_cast<std::size_t>(i - 1)] * 10;
  return p;
}
constexpr auto kPow10 = make_pow10();
constexpr std::array<std::uint64_t, 19> kPow10u64 = {1ULL,
                                                     10ULL,
                                                     100ULL,
                                                     1000ULL,
                                                     10000ULL,
                                                     100000ULL,
                                                     1000000ULL,
                                                     10000000ULL,
                                                     100000000ULL,
                                                     1000000000ULL,
                                                     10000000000ULL,
                                                     100000000000ULL,
                                                     1000000000000ULL,
                                                     10000000000000ULL,
                                                     100000000000000ULL,
                                                     1000000000000000ULL,
                                                     10000000000000000ULL,
                                                     100000000000000000ULL,
                                                     1000000000000000000ULL};

Value numeric_text(const char* d, std::size_t n, std::uint32_t, Scratch&) { return parse_numeric_text({d, n}); }

// numeric_send: int16 ndigits, int16 weight, uint16 sign, int16 dscale, then
// ndigits base-10000 digits; value = sum(digit[i] * 10000^(weight - i)).
// A binary numeric's fields (numeric_send): base-10000 digits, the weight of the
// first, the display scale, the sign.
struct NumericWire {
  const char* d;  // the whole value, for error messages
  std::size_t n;
  int ndigits, weight, dscale;
  bool negative;
  [[nodiscard]] int digit(int i) const {
    return (i >= 0 && i < ndigits) ? static_cast<int>(load_be<std::uint16_t>(d + 8 + 2 * i)) : 0;
  }
};

// At most 18 decimal digits in all (4 * (weight + 1) + dscale <= 18) sum in 64 bits
// without overflow checks: every amount of the standard table.
Value numeric_small(const NumericWire& w) {
  std::uint64_t sum = 0;
  for (int i = 0; i < w.ndigits; ++i) {
    const auto digit = static_cast<std::uint64_t>(w.digit(i));
    if (digit > 9999) fail("binary numeric digit", w.d, w.n);
    const int exponent = 4 * (w.weight - i) + w.dscale;
    if (exponent >= 0)
      sum += digit * kPow10u64[static_cast<std::size_t>(exponent)];
    else if (exponent > -4)
      sum += digit / kPow10u64[static_cast<std::size_t>(-exponent)];
  }
  const auto v = static_cast<std::int64_t>(sum);
  return Decimal::finite(w.negative ? -v : v, static_cast<std::int16_t>(w.dscale));
}

// Up to 38 digits in a 128-bit unscaled integer; nullopt when it does not fit.
std::optional<Value> numeric_int128(const NumericWire& w) {
  int128 unscaled = 0;
  for (int i = 0; i < w.ndigits; ++i) {
    const int digit = w.digit(i);
    if (digit < 0 || digit > 9999) fail("binary numeric digit", w.d, w.n);
    if (digit == 0) continue;
    const int exponent = 4 * (w.weight - i) + w.dscale;  // of 10, in the unscaled integer
    int128 term;
    if (exponent >= 0) {
      if (exponent > kMaxPow10 ||
          __builtin_mul_overflow(static_cast<int128>(digit), kPow10[static_cast<std::size_t>(exponent)], &term))
        return std::nullopt;
    } else if (exponent > -4) {
      // Digits beyond dscale are zero: the division is exact.
      term = static_cast<int128>(digit) / kPow10[static_cast<std::size_t>(-exponent)];
    } else {
      continue;  // wholly beyond dscale (zero by construction)
    }
    if (__builtin_add_overflow(unscaled, term, &unscaled)) return std::nullopt;
  }
  return Decimal::finite(w.negative ? -unscaled : unscaled, static_cast<std::int16_t>(w.dscale));
}

// The four decimal digits of one base-10000 digit.
void four_digits(int v, char (&buf)[4]) {
  for (int k = 3; k >= 0; --k) {
    buf[k] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// More than 38 digits: PostgreSQL's text form, built in scratch.
Value numeric_as_text(const NumericWire& w, Scratch& scratch) {
  std::string& out = scratch.bytes;
  out.clear();
  if (w.negative) out.push_back('-');
  char buf[4];
  if (w.weight < 0) {
    out.push_back('0');
  } else {
    for (int i = 0; i <= w.weight; ++i) {
      four_digits(w.digit(i), buf);
      int skip = 0;
      if (i == 0)
        while (skip < 3 && buf[skip] == '0') ++skip;  // no leading zeros
      out.append(buf + skip, static_cast<std::size_t>(4 - skip));
    }
  }
  if (w.dscale > 0) {
    out.push_back('.');
    int written = 0;
    for (int i = w.weight + 1; written < w.dscale; ++i) {
      four_digits(w.digit(i), buf);
      for (int k = 0; k < 4 && written < w.dscale; ++k, ++written) out.push_back(buf[k]);
    }
  }
  return Decimal::big(out, static_cast<std::int16_t>(w.dscale));
}

Value numeric_binary(const char* d, std::size_t n, std::uint32_t, Scratch& scratch) {
  if (n < 8) fail("binary numeric", d, n);
  const auto ndigits = static_cast<std::int16_t>(load_be<std::uint16_t>(d));
  const auto weight = static_cast<std::int16_t>(load_be<std::uint16_t>(d + 2));
  const auto sign = load_be<std::uint16_t>(d + 4);
  const auto dscale = static_cast<std::int16_t>(load_be<std::uint16_t>(d + 6));
  if (ndigits < 0 || dscale < 0 || n != 8 + 2 * static_cast<std::size_t>(ndigits)) fail("binary numeric", d, n);
  switch (sign) {
    case 0x0000:
    case 0x4000:
      break;
    case 0xC000:
      return Decimal::special(Decimal::Kind::nan);
    case 0xD000:
      return Decimal::special(Decimal::Kind::pos_infinity);
    case 0xF000:
      return Decimal::special(Decimal::Kind::neg_infinity);
    default:
      fail("binary numeric sign", d, n);
  }
  const NumericWire w{d, n, ndigits, weight, dscale, sign == 0x4000};
  if (4 * w.weight + w.dscale <= 14) return numeric_small(w);
  if (auto v = numeric_int128(w)) return *v;
  return numeric_as_text(w, scratch);
}

// ---- timestamps and dates -----------------------------------------------

Value timestamp_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  return Timestamp{parse_timestamp_text({d, n}, false)};
}
Value timestamptz_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  return Timestamp{parse_timestamp_text({d, n}, true)};
}
Value timestamp_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 8, "binary timestamp", d);
  return Timestamp{static_cast<std::int64_t>(load_be<std::uint64_t>(d))};
}
Value date_text(const char* d, std::size_t n, std::uint32_t, Scratch&) { return Date{parse_date_text({d, n})}; }
Value date_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 4, "binary date", d);
  return Date{static_cast<std::int32_t>(load_be<std::uint32_t>(d))};
}

// ---- strings, bytea, uuid -------------------------------------------------

// text, varchar, bpchar, name: identical bytes in both formats (client_encoding UTF8).
Value string_any(const char* d, std::size_t n, std::uint32_t, Scratch&) { return std::string_view(d, n); }

Value bytea_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) { return Bytea{{d, n}}; }

Value bytea_text(const char* d, std::size_t n, std::uint32_t, Scratch& scratch) {
  std::string& out = scratch.bytes;
  out.clear();
  if (n >= 2 && d[0] == '\\' && d[1] == 'x') {
    if ((n - 2) % 2 != 0) fail("bytea", d, n);
    out.resize((n - 2) / 2);
    for (std::size_t i = 2, o = 0; i < n; i += 2, ++o) {
      const int hi = hex_value(d[i]), lo = hex_value(d[i + 1]);
      if (hi < 0 || lo < 0) fail("bytea", d, n);
      out[o] = static_cast<char>((hi << 4) | lo);
    }
  } else {
    // bytea_output = escape: \\ and \ooo octal, everything else literal.
    for (std::size_t i = 0; i < n;) {
      if (d[i] != '\\') {
        out.push_back(d[i++]);
      } else if (i + 1 < n && d[i + 1] == '\\') {
        out.push_back('\\');
        i += 2;
      } else if (i + 3 < n && d[i + 1] >= '0' && d[i + 1] <= '3' && d[i + 2] >= '0' && d[i + 2] <= '7' &&
                 d[i + 3] >= '0' && d[i + 3] <= '7') {
        out.push_back(static_cast<char>(((d[i + 1] - '0') << 6) | ((d[i + 2] - '0') << 3) | (d[i + 3] - '0')));
        i += 4;
      } else {
        fail("bytea", d, n);
      }
    }
  }
  return Bytea{out};
}

Value uuid_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 16, "binary uuid", d);
  Uuid u;
  std::memcpy(u.bytes.data(), d, 16);
  return u;
}
Value uuid_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  // uuid_out: 8-4-4-4-12 lower-case hex.
  if (n != 36) fail("uuid", d, n);
  Uuid u;
  std::size_t o = 0;
  for (std::size_t i = 0; i < n;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (d[i] != '-') fail("uuid", d, n);
      ++i;
      continue;
    }
    const int hi = hex_value(d[i]), lo = hex_value(d[i + 1]);
    if (hi < 0 || lo < 0) fail("uuid", d, n);
    u.bytes[o++] = static_cast<std::uint8_t>((hi << 4) | lo);
    i += 2;
  }
  return u;
}

// ---- json / jsonb -----------------------------------------------------------

Json parse_json(const char* d, std::size_t n, bool binary, Scratch& scratch) {
  // The exact scanner (decode/json_scan.hpp): validates the whole document,
  // keeps every digit of every number, allocates nothing once warm.
  const auto shape = scan_json({d, n}, scratch.json_open);
  if (!shape) fail(binary ? "jsonb" : "json", d, n);
  Json j;
  j.text = {d, n};
  j.binary = binary;
  j.root = shape->root;
  j.members = shape->members;
  return j;
}

Value json_any(const char* d, std::size_t n, std::uint32_t, Scratch& scratch) {
  return parse_json(d, n, false, scratch);
}
Value jsonb_text(const char* d, std::size_t n, std::uint32_t, Scratch& scratch) {
  return parse_json(d, n, true, scratch);
}
Value jsonb_binary(const char* d, std::size_t n, std::uint32_t, Scratch& scratch) {
  // jsonb_send: a version byte (1), then the JSON text.
  if (n < 1 || d[0] != 1) fail("binary jsonb", d, n);
  return parse_json(d + 1, n - 1, true, scratch);
}

// ---- oid, interval, time, timetz ------------------------------------------

Value oid_text(const char* d, std::size_t n, std::uint32_t, Scratch&) { return parse_int<std::uint32_t>(d, n, "oid"); }
Value oid_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 4, "binary oid", d);
  return load_be<std::uint32_t>(d);
}

// "HH:MM:SS[.ffffff]" at text[pos] (hours of one or more digits: intervals hold
// any number of them); returns microseconds and moves pos past it.
bool parse_clock(std::string_view text, std::size_t& pos, std::int64_t& us_out) {
  std::int64_t hh = 0;
  const std::size_t start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 12)
    hh = hh * 10 + (text[pos++] - '0');
  std::int64_t mm = 0, ss = 0;
  if (pos == start || pos >= text.size() || text[pos] != ':' || !digits_at(text, pos + 1, 2, mm) ||
      pos + 3 >= text.size() || text[pos + 3] != ':' || !digits_at(text, pos + 4, 2, ss))
    return false;
  pos += 6;
  std::int64_t fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100000;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale == 0) return false;
      fraction += (text[pos++] - '0') * scale;
      scale /= 10;
    }
    if (pos == digits_start) return false;
  }
  us_out = ((hh * 60 + mm) * 60 + ss) * kUsPerSecond + fraction;
  return true;
}

Value time_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  std::size_t pos = 0;
  std::int64_t us = 0;
  if (!parse_clock({d, n}, pos, us) || pos != n) fail("time", d, n);
  return Time{us};
}
Value time_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 8, "binary time", d);
  return Time{static_cast<std::int64_t>(load_be<std::uint64_t>(d))};
}
Value timetz_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  const std::string_view text(d, n);
  std::size_t pos = 0;
  std::int64_t us = 0;
  if (!parse_clock(text, pos, us) || pos >= n || (d[pos] != '+' && d[pos] != '-')) fail("timetz", d, n);
  const std::int64_t sign = d[pos] == '-' ? -1 : 1;
  std::int64_t oh = 0, om = 0, os = 0;
  if (!digits_at(text, pos + 1, 2, oh)) fail("timetz", d, n);
  pos += 3;
  if (pos < n && d[pos] == ':') {
    if (!digits_at(text, pos + 1, 2, om)) fail("timetz", d, n);
    pos += 3;
    if (pos < n && d[pos] == ':') {
      if (!digits_at(text, pos + 1, 2, os)) fail("timetz", d, n);
      pos += 3;
    }
  }
  if (pos != n) fail("timetz", d, n);
  // The text shows the offset east of UTC; PostgreSQL keeps seconds west.
  return TimeTz{us, static_cast<std::int32_t>(-sign * (oh * 3600 + om * 60 + os))};
}
Value timetz_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 12, "binary timetz", d);
  return TimeTz{static_cast<std::int64_t>(load_be<std::uint64_t>(d)),
                static_cast<std::int32_t>(load_be<std::uint32_t>(d + 8))};
}

// IntervalStyle=postgres: "[N year[s]] [N mon[s]] [N day[s]] [[+|-]H:MM:SS[.f]]",
// every part signed on its own ("-1 days +02:03:00"), "00:00:00" for zero.
Value interval_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  const std::string_view text(d, n);
  Interval v;
  std::size_t pos = 0;
  bool any = false;
  while (pos < n) {
    if (d[pos] == ' ') {
      ++pos;
      continue;
    }
    bool negative = false;
    std::size_t p = pos;
    if (d[p] == '+' || d[p] == '-') negative = d[p++] == '-';
    const std::size_t digits = p;
    while (p < n && d[p] >= '0' && d[p] <= '9') ++p;
    if (p == digits) fail("interval", d, n);
    if (p < n && d[p] == ':') {  // the clock
      std::size_t q = digits;
      std::int64_t us = 0;
      if (!parse_clock(text, q, us)) fail("interval", d, n);
      v.us = negative ? -us : us;
      pos = q;
      any = true;
      continue;
    }
    const auto number = parse_int<std::int64_t>(d + digits, p - digits, "interval");
    if (p >= n || d[p] != ' ') fail("interval", d, n);
    std::size_t u = p + 1;
    while (u < n && d[u] != ' ') ++u;
    const std::string_view unit = text.substr(p + 1, u - p - 1);
    const std::int64_t signed_number = negative ? -number : number;
    if (unit == "year" || unit == "years")
      v.months += static_cast<std::int32_t>(signed_number * 12);
    else if (unit == "mon" || unit == "mons")
      v.months += static_cast<std::int32_t>(signed_number);
    else if (unit == "day" || unit == "days")
      v.days += static_cast<std::int32_t>(signed_number);
    else
      fail("interval", d, n);
    pos = u;
    any = true;
  }
  if (!any) fail("interval", d, n);
  return v;
}
Value interval_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 16, "binary interval", d);
  return Interval{static_cast<std::int64_t>(load_be<std::uint64_t>(d)),
                  static_cast<std::int32_t>(load_be<std::uint32_t>(d + 8)),
                  static_cast<std::int32_t>(load_be<std::uint32_t>(d + 12))};
}

// ---- inet, cidr, macaddr, bit strings, money --------------------------------

Value inet_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch&) {
  // inet_out / cidr_out: the address, then "/bits" (inet omits it for a host).
  const std::string_view text(d, n);
  const std::size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  Inet v;
  v.cidr = type_oid == oid::kCidr;
  const bool six = address.find(':') != std::string::npos;
  v.family = six ? 6 : 4;
  if (inet_pton(six ? AF_INET6 : AF_INET, address.c_str(), v.address.data()) != 1) fail("inet", d, n);
  v.bits = six ? 128 : 32;
  if (slash != std::string_view::npos) {
    const auto bits = parse_int<unsigned>(d + slash + 1, n - slash - 1, "inet");
    if (bits > v.bits) fail("inet", d, n);
    v.bits = static_cast<std::uint8_t>(bits);
  }
  return v;
}
Value inet_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  // network_send: family (2 = IPv4, 3 = IPv6), bits, is_cidr, address length, address.
  if (n < 4) fail("binary inet", d, n);
  const auto family = static_cast<unsigned char>(d[0]);
  const auto length = static_cast<unsigned char>(d[3]);
  if ((family != 2 && family != 3) || length != (family == 2 ? 4U : 16U) || n != 4U + length) fail("binary inet", d, n);
  Inet v;
  v.family = family == 2 ? 4 : 6;
  v.bits = static_cast<std::uint8_t>(d[1]);
  v.cidr = d[2] != 0;
  std::memcpy(v.address.data(), d + 4, length);
  return v;
}

Value macaddr_text(const char* d, std::size_t n, std::uint32_t type_oid, Scratch&) {
  MacAddr v;
  v.length = type_oid == oid::kMacaddr8 ? 8 : 6;
  if (n != v.length * 3U - 1) fail("macaddr", d, n);
  for (std::size_t i = 0; i < v.length; ++i) {
    const int hi = hex_value(d[3 * i]), lo = hex_value(d[3 * i + 1]);
    if (hi < 0 || lo < 0 || (i + 1 < v.length && d[3 * i + 2] != ':')) fail("macaddr", d, n);
    v.bytes[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return v;
}
Value macaddr_binary(const char* d, std::size_t n, std::uint32_t type_oid, Scratch&) {
  MacAddr v;
  v.length = type_oid == oid::kMacaddr8 ? 8 : 6;
  expect_length(n, v.length, "binary macaddr", d);
  std::memcpy(v.bytes.data(), d, v.length);
  return v;
}

Value bits_text(const char* d, std::size_t n, std::uint32_t, Scratch& scratch) {
  std::string& out = scratch.bytes;
  out.assign((n + 7) / 8, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    if (d[i] == '1')
      out[i / 8] = static_cast<char>(static_cast<unsigned char>(out[i / 8]) | (0x80U >> (i % 8)));
    else if (d[i] != '0')
      fail("bit string", d, n);
  }
  return Bits{out, static_cast<std::uint32_t>(n)};
}
Value bits_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  // bit_send: int32 length in bits, then the bytes.
  if (n < 4) fail("binary bit string", d, n);
  const auto bits = load_be<std::uint32_t>(d);
  if (n - 4 != (static_cast<std::size_t>(bits) + 7) / 8) fail("binary bit string", d, n);
  return Bits{{d + 4, n - 4}, bits};
}

// cash_out under lc_monetary=C (the session pins it): "$1,234.56", "-$1,234.56".
Value money_text(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  bool negative = false, digits = false;
  int128 v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = d[i];
    if (c >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      digits = true;
      if (v > (int128{1} << 63)) fail("money", d, n);
    } else if (c == '-' && !digits) {
      negative = true;
    } else if (c != '$' && c != ',' && c != '.') {
      fail("money", d, n);
    }
  }
  if (!digits || (!negative && v == (int128{1} << 63))) fail("money", d, n);
  return Money{static_cast<std::int64_t>(negative ? -v : v)};
}
Value money_binary(const char* d, std::size_t n, std::uint32_t, Scratch&) {
  expect_length(n, 8, "binary money", d);
  return Money{static_cast<std::int64_t>(load_be<std::uint64_t>(d))};
}

Value raw_any(const char* d, std::size_t n, std::uint32_t type_oid, Scratch&) { return Raw{{d, n}, type_oid}; }

template <typename T>
constexpr std::size_t index_of() {
  return Value(T{}).index();
}

}  // namespace

// ---- the text parsers -------------------------------------------------------

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's days_from_civil, shifted from 1970-01-01 to 2000-01-01, on
  // years moved up by 1000 eras (400,000 years, beyond any PostgreSQL date) so
  // that all arithmetic is unsigned: divisions by constants become multiplications.
  constexpr std::int64_t kShiftEras = 1000;
  const auto y = static_cast<std::uint64_t>(year + kShiftEras * 400 - (month <= 2 ? 1 : 0));
  const std::uint64_t era = y / 400;
  const std::uint64_t yoe = y - era * 400;
  const std::uint64_t mp = (month + 9) % 12;  // March = 0
  const std::uint64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era * 146097 + doe) - kShiftEras * 146097 - 719468 - 10957;
}

namespace {
// Parses "YYYY-MM-DD" (year of 4 or more digits) at the start of text, then an
// optional " BC" at the very end (1 BC is astronomical year 0); returns the
// position after the date, or npos.
std::size_t parse_ymd(std::string_view text, bool bc, std::int64_t& days_out) {
  std::size_t pos = 0;
  std::int64_t year = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos < 9) year = year * 10 + (text[pos++] - '0');
  if (pos < 4 || pos >= text.size() || text[pos] != '-') return std::string_view::npos;
  std::int64_t month = 0, day = 0;
  if (!digits_at(text, pos + 1, 2, month) || text.size() <= pos + 3 || text[pos + 3] != '-' ||
      !digits_at(text, pos + 4, 2, day))
    return std::string_view::npos;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string_view::npos;
  days_out = days_from_civil(bc ? 1 - year : year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return pos + 6;
}

// The common case at fixed positions: "YYYY-MM-DD HH:MM:SS" (4-digit year, AD).
bool fixed_date_time(std::string_view text, std::int64_t& days, std::int64_t& hh, std::int64_t& mm, std::int64_t& ss) {
  const char* p = text.data();
  const std::size_t n = text.size();
  if (n < 19 || p[4] != '-' || p[7] != '-' || p[10] != ' ' || p[13] != ':' || p[16] != ':' || p[n - 1] == 'C')
    return false;
  bool ok = true;
  auto two = [p, &ok](std::size_t i) -> std::int64_t {
    const auto a = static_cast<unsigned>(p[i] - '0'), b = static_cast<unsigned>(p[i + 1] - '0');
    ok = ok && a < 10 && b < 10;
    return static_cast<std::int64_t>(a * 10 + b);
  };
  const std::int64_t year = two(0) * 100 + two(2), month = two(5), day = two(8);
  hh = two(11);
  mm = two(14);
  ss = two(17);
  if (!ok || month < 1 || month > 12 || day < 1 || day > 31) return false;
  days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return true;
}

bool strip_bc(std::string_view& text) {
  if (text.size() > 3 && text.substr(text.size() - 3) == " BC") {
    text.remove_suffix(3);
    return true;
  }
  return false;
}
}  // namespace

std::int32_t parse_date_text(std::string_view text) {
  if (text == "infinity") return Date::kInfinity;
  if (text == "-infinity") return Date::kNegInfinity;
  const std::string_view all = text;
  const bool bc = strip_bc(text);
  std::int64_t days = 0;
  if (parse_ymd(text, bc, days) != text.size()) fail("date", all.data(), all.size());
  return static_cast<std::int32_t>(days);
}

std::int64_t parse_timestamp_text(std::string_view text, bool with_time_zone) {
  if (text == "infinity") return Timestamp::kInfinity;
  if (text == "-infinity") return Timestamp::kNegInfinity;
  const std::string_view all = text;
  auto bad = [&]() { fail(with_time_zone ? "timestamptz" : "timestamp", all.data(), all.size()); };
  std::int64_t days = 0, hh = 0, mm = 0, ss = 0;
  std::size_t pos = 0;
  if (!fixed_date_time(text, days, hh, mm, ss)) {
    // Anything else: years of 5+ digits, BC.
    const bool bc = strip_bc(text);
    pos = parse_ymd(text, bc, days);
    if (pos == std::string_view::npos) bad();
    if (pos >= text.size() || text[pos] != ' ' || !digits_at(text, pos + 1, 2, hh) || text.size() <= pos + 3 ||
        text[pos + 3] != ':' || !digits_at(text, pos + 4, 2, mm) || text.size() <= pos + 6 || text[pos + 6] != ':' ||
        !digits_at(text, pos + 7, 2, ss))
      bad();
    pos += 9;
  } else {
    pos = 19;
  }
  std::int64_t fraction_us = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100000;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale == 0) bad();  // more than 6 fractional digits
      fraction_us += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) bad();
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    if (!with_time_zone) bad();
    const std::int64_t sign = text[pos] == '-' ? -1 : 1;
    std::int64_t oh = 0, om = 0, os = 0;
    if (!digits_at(text, pos + 1, 2, oh)) bad();
    pos += 3;
    if (pos < text.size() && text[pos] == ':') {
      if (!digits_at(text, pos + 1, 2, om)) bad();
      pos += 3;
      if (pos < text.size() && text[pos] == ':') {
        if (!digits_at(text, pos + 1, 2, os)) bad();
        pos += 3;
      }
    }
    offset_seconds = sign * (oh * 3600 + om * 60 + os);
  } else if (with_time_zone) {
    bad();
  }
  if (pos != text.size()) bad();
  return days * kUsPerDay + ((hh * 60 + mm) * 60 + ss - offset_seconds) * kUsPerSecond + fraction_us;
}

Decimal parse_numeric_text(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p != end && (*p == 'N' || *p == 'I' || (*p == '-' && p + 1 != end && p[1] == 'I'))) {
    if (text == "NaN") return Decimal::special(Decimal::Kind::nan);
    if (text == "Infinity") return Decimal::special(Decimal::Kind::pos_infinity);
    if (text == "-Infinity") return Decimal::special(Decimal::Kind::neg_infinity);
    fail("numeric", text.data(), text.size());
  }
  bool negative = false;
  if (p != end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  const char* point = nullptr;
  const char* const digits_begin = p;
  // Fast path: up to 19 digits accumulate in 64 bits (10^19 - 1 < 2^64).
  std::uint64_t small = 0;
  int taken = 0;
  for (; p != end && taken < 19; ++p) {
    const char c = *p;
    if (c == '.') {
      if (point != nullptr) fail("numeric", text.data(), text.size());
      point = p;
      continue;
    }
    if (c < '0' || c > '9') fail("numeric", text.data(), text.size());
    small = small * 10 + static_cast<unsigned>(c - '0');
    ++taken;
  }
  int128 unscaled = static_cast<int128>(small);
  bool fits = true;
  for (; p != end; ++p) {
    const char c = *p;
    if (c == '.') {
      if (point != nullptr) fail("numeric", text.data(), text.size());
      point = p;
      continue;
    }
    if (c < '0' || c > '9') fail("numeric", text.data(), text.size());
    if (fits &&
        (__builtin_mul_overflow(unscaled, 10, &unscaled) || __builtin_add_overflow(unscaled, c - '0', &unscaled)))
      fits = false;
  }
  const auto total_chars = end - digits_begin;
  if (total_chars == 0 || (point != nullptr && total_chars == 1)) fail("numeric", text.data(), text.size());
  const auto scale = point == nullptr ? 0 : end - point - 1;
  if (scale > 0x7FFF) fail("numeric", text.data(), text.size());
  if (!fits) return Decimal::big(text, static_cast<std::int16_t>(scale));
  return Decimal::finite(negative ? -unscaled : unscaled, static_cast<std::int16_t>(scale));
}

namespace {

// The built-in scalars, by OID; known = false for anything else.
ColumnDecoder resolve_scalar(std::uint32_t type_oid, int format) {
  const bool bin = format == 1;
  ColumnDecoder c;
  c.type_oid = type_oid;
  c.decode_oid = type_oid;
  c.format = format;
  c.known = true;
  auto set = [&](DecodeFn fn, std::size_t index, bool scratch = false) {
    c.fn = fn;
    c.value_index = index;
    c.uses_scratch = scratch;
  };
  switch (type_oid) {
    case oid::kBool:
      set(bin ? bool_binary : bool_text, index_of<bool>());
      break;
    case oid::kInt2:
      set(bin ? int_binary<std::int16_t> : int_text<std::int16_t>, index_of<std::int16_t>());
      break;
    case oid::kInt4:
      set(bin ? int_binary<std::int32_t> : int_text<std::int32_t>, index_of<std::int32_t>());
      break;
    case oid::kInt8:
      set(bin ? int_binary<std::int64_t> : int_text<std::int64_t>, index_of<std::int64_t>());
      break;
    case oid::kFloat4:
      set(bin ? float_binary<float, std::uint32_t> : float_text<float>, index_of<float>());
      break;
    case oid::kFloat8:
      set(bin ? float_binary<double, std::uint64_t> : float_text<double>, index_of<double>());
      break;
    case oid::kNumeric:
      set(bin ? numeric_binary : numeric_text, index_of<Decimal>(), bin);
      break;
    case oid::kTimestamp:
      set(bin ? timestamp_binary : timestamp_text, index_of<Timestamp>());
      break;
    case oid::kTimestamptz:
      set(bin ? timestamp_binary : timestamptz_text, index_of<Timestamp>());
      break;
    case oid::kDate:
      set(bin ? date_binary : date_text, index_of<Date>());
      break;
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
      set(string_any, index_of<std::string_view>());
      break;
    case oid::kBytea:
      set(bin ? bytea_binary : bytea_text, index_of<Bytea>(), !bin);
      break;
    case oid::kUuid:
      set(bin ? uuid_binary : uuid_text, index_of<Uuid>());
      break;
    case oid::kJson:
      set(json_any, index_of<Json>());
      break;
    case oid::kJsonb:
      set(bin ? jsonb_binary : jsonb_text, index_of<Json>());
      break;
    case oid::kOid:
      set(bin ? oid_binary : oid_text, index_of<std::uint32_t>());
      break;
    case oid::kInterval:
      set(bin ? interval_binary : interval_text, index_of<Interval>());
      break;
    case oid::kTime:
      set(bin ? time_binary : time_text, index_of<Time>());
      break;
    case oid::kTimetz:
      set(bin ? timetz_binary : timetz_text, index_of<TimeTz>());
      break;
    case oid::kInet:
    case oid::kCidr:
      set(bin ? inet_binary : inet_text, index_of<Inet>());
      break;
    case oid::kMacaddr:
    case oid::kMacaddr8:
      set(bin ? macaddr_binary : macaddr_text, index_of<MacAddr>());
      break;
    case oid::kBit:
    case oid::kVarbit:
      set(bin ? bits_binary : bits_text, index_of<Bits>(), !bin);
      break;
    case oid::kMoney:
      set(bin ? money_binary : money_text, index_of<Money>());
      break;
    default:
      c.known = false;
      set(raw_any, index_of<Raw>());
      break;
  }
  return c;
}

TypeDescription builtin(std::uint32_t oid, TypeDescription::Kind kind, std::uint32_t element, char delimiter = ',') {
  TypeDescription t;
  t.oid = oid;
  t.kind = kind;
  t.element_oid = element;
  t.delimiter = delimiter;
  return t;
}

// pg_type's built-in arrays and ranges (their OIDs are fixed in every database).
const TypeCatalog& builtin_types() {
  static const TypeCatalog catalog = [] {
    using K = TypeDescription::Kind;
    TypeCatalog c;
    const std::pair<std::uint32_t, std::uint32_t> arrays[] = {
        {1000, oid::kBool},      {1001, oid::kBytea},   {1003, oid::kName},   {1005, oid::kInt2},
        {1007, oid::kInt4},      {1009, oid::kText},    {1014, oid::kBpchar}, {1015, oid::kVarchar},
        {1016, oid::kInt8},      {1021, oid::kFloat4},  {1022, oid::kFloat8}, {1028, oid::kOid},
        {1040, oid::kMacaddr},   {775, oid::kMacaddr8}, {1041, oid::kInet},   {651, oid::kCidr},
        {1115, oid::kTimestamp}, {1182, oid::kDate},    {1183, oid::kTime},   {1185, oid::kTimestamptz},
        {1187, oid::kInterval},  {1231, oid::kNumeric}, {1270, oid::kTimetz}, {1561, oid::kBit},
        {1563, oid::kVarbit},    {791, oid::kMoney},    {2951, oid::kUuid},   {199, oid::kJson},
        {3807, oid::kJsonb},     {2287, oid::kRecord}};
    for (const auto& [array, element] : arrays) c.add(builtin(array, K::array, element));
    const std::pair<std::uint32_t, std::uint32_t> ranges[] = {{3904, oid::kInt4},      {3906, oid::kNumeric},
                                                              {3908, oid::kTimestamp}, {3910, oid::kTimestamptz},
                                                              {3912, oid::kDate},      {3926, oid::kInt8}};
    for (const auto& [range, subtype] : ranges) c.add(builtin(range, K::range, subtype));
    return c;
  }();
  return catalog;
}

}  // namespace

const TypeDescription* describe_type(std::uint32_t type_oid, const TypeCatalog* catalog) {
  if (catalog != nullptr)
    if (const TypeDescription* t = catalog->find(type_oid)) return t;
  return builtin_types().find(type_oid);
}

ColumnDecoder resolve_decoder(std::uint32_t type_oid, int format, const TypeCatalog* catalog) {
  const bool bin = format == 1;
  std::uint32_t decode_oid = type_oid;
  // A domain decodes as its base type (in result columns the server already sends
  // the base type; inside arrays and composites it sends the domain's OID).
  const TypeDescription* t = nullptr;
  for (int hops = 0; hops < 32; ++hops) {
    ColumnDecoder c = resolve_scalar(decode_oid, format);
    if (c.known || (t = describe_type(decode_oid, catalog)) == nullptr || t->kind != TypeDescription::Kind::domain) {
      if (!c.known && t != nullptr) {
        c.known = true;
        switch (t->kind) {
          case TypeDescription::Kind::array:
            c.fn = bin ? array_binary : array_text;
            c.value_index = index_of<Array>();
            break;
          case TypeDescription::Kind::range:
            c.fn = bin ? range_binary : range_text;
            c.value_index = index_of<Range>();
            break;
          case TypeDescription::Kind::composite:
            c.fn = bin ? composite_binary : composite_text;
            c.value_index = index_of<Composite>();
            break;
          case TypeDescription::Kind::enumeration:  // the label, in both formats (enum_send)
            c.fn = string_any;
            c.value_index = index_of<std::string_view>();
            break;
          case TypeDescription::Kind::domain:
            break;
        }
      } else if (!c.known && decode_oid == oid::kRecord) {
        // An anonymous record: binary fields carry their OIDs; text fields stay raw.
        c.known = true;
        c.fn = bin ? composite_binary : composite_text;
        c.value_index = index_of<Composite>();
      }
      c.type_oid = type_oid;
      c.decode_oid = decode_oid;
      return c;
    }
    decode_oid = t->element_oid;
  }
  throw DecodeError("type " + std::to_string(type_oid) + ": a chain of more than 32 domains");
}

ColumnDecoder Scratch::element_decoder(std::uint32_t type_oid, int format) {
  for (const ColumnDecoder& d : element_decoders)
    if (d.type_oid == type_oid && d.format == format) return d;
  element_decoders.push_back(resolve_decoder(type_oid, format, catalog));
  return element_decoders.back();
}

}  // namespace benchlab::decode
