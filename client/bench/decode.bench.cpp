// Per-value and per-row cost of decoding, without a server: the standard table's
// rows (the wire bytes of regress/data/checksum_vectors.tsv's records_N rows) in
// a PGresult built with libpq's PQsetvalue.
//   decode_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchlab/checksum_vectors.hpp"
#include "benchlab/row_checksum.hpp"
#include "benchlab/set_digest.hpp"
#include "decode/decoded_rows.hpp"
#include "decode/row_decoder.hpp"
#include "decode/sha256.hpp"
#include "decode/type_decoders.hpp"

namespace {

using namespace benchlab;
using namespace benchlab::decode;

constexpr std::uint32_t kOids[] = {oid::kInt8,  oid::kTimestamptz, oid::kTimestamptz, oid::kText,
                                   oid::kJsonb, oid::kNumeric,     oid::kBool,        oid::kText};
constexpr int kColumns = 8;

// records_N_<format> rows of the test vectors: 8 values each, none NULL.
std::vector<std::vector<std::string>> standard_rows(int format) {
  const ChecksumVectors v = load_checksum_vectors(BENCHLAB_SOURCE_DIR "/regress/data/checksum_vectors.tsv");
  const std::string suffix = format == 0 ? "_text" : "_binary";
  std::vector<std::vector<std::string>> rows;
  for (const auto& name : v.row_order) {
    if (!name.starts_with("records_") || !name.ends_with(suffix)) continue;
    const auto& row = v.rows.at(name);
    if (row.size() != kColumns) continue;
    std::vector<std::string> values;
    for (const auto& value : row) values.push_back(value.value_or(""));
    rows.push_back(std::move(values));
  }
  if (rows.empty()) throw std::runtime_error("no records_N rows in checksum_vectors.tsv");
  return rows;
}

// A PGresult of `n` standard rows (cycling the vectors' rows), owned by the caller.
PGresult* make_result(int format, int n) {
  const auto rows = standard_rows(format);
  PGresult* res = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
  static char names[kColumns][8] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
  PGresAttDesc attrs[kColumns];
  for (int c = 0; c < kColumns; ++c) {
    attrs[c] = PGresAttDesc{names[c], 0, 0, format, kOids[c], -1, -1};
  }
  PQsetResultAttrs(res, kColumns, attrs);
  for (int r = 0; r < n; ++r) {
    const auto& row = rows[static_cast<std::size_t>(r) % rows.size()];
    for (int c = 0; c < kColumns; ++c) {
      const std::string& v = row[static_cast<std::size_t>(c)];
      PQsetvalue(res, r, c, const_cast<char*>(v.data()), static_cast<int>(v.size()));
    }
  }
  return res;
}

constexpr int kRows = 10000;

void BM_checksum_only(benchmark::State& state) {
  PGresult* res = make_result(static_cast<int>(state.range(0)), kRows);
  std::string buffer;
  SetChecksum sum;
  for (auto _ : state) {
    for (int r = 0; r < kRows; ++r) {
      RowEncoder<std::string> encoder(buffer);
      for (int c = 0; c < kColumns; ++c)
        encoder.add_value(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c)));
      sum.add_row(encoder.finish());
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetLabel(state.range(0) == 0 ? "text, rows" : "binary, rows");
  PQclear(res);
}
BENCHMARK(BM_checksum_only)->Arg(0)->Arg(1);

// The per-row hash of each --digest algorithm on the same row images: range(0) =
// format, range(1) = 0: XXH3-64 and its 64-bit sum, 1: SHA-256 (OpenSSL EVP) and its
// 256-bit sum. Both build the row image first; --digest sha256 pays both hashes.
void BM_row_hash(benchmark::State& state) {
  const auto format = static_cast<int>(state.range(0));
  const bool sha256 = state.range(1) == 1;
  PGresult* res = make_result(format, kRows);
  std::string buffer;
  SetChecksum sum;
  SetDigest digest;
  Sha256 sha;
  for (auto _ : state) {
    for (int r = 0; r < kRows; ++r) {
      RowEncoder<std::string> encoder(buffer);
      for (int c = 0; c < kColumns; ++c)
        encoder.add_value(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c)));
      if (sha256)
        digest.add_row(sha.hash(encoder.data(), encoder.size()));
      else
        sum.add_row(encoder.finish());
    }
  }
  benchmark::DoNotOptimize(sum);
  benchmark::DoNotOptimize(digest);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetLabel(std::string(format == 0 ? "text" : "binary") + (sha256 ? ", sha256" : ", xxh3") + ", rows");
  PQclear(res);
}
BENCHMARK(BM_row_hash)->ArgsProduct({{0, 1}, {0, 1}});

void BM_consume(benchmark::State& state) {
  const auto format = static_cast<int>(state.range(0));
  PGresult* res = make_result(format, kRows);
  RowDecoder decoder;
  for (auto _ : state) decoder.consume(res);
  benchmark::DoNotOptimize(decoder.value_fold());
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetLabel(format == 0 ? "text, rows" : "binary, rows");
  PQclear(res);
}
BENCHMARK(BM_consume)->Arg(0)->Arg(1);

void BM_consume_and_keep(benchmark::State& state) {
  const auto format = static_cast<int>(state.range(0));
  PGresult* res = make_result(format, kRows);
  for (auto _ : state) {
    state.PauseTiming();
    DecodedRows kept;
    const PGresult* owned = kept.adopt(pg::Result(PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES)));
    RowDecoder decoder;
    state.ResumeTiming();
    decoder.consume_and_keep(owned, kept);
    benchmark::DoNotOptimize(kept.rows());
    state.PauseTiming();  // destruction is not decoding
    { DecodedRows gone = std::move(kept); }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetLabel(format == 0 ? "text, rows" : "binary, rows");
  PQclear(res);
}
BENCHMARK(BM_consume_and_keep)->Arg(0)->Arg(1);

// One column of the standard table on its own: range(0) = column, range(1) = format.
void BM_value(benchmark::State& state) {
  const auto column = static_cast<std::size_t>(state.range(0));
  const auto format = static_cast<int>(state.range(1));
  const auto rows = standard_rows(format);
  const ColumnDecoder d = resolve_decoder(kOids[column], format);
  Scratch scratch;
  std::uint64_t sink = 0;
  for (auto _ : state) {
    for (const auto& row : rows) {
      const std::string& v = row[column];
      const Value value = d.fn(v.data(), v.size(), d.type_oid, scratch);
      sink += value.index();
      benchmark::DoNotOptimize(value);
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
  static const char* names[] = {"int8", "timestamptz", "timestamptz", "text", "jsonb", "numeric", "bool", "text"};
  state.SetLabel(std::string(names[column]) + (format == 0 ? " text" : " binary"));
}
BENCHMARK(BM_value)->ArgsProduct({{0, 1, 3, 4, 5, 6}, {0, 1}});

}  // namespace

BENCHMARK_MAIN();
