// What the server's catalog says about the types a read returns, beyond the
// built-in scalars the decoder knows by OID: arrays, ranges, domains, enums and
// composites, whose OIDs differ from database to database. Filled by planning
// (pg_type, pg_range, pg_attribute), read by the decoder.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace benchlab {

struct TypeDescription {
  enum class Kind : std::uint8_t { array, range, domain, enumeration, composite };
  std::uint32_t oid = 0;
  Kind kind = Kind::array;
  // array: the element type; range: the subtype; domain: the base type.
  std::uint32_t element_oid = 0;
  std::vector<std::uint32_t> field_oids;  // composite: its attributes' types, in order
  char delimiter = ',';                   // array: typdelim of the element type (',' but for box)
  friend bool operator==(const TypeDescription&, const TypeDescription&) = default;
};

struct TypeCatalog {
  std::vector<TypeDescription> types;  // sorted by oid

  [[nodiscard]] const TypeDescription* find(std::uint32_t oid) const {
    const auto it = std::lower_bound(types.begin(), types.end(), oid,
                                     [](const TypeDescription& t, std::uint32_t o) { return t.oid < o; });
    return it != types.end() && it->oid == oid ? &*it : nullptr;
  }
  void add(TypeDescription t) {
    const auto it = std::lower_bound(types.begin(), types.end(), t.oid,
                                     [](const TypeDescription& x, std::uint32_t o) { return x.oid < o; });
    if (it != types.end() && it->oid == t.oid)
      *it = std::move(t);
    else
      types.insert(it, std::move(t));
  }
  friend bool operator==(const TypeCatalog&, const TypeCatalog&) = default;
};

}  // namespace benchlab
