// Timing: the wall clock, the backend's own CPU and memory, and server_scan, the
// server's own cost of producing a query's rows for a client.
#include <sys/resource.h>
#include <time.h>

#include "benchlab/row_checksum.hpp"
#include "wire.hpp"

namespace benchlab {
namespace {

int64 timespec_ns(const struct timespec& t) { return static_cast<int64>(t.tv_sec) * 1000000000LL + t.tv_nsec; }
int64 timeval_us(const struct timeval& t) { return static_cast<int64>(t.tv_sec) * 1000000LL + t.tv_usec; }

}  // namespace
}  // namespace benchlab

using namespace benchlab;

// benchlab.clock_ns(): CLOCK_REALTIME in nanoseconds, comparable with a client's
// clock on the same host.
BENCHLAB_FUNCTION(benchlab_clock_ns) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  PG_RETURN_INT64(timespec_ns(now));
}

// benchlab.backend_cpu(): this backend's user and system CPU (getrusage RUSAGE_SELF)
// and its peak resident set size.
BENCHLAB_FUNCTION(benchlab_backend_cpu) {
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) elog(ERROR, "return type must be a row type");
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) ereport(ERROR, (errcode_for_file_access(), errmsg("getrusage failed: %m")));
  Datum values[3] = {Int64GetDatum(timeval_us(usage.ru_utime)), Int64GetDatum(timeval_us(usage.ru_stime)),
                     Int64GetDatum(static_cast<int64>(usage.ru_maxrss) * 1024)};  // Linux: kilobytes
  bool nulls[3] = {false, false, false};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

// benchlab.server_scan(query, format, algorithm): runs a read-only query to completion in this
// backend, passes every value through its output (text) or send (binary) function as
// if for a client, and sends nothing. 'none' runs no output function (the executor's
// cost alone, plus deforming each row). Algorithm 'sha256' adds the set digest (its
// cost in the figures: the scan hashes as a client verifying with it would), 'xxh3'
// (the default) leaves it NULL.
BENCHLAB_FUNCTION(benchlab_server_scan) {
  require_not_null(fcinfo, 0, "query");
  require_not_null(fcinfo, 1, "format");
  // A database whose benchlab was created before the algorithm parameter existed
  // calls this with two arguments (and expects no digest column): xxh3, as then.
  const bool has_algorithm = PG_NARGS() > 2;
  if (has_algorithm) require_not_null(fcinfo, 2, "algorithm");
  const char* sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
  const WireFormat format = parse_format(PG_GETARG_TEXT_PP(1), true);
  const DigestAlgorithm algorithm = has_algorithm ? parse_algorithm(PG_GETARG_TEXT_PP(2)) : DigestAlgorithm::xxh3;
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) elog(ERROR, "return type must be a row type");
  desc = BlessTupleDesc(desc);

  DestReceiver* dest = create_wire_receiver(format, CurrentMemoryContext, algorithm);
  struct rusage before, after;
  struct timespec start, end;
  getrusage(RUSAGE_SELF, &before);
  clock_gettime(CLOCK_MONOTONIC, &start);
  run_read_only(sql, dest, "server_scan");
  clock_gettime(CLOCK_MONOTONIC, &end);
  getrusage(RUSAGE_SELF, &after);
  const WireTotals totals = wire_totals(dest);
  dest->rDestroy(dest);

  const bool hashed = format != WireFormat::none;
  const bool digest = hashed && algorithm == DigestAlgorithm::sha256;
  char hex[2 * kDigestBytes + 1];
  totals.digest.hex_into(hex);
  Datum values[7] = {Int64GetDatum(static_cast<int64>(totals.rows)),
                     Int64GetDatum(static_cast<int64>(totals.bytes)),
                     Int64GetDatum(timespec_ns(end) - timespec_ns(start)),
                     Int64GetDatum(timeval_us(after.ru_utime) - timeval_us(before.ru_utime)),
                     Int64GetDatum(timeval_us(after.ru_stime) - timeval_us(before.ru_stime)),
                     Int64GetDatum(checksum_to_sql(totals.sum)),
                     digest ? CStringGetTextDatum(hex) : Datum(0)};
  bool nulls[7] = {false, !hashed, false, false, false, !hashed, !digest};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
