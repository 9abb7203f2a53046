// The wire receiver: a DestReceiver that does to every row what printtup does before
// sending it to a client (text output or binary send function, encoding conversion),
// then hashes the row image with the shared checksum and sends nothing. Memory is
// bounded by one row: a per-row context is reset after each row.
#pragma once
#include "support.hpp"

namespace benchlab {

struct WireTotals {
  uint64 rows = 0;
  uint64 bytes = 0;  // DataRow message bytes a client would receive
  uint64 sum = 0;    // sum of row hashes modulo 2^64
  SetDigest digest;  // DigestAlgorithm::sha256: sum of the rows' SHA-256 modulo 2^256 (else zero)
};

// The receiver lives in `parent` (allocate it in a context that outlives SPI). With
// DigestAlgorithm::sha256 it also sums each row's SHA-256 (PostgreSQL's cryptohash,
// a context owned by the current resource owner: freed by rDestroy, or by the
// resource owner when an error aborts the scan).
DestReceiver* create_wire_receiver(WireFormat format, MemoryContext parent,
                                   DigestAlgorithm algorithm = DigestAlgorithm::xxh3);
WireTotals wire_totals(DestReceiver* receiver);

// Bytes of the DataRow message for a row: type byte, length, column count, and per
// column a 4-byte length plus the value's bytes (NULL: the length alone).
inline constexpr uint64 kDataRowHeader = 1 + 4 + 2;
inline constexpr uint64 kColumnHeader = 4;

}  // namespace benchlab
