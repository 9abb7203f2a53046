// Typed decoding of result rows by type OID, and the shared checksum over the
// bytes as received. Every strategy feeds its PGresults through a RowDecoder:
// decoding and checksumming are written once, here.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "benchlab/set_digest.hpp"
#include "model/figures.hpp"
#include "model/mask.hpp"
#include "model/type_catalog.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

// Rows kept decoded in memory (naive strategy). Opaque here; see decode/decoded_rows.hpp.
class DecodedRows;

// One per thread or connection; not thread-safe. Reuses its buffers across calls.
// The bytes of the binary COPY header that begins `data` (the first CopyData message
// of a binary COPY): signature, flags, extension. Throws decode::DecodeError when
// they are not a header this decoder can read.
[[nodiscard]] std::size_t copy_binary_header_size(const char* data, std::size_t length);
// Whether a binary COPY message is the stream's trailer (a field count of -1).
[[nodiscard]] inline bool is_copy_binary_trailer(const char* data, std::size_t length) {
  return length == 2 && static_cast<unsigned char>(data[0]) == 0xFF && static_cast<unsigned char>(data[1]) == 0xFF;
}

class RowDecoder {
 public:
  // Each result column is decoded in the format the server sent it in (PQfformat).
  // `types` describes the read's non-scalar types (arrays, ranges, domains, enums,
  // composites: plan::describe_types); the built-in arrays and ranges need none.
  // `digest` sha256: every row's image is also hashed with SHA-256 into totals().digest.
  // `masks` (--mask): the columns, by position, whose values are masked here, as
  // they arrive: such a value is hashed into the checksum as sent, then replaced by
  // its mask (decode/mask.hpp) and never decoded as its type, so no error, kept row
  // or total ever holds it.
  explicit RowDecoder(TypeCatalog types = {}, DigestAlgorithm digest = DigestAlgorithm::xxh3, ColumnMasks masks = {});
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

  // COPY ... TO STDOUT rows (copy_stream, parallel_copy). COPY carries no column
  // metadata: the types come from the query's description (pg::describe_columns),
  // the format from the COPY statement. Call before the first message.
  void expect_copy(const std::vector<std::uint32_t>& type_oids, WireFormat format);
  // Decodes one CopyData message and adds its row to the checksum. Text: one
  // line, fields split on tab, \N for NULL, backslash escapes undone (a field is
  // then exactly the type's output text). Binary: the file header (on the first
  // message), a tuple of length-prefixed fields (exactly the send bytes), or the
  // trailer. Returns the rows it held (0 or 1); throws decode::DecodeError on
  // bytes that are not COPY data of the expected shape.
  std::uint64_t consume_copy(const char* data, std::size_t length);
  // The same stream with its framing taken off by whoever read it (decoupled: the
  // reader strips each COPY's binary header and drops its trailer before handing
  // rows to decoders): every message is one row. Call instead of expect_copy.
  void expect_copy_rows(const std::vector<std::uint32_t>& type_oids, WireFormat format);

  [[nodiscard]] const DecodeTotals& totals() const;
  // A fold of every value decoded so far. Kept so that the decoding consume()
  // does is observable and cannot be optimized away; useful to tests and benchmarks.
  [[nodiscard]] std::uint64_t value_fold() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace benchlab
