// The wire ceiling: COPY (<the same query>) TO STDOUT over one connection, drained
// and discarded — the most rows/s the server and the wire deliver with no client
// decoding. Every round measures it just before the strategies run.
#pragma once

#include <cstdint>
#include <string>

#include "model/wire_format.hpp"

namespace benchlab {

struct CopyDrain {
  double wall_s = 0;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;  // COPY data bytes received
};

// One drain in `format`. Throws Interrupted on a signal (after cancelling the COPY
// on the server), the typed pg error otherwise.
CopyDrain copy_drain(const std::string& conninfo, const std::string& query, WireFormat format);

}  // namespace benchlab
