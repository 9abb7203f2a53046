#include "strategies/strategy.hpp"

#include <fmt/format.h>

namespace benchlab {

std::string_view to_string(WireFormat format) { return format == WireFormat::binary ? "binary" : "text"; }

std::string ReadSpec::range_query(const KeyRange& range) const {
  return fmt::format("SELECT {} FROM {} WHERE {} BETWEEN {} AND {}", select_list, relation_sql, key_sql, range.lo,
                     range.hi);
}

}  // namespace benchlab
