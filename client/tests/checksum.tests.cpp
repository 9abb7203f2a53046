// The shared checksum's algebra: order-independent, additive across partitions,
// NULL distinct from the empty string, column boundaries significant.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "benchlab/row_checksum.hpp"

namespace {
std::uint64_t hash_row(const std::vector<const char*>& values) {
  std::string buffer;
  benchlab::RowEncoder encoder(buffer);
  for (const char* v : values) {
    if (v == nullptr)
      encoder.add_null();
    else
      encoder.add_value(v, std::char_traits<char>::length(v));
  }
  return encoder.finish();
}
}  // namespace

TEST_CASE("row hash distinguishes NULL, empty and column boundaries", "[checksum]") {
  CHECK(hash_row({nullptr}) != hash_row({""}));
  CHECK(hash_row({"ab", "c"}) != hash_row({"a", "bc"}));
  CHECK(hash_row({"1", "x"}) == hash_row({"1", "x"}));
}

TEST_CASE("set checksum is order-independent and partitions add up", "[checksum]") {
  const std::vector<std::vector<const char*>> rows = {{"1", "alpha"}, {"2", nullptr}, {"3", ""}, {"4", "delta"}};
  benchlab::SetChecksum forward, backward, left, right;
  for (const auto& r : rows) forward.add_row(hash_row(r));
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) backward.add_row(hash_row(*it));
  left.add_row(hash_row(rows[0]));
  left.add_row(hash_row(rows[1]));
  right.add_row(hash_row(rows[2]));
  right.add_row(hash_row(rows[3]));
  left.merge(right);
  CHECK(forward == backward);
  CHECK(forward == left);
  CHECK(forward.rows == 4);
}

TEST_CASE("checksum survives the round trip through SQL bigint", "[checksum]") {
  for (std::uint64_t v : {0ULL, 1ULL, 0x7FFFFFFFFFFFFFFFULL, 0x8000000000000000ULL, 0xFFFFFFFFFFFFFFFFULL}) {
    CHECK(benchlab::checksum_from_sql(benchlab::checksum_to_sql(v)) == v);
  }
}
