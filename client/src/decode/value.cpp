#include "decode/value.hpp"

#include <algorithm>

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

}  // namespace benchlab::decode
