// The client's checksum and sha256 digest against the extension's test vectors
// (regress/data/checksum_vectors.tsv, hashes from the reference xxhsum and Python's
// hashlib), and against the extension itself on the seeded standard table, in both formats.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "benchlab/checksum_vectors.hpp"
#include "benchlab/row_checksum.hpp"
#include "benchlab/set_digest.hpp"
#include "decode/decoded_rows.hpp"
#include "decode/row_decoder.hpp"
#include "decode/sha256.hpp"
#include "decode/type_decoders.hpp"
#include "support.hpp"

namespace {

using Row = benchlab::ChecksumVectors::Row;
using Vectors = benchlab::ChecksumVectors;

Vectors load_vectors() {
  const std::string path = BENCHLAB_SOURCE_DIR "/regress/data/checksum_vectors.tsv";
  INFO("test vectors: " << path);
  return benchlab::load_checksum_vectors(path);
}

std::uint64_t hash_row(const Row& row) {
  std::string buffer;
  benchlab::RowEncoder<std::string> encoder(buffer);
  for (const auto& value : row) {
    if (value)
      encoder.add_value(value->data(), value->size());
    else
      encoder.add_null();
  }
  return encoder.finish();
}

benchlab::RowDigest digest_row(const Row& row) {
  std::string buffer;
  benchlab::RowEncoder<std::string> encoder(buffer);
  for (const auto& value : row) {
    if (value)
      encoder.add_value(value->data(), value->size());
    else
      encoder.add_null();
  }
  benchlab::Sha256 sha;
  return sha.hash(encoder.data(), encoder.size());
}

std::string hex_of(const benchlab::RowDigest& d) {
  benchlab::SetDigest one;
  one.add_row(d);
  return one.hex();
}

}  // namespace

TEST_CASE("client row hashes equal the extension's test vectors", "[checksum][vectors]") {
  const Vectors v = load_vectors();
  REQUIRE(v.rows.size() >= 10);
  for (const auto& name : v.row_order) {
    INFO("row vector " << name);
    CHECK(hash_row(v.rows.at(name)) == v.row_hashes.at(name));
  }
}

TEST_CASE("client set checksums equal the extension's test vectors", "[checksum][vectors]") {
  const Vectors v = load_vectors();
  REQUIRE(!v.sets.empty());
  for (const auto& s : v.sets) {
    INFO("set vector " << s.name);
    benchlab::SetChecksum sum;
    for (const auto& member : s.members) sum.add_row(hash_row(v.rows.at(member)));
    CHECK(sum.rows == s.rows);
    CHECK(sum.sum == s.sum);
  }
}

TEST_CASE("client row digests (sha256) equal the test vectors", "[checksum][vectors][digest]") {
  const Vectors v = load_vectors();
  REQUIRE(v.row_sha256.size() == v.row_order.size());
  for (const auto& name : v.row_order) {
    INFO("row vector " << name);
    CHECK(hex_of(digest_row(v.rows.at(name))) == v.row_sha256.at(name));
  }
}

TEST_CASE("client set digests (sum of SHA-256 modulo 2^256) equal the test vectors", "[checksum][vectors][digest]") {
  const Vectors v = load_vectors();
  REQUIRE(!v.sets.empty());
  for (const auto& s : v.sets) {
    INFO("set vector " << s.name);
    REQUIRE(s.sha256.size() == 64);
    benchlab::SetDigest forward, backward;
    for (const auto& member : s.members) forward.add_row(digest_row(v.rows.at(member)));
    for (auto it = s.members.rbegin(); it != s.members.rend(); ++it) backward.add_row(digest_row(v.rows.at(*it)));
    CHECK(forward.hex() == s.sha256);
    CHECK(backward == forward);  // order-free
  }
}

TEST_CASE("SetDigest adds modulo 2^256, carries across bytes, subtracts and reads its own hex", "[checksum][digest]") {
  using benchlab::RowDigest;
  using benchlab::SetDigest;
  RowDigest ones;
  ones.fill(0xFF);  // 2^256 - 1
  RowDigest one{};
  one[31] = 1;
  SetDigest d;
  d.add_row(ones);
  CHECK(d.hex() == std::string(64, 'f'));
  d.add_row(one);  // wraps to zero: the carry out of the top byte is dropped
  CHECK(d.is_zero());
  d.add_row(ones);
  d.add_row(ones);  // 2 * (2^256 - 1) = 2^256 - 2
  CHECK(d.hex() == std::string(63, 'f') + "e");
  RowDigest low{};
  low[31] = 0xFF;
  SetDigest carry;
  carry.add_row(low);
  carry.add_row(one);  // 0xff + 1 carries into the next byte
  CHECK(carry.hex() == std::string(60, '0') + "0100");
  // minus: a part's share is the running total less the total when it began
  SetDigest before = d, after = d;
  after.add_row(low);
  after.add_row(ones);
  SetDigest part;
  part.add_row(low);
  part.add_row(ones);
  CHECK(after.minus(before) == part);
  CHECK(SetDigest::from_hex(d.hex()) == d);
  CHECK(SetDigest::from_hex(std::string(63, '0')) == std::nullopt);
  CHECK(SetDigest::from_hex(std::string(63, '0') + "g") == std::nullopt);
}

TEST_CASE("the standard rows of the vectors decode to the same values in text and binary",
          "[checksum][vectors][decode]") {
  using namespace benchlab::decode;
  const Vectors v = load_vectors();
  // public.records: id, created_at, updated_at, category, payload, amount, is_active, source.
  const std::uint32_t oids[] = {oid::kInt8,  oid::kTimestamptz, oid::kTimestamptz, oid::kText,
                                oid::kJsonb, oid::kNumeric,     oid::kBool,        oid::kText};
  int compared = 0;
  for (int n = 1;; ++n) {
    const auto text = v.rows.find("records_" + std::to_string(n) + "_text");
    const auto binary = v.rows.find("records_" + std::to_string(n) + "_binary");
    if (text == v.rows.end() || binary == v.rows.end()) break;
    REQUIRE(text->second.size() == 8);
    REQUIRE(binary->second.size() == 8);
    Scratch st, sb;
    for (std::size_t c = 0; c < 8; ++c) {
      INFO("records row " << n << " column " << c);
      const ColumnDecoder dt = resolve_decoder(oids[c], 0), db = resolve_decoder(oids[c], 1);
      const std::string& t = *text->second[c];
      const std::string& b = *binary->second[c];
      const Value vt = dt.fn(t.data(), t.size(), oids[c], st);
      const Value vb = db.fn(b.data(), b.size(), oids[c], sb);
      if (oids[c] == oid::kJsonb) {
        // Text and binary carry the same JSON text (binary: after the version byte).
        CHECK(std::get<Json>(vt).text == std::get<Json>(vb).text);
        CHECK(std::get<Json>(vt).members == std::get<Json>(vb).members);
      } else {
        CHECK(vt == vb);
      }
      ++compared;
    }
  }
  CHECK(compared >= 8);
}

TEST_CASE("client checksum of the seeded standard table equals benchlab.range_checksum", "[db][checksum][decode]") {
  benchlab::test::ScratchDatabase db("checksum_vectors");
  const auto admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.t', 1000)");
  for (const int format : {0, 1}) {
    const char* name = format == 0 ? "text" : "binary";
    INFO("format " << name);
    const auto result = admin.exec_params("SELECT * FROM public.t", {}, format);
    benchlab::RowDecoder decoder;
    CHECK(decoder.consume(result.get()) == 1000);
    const auto server = admin.exec_params(
        "SELECT \"rows\", checksum FROM benchlab.range_checksum('public.t', 'id', 1, 1000, $1)", {std::string(name)});
    REQUIRE(server.rows() == 1);
    const auto& totals = decoder.totals();
    CHECK(totals.rows == 1000);
    CHECK(totals.unknown_values == 0);
    CHECK(std::to_string(totals.checksum.rows) == std::string(server.value(0, 0)));
    CHECK(std::to_string(benchlab::checksum_to_sql(totals.checksum.sum)) == std::string(server.value(0, 1)));
  }
}

TEST_CASE("client sha256 digest of the seeded standard table equals benchlab.range_checksum's",
          "[db][checksum][digest]") {
  benchlab::test::ScratchDatabase db("checksum_digest");
  const auto admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.t', 300)");
  for (const int format : {0, 1}) {
    const char* name = format == 0 ? "text" : "binary";
    INFO("format " << name);
    const auto result = admin.exec_params("SELECT * FROM public.t", {}, format);
    benchlab::RowDecoder decoder({}, benchlab::DigestAlgorithm::sha256);
    CHECK(decoder.consume(result.get()) == 300);
    const auto server = admin.exec_params(
        "SELECT \"rows\", checksum, digest FROM benchlab.range_checksum('public.t', 'id', 1, 300, $1, 'sha256')",
        {std::string(name)});
    REQUIRE(server.rows() == 1);
    const auto& totals = decoder.totals();
    CHECK(std::to_string(benchlab::checksum_to_sql(totals.checksum.sum)) == std::string(server.value(0, 1)));
    CHECK(totals.digest.hex() == std::string(server.value(0, 2)));
    // xxh3 only: the decoder sums no digest
    benchlab::RowDecoder plain;
    plain.consume(result.get());
    CHECK(plain.totals().digest.is_zero());
  }
}
