// Negative-compile test of extension/cpp_only.hpp, run by scripts/check-cpp-only-guard
// (make check-guard). Compiled with no LEAK_* macro it is a pure C++ file and must
// compile; with one of them a PostgreSQL header comes in first and the build must fail
// with the guard's message.
#if defined(LEAK_POSTGRES_H)
// The leak the guard exists for: PostgreSQL's base header, directly.
extern "C" {
#include "postgres.h"
}
#elif defined(LEAK_PG_GLUE)
// A thin file's header first: the pure headers below must refuse to come after it.
#include "pg_glue.hpp"
#endif

#include "range_math.hpp"
#include "width_histogram.hpp"

#include "cpp_only.hpp"  // must be the last include

int leak_test_uses_the_headers() {
  benchlab::WidthHistogram h;
  h.add(1);
  return static_cast<int>(h.count() + benchlab::split_by_statistics({}, 1).size());
}
