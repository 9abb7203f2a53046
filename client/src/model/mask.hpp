// --mask: which columns of a read are masked, and how, inside the process that
// decodes them (decode/mask.hpp computes the masks). The key itself travels only
// as a MaskKey, which nothing prints or stores.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

struct TableInfo;

// hash: HMAC-SHA-256 of the value under a key derived for hashing, as 64 hex
// digits; token: "tok_" and 16 base32 characters of an HMAC under a key derived
// for tokens (docs/masking.md has the exact definitions).
enum class MaskMethod { hash, token };

[[nodiscard]] constexpr std::string_view to_string(MaskMethod m) { return m == MaskMethod::token ? "token" : "hash"; }

// One item of --mask COL[:hash|:token].
struct MaskRule {
  std::string column;
  MaskMethod method = MaskMethod::hash;
  friend bool operator==(const MaskRule&, const MaskRule&) = default;
};

// The mask key's bytes (BENCHLAB_MASK_KEY or --mask-key-file). Shared, never
// copied into anything that is printed, logged or written.
using MaskKey = std::shared_ptr<const std::string>;

// The masks of one read, by position in its select list (empty: nothing masked).
struct ColumnMasks {
  std::vector<std::optional<MaskMethod>> by_column;
  MaskKey key;
  [[nodiscard]] bool any() const {
    for (const auto& m : by_column)
      if (m) return true;
    return false;
  }
  [[nodiscard]] bool masked(std::size_t column) const { return column < by_column.size() && by_column[column]; }
};

// A --mask that cannot apply to the table: one line, for the user.
class MaskRefused : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// "email,ssn:token" -> rules, in order. Throws MaskRefused naming the item: an
// empty column, an unknown method (:foo), a column named twice.
std::vector<MaskRule> parse_mask_rules(const std::string& text);

// The rules placed on the table's columns (in its select-list order). Throws
// MaskRefused: a column the table does not have (the columns it has named), or
// the key that splits the read (masking it would make the split compare masks).
ColumnMasks resolve_masks(const std::vector<MaskRule>& rules, const MaskKey& key, const TableInfo& table);

}  // namespace benchlab
