#include "model/mask.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/table.hpp"

namespace benchlab {

std::vector<MaskRule> parse_mask_rules(const std::string& text) {
  std::vector<MaskRule> rules;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    MaskRule rule;
    const std::size_t colon = item.rfind(':');
    rule.column = item.substr(0, colon);
    if (colon != std::string::npos) {
      const std::string method = item.substr(colon + 1);
      if (method == "hash")
        rule.method = MaskMethod::hash;
      else if (method == "token")
        rule.method = MaskMethod::token;
      else
        throw MaskRefused(fmt::format("--mask {}: unknown method '{}'; give COL, COL:hash or COL:token", item, method));
    }
    if (rule.column.empty())
      throw MaskRefused(
          fmt::format("--mask '{}': give a column name for every item, e.g. --mask email,ssn:token", text));
    if (std::any_of(rules.begin(), rules.end(), [&](const MaskRule& r) { return r.column == rule.column; }))
      throw MaskRefused(fmt::format("--mask: column {} is named twice; give each column once", rule.column));
    rules.push_back(std::move(rule));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return rules;
}

ColumnMasks resolve_masks(const std::vector<MaskRule>& rules, const MaskKey& key, const TableInfo& table) {
  ColumnMasks masks;
  if (rules.empty()) return masks;
  masks.key = key;
  masks.by_column.assign(table.columns.size(), std::nullopt);
  for (const MaskRule& rule : rules) {
    const auto it = std::find_if(table.columns.begin(), table.columns.end(),
                                 [&](const ColumnInfo& c) { return c.name == rule.column; });
    if (it == table.columns.end()) {
      std::vector<std::string> names;
      for (const ColumnInfo& c : table.columns) names.push_back(c.name);
      throw MaskRefused(fmt::format("--mask {}: {} has no column {}; its columns are {}", rule.column,
                                    table.display_name, rule.column, fmt::join(names, ", ")));
    }
    if (!table.key_name.empty() && rule.column == table.key_name)
      throw MaskRefused(fmt::format(
          "--mask {}: {} is the key the read is split and bisected by, and masking it would make the split and the "
          "bisection compare masks; mask other columns, or give another integer key with --key",
          rule.column, rule.column));
    masks.by_column[static_cast<std::size_t>(it - table.columns.begin())] = rule.method;
  }
  return masks;
}

}  // namespace benchlab
