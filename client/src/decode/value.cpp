#include "decode/value.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <type_traits>

namespace benchlab::decode {

std::string Decimal::to_string() const {
  switch (kind_) {
    case Kind::nan:
      return "NaN";
    case Kind::pos_infinity:
      return "Infinity";
    case Kind::neg_infinity:
      return "-Infinity";
    case Kind::big:
      return std::string(big_digits());
    case Kind::finite:
      break;
  }
  const int128 v = unscaled();
  uint128 magnitude = v < 0 ? static_cast<uint128>(0) - static_cast<uint128>(v) : static_cast<uint128>(v);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  const auto scale = static_cast<std::size_t>(scale_ > 0 ? scale_ : 0);
  while (digits.size() <= scale) digits.push_back('0');  // at least one integer digit
  std::reverse(digits.begin(), digits.end());
  if (scale > 0) digits.insert(digits.size() - scale, 1, '.');
  if (v < 0) digits.insert(digits.begin(), '-');
  return digits;
}

static_assert(sizeof(Value) == 32, "a Value travels in 32 bytes");

std::uint64_t fold_value(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::uint64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Null>)
          return 0x9E3779B97F4A7C15ULL;
        else if constexpr (std::is_same_v<T, bool>)
          return x ? 1 : 2;
        else if constexpr (std::is_integral_v<T>)
          return static_cast<std::uint64_t>(x);
        else if constexpr (std::is_same_v<T, float>)
          return std::bit_cast<std::uint32_t>(x);
        else if constexpr (std::is_same_v<T, double>)
          return std::bit_cast<std::uint64_t>(x);
        else if constexpr (std::is_same_v<T, Decimal>) {
          if (x.kind() == Decimal::Kind::finite)
            return static_cast<std::uint64_t>(x.unscaled()) ^ static_cast<std::uint64_t>(x.scale());
          if (x.kind() == Decimal::Kind::big) return x.big_digits().size();
          return static_cast<std::uint64_t>(x.kind());
        } else if constexpr (std::is_same_v<T, Timestamp>)
          return static_cast<std::uint64_t>(x.us_since_2000);
        else if constexpr (std::is_same_v<T, Date>)
          return static_cast<std::uint64_t>(x.days_since_2000);
        else if constexpr (std::is_same_v<T, std::string_view>)
          return x.size();
        else if constexpr (std::is_same_v<T, Bytea>)
          return x.bytes.size() + (x.bytes.empty() ? 0U : static_cast<unsigned char>(x.bytes.front()));
        else if constexpr (std::is_same_v<T, Uuid>)
          return x.bytes[0] ^ (std::uint64_t{x.bytes[15]} << 8);
        else if constexpr (std::is_same_v<T, Json>)
          return x.members + (std::uint64_t{static_cast<std::uint8_t>(x.root)} << 32);
        else if constexpr (std::is_same_v<T, Interval>)
          return static_cast<std::uint64_t>(x.us) ^ (static_cast<std::uint64_t>(x.days) << 20) ^
                 (static_cast<std::uint64_t>(x.months) << 40);
        else if constexpr (std::is_same_v<T, Time>)
          return static_cast<std::uint64_t>(x.us);
        else if constexpr (std::is_same_v<T, TimeTz>)
          return static_cast<std::uint64_t>(x.us) ^ (static_cast<std::uint64_t>(x.zone_west_s) << 40);
        else if constexpr (std::is_same_v<T, Inet>)
          return x.address[0] ^ (std::uint64_t{x.address[3]} << 8) ^ (std::uint64_t{x.address[15]} << 16) ^
                 (std::uint64_t{x.bits} << 24) ^ (std::uint64_t{x.family} << 32);
        else if constexpr (std::is_same_v<T, MacAddr>)
          return x.bytes[0] ^ (std::uint64_t{x.bytes[5]} << 8) ^ (std::uint64_t{x.length} << 16);
        else if constexpr (std::is_same_v<T, Bits>)
          return x.length ^ (x.bytes.empty() ? 0U : std::uint64_t{static_cast<unsigned char>(x.bytes.front())} << 32);
        else if constexpr (std::is_same_v<T, Money>)
          return static_cast<std::uint64_t>(x.cents);
        else if constexpr (std::is_same_v<T, Array>)
          return x.element_fold ^ x.elements ^ (std::uint64_t{x.dimensions} << 56);
        else if constexpr (std::is_same_v<T, Composite> || std::is_same_v<T, Range>)
          return x.element_fold;
        else
          return x.bytes.size();  // Raw
      },
      v);
}

namespace {
std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}
}  // namespace

std::string describe(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Null>)
          return "NULL";
        else if constexpr (std::is_same_v<T, bool>)
          return x ? "t" : "f";
        else if constexpr (std::is_integral_v<T>)
          return std::to_string(x);
        else if constexpr (std::is_floating_point_v<T>) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(x));
          return buf;
        } else if constexpr (std::is_same_v<T, Decimal>)
          return x.to_string();
        else if constexpr (std::is_same_v<T, Timestamp>)
          return "ts:" + std::to_string(x.us_since_2000);
        else if constexpr (std::is_same_v<T, Date>)
          return "date:" + std::to_string(x.days_since_2000);
        else if constexpr (std::is_same_v<T, std::string_view>)
          return std::string(x);
        else if constexpr (std::is_same_v<T, Bytea>)
          return "\\x" + hex(x.bytes);
        else if constexpr (std::is_same_v<T, Uuid>)
          return hex({reinterpret_cast<const char*>(x.bytes.data()), x.bytes.size()});
        else if constexpr (std::is_same_v<T, Json>)
          return std::string(x.text);
        else if constexpr (std::is_same_v<T, Interval>)
          return std::to_string(x.months) + " months " + std::to_string(x.days) + " days " + std::to_string(x.us) +
                 " us";
        else if constexpr (std::is_same_v<T, Time>)
          return std::to_string(x.us) + " us";
        else if constexpr (std::is_same_v<T, TimeTz>)
          return std::to_string(x.us) + " us west " + std::to_string(x.zone_west_s);
        else if constexpr (std::is_same_v<T, Inet>) {
          char buf[64] = {};
          inet_ntop(x.family == 6 ? AF_INET6 : AF_INET, x.address.data(), buf, sizeof buf);
          return std::string(buf) + "/" + std::to_string(x.bits);
        } else if constexpr (std::is_same_v<T, MacAddr>) {
          std::string out;
          for (std::size_t i = 0; i < x.length; ++i) {
            if (i > 0) out.push_back(':');
            out += hex({reinterpret_cast<const char*>(&x.bytes[i]), 1});
          }
          return out;
        } else if constexpr (std::is_same_v<T, Bits>) {
          std::string out;
          for (std::uint32_t i = 0; i < x.length; ++i)
            out.push_back((static_cast<unsigned char>(x.bytes[i / 8]) & (0x80U >> (i % 8))) != 0 ? '1' : '0');
          return out;
        } else if constexpr (std::is_same_v<T, Money>)
          return std::to_string(x.cents) + " cents";
        else if constexpr (std::is_same_v<T, Array>)
          return "array of " + std::to_string(x.elements) + " (" + std::to_string(x.null_elements) + " NULL), " +
                 std::to_string(x.dimensions) + " dimensions";
        else if constexpr (std::is_same_v<T, Composite>)
          return "row of " + std::to_string(x.fields) + " (" + std::to_string(x.null_fields) + " NULL)";
        else if constexpr (std::is_same_v<T, Range>)
          return "range flags " + std::to_string(x.flags);
        else
          return "raw:" + hex(x.bytes);
      },
      v);
}

}  // namespace benchlab::decode
