// Typed decoding of result rows by type OID, and the shared checksum over the
// bytes as received. Every strategy feeds its PGresults through a RowDecoder:
// decoding and checksumming are written once, here.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>

#include "model/figures.hpp"

namespace benchlab {

// Rows kept decoded in memory (naive strategy). Opaque here; see decode/decoded_rows.hpp.
class DecodedRows;

// One per thread or connection; not thread-safe. Reuses its buffers across calls.
class RowDecoder {
 public:
  // Each result column is decoded in the format the server sent it in (PQfformat).
  RowDecoder();
  ~RowDecoder();
  RowDecoder(RowDecoder&&) noexcept;
  RowDecoder& operator=(RowDecoder&&) noexcept;

  // Decodes every value of every row of `result` into a typed C++ value (then
  // drops it) and adds the rows' checksum. Returns the number of rows consumed.
  std::uint64_t consume(const PGresult* result);
  // The same, keeping the decoded values in `keep` until it is destroyed. Text,
  // json and raw values are views into `result`: hand it over first with
  // `keep.adopt(std::move(result))` (otherwise `keep` copies what it views; see
  // decode/decoded_rows.hpp). Throws decode::DecodeError on a value that does not
  // parse; `keep` then holds only whole rows.
  std::uint64_t consume_and_keep(const PGresult* result, DecodedRows& keep);

  [[nodiscard]] const DecodeTotals& totals() const;
  // A fold of every value decoded so far. Kept so that the decoding consume()
  // does is observable and cannot be optimized away; useful to tests and benchmarks.
  [[nodiscard]] std::uint64_t value_fold() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace benchlab
