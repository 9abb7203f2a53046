// Checksums: range_checksum (the server's figure for one key range, with the sha256
// digest on request), wire_row_hash and wire_row_digest (the row hash and the row
// digest of given wire bytes, for test vectors).
#include "wire.hpp"

#include "benchlab/row_checksum.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "common/cryptohash.h"
#include "utils/array.h"
}
#pragma GCC diagnostic pop

using namespace benchlab;

// benchlab.range_checksum(rel, key, lo, hi, format, algorithm): rows and checksum of
// SELECT * FROM rel WHERE key BETWEEN lo AND hi, in the given wire format, and with
// algorithm 'sha256' the set digest (64 hex digits; NULL with 'xxh3', the default).
BENCHLAB_FUNCTION(benchlab_range_checksum) {
  // A database whose benchlab was created before the algorithm parameter existed
  // calls this with five arguments (and expects no digest column): xxh3, as then.
  const int given = PG_NARGS() < 6 ? 5 : 6;
  static const char* const names[] = {"rel", "key", "lo", "hi", "format", "algorithm"};
  for (int i = 0; i < given; ++i) require_not_null(fcinfo, i, names[i]);
  const Oid relid = PG_GETARG_OID(0);
  const char* key = NameStr(*PG_GETARG_NAME(1));
  const int64 lo = PG_GETARG_INT64(2);
  const int64 hi = PG_GETARG_INT64(3);
  const WireFormat format = parse_format(PG_GETARG_TEXT_PP(4), false);
  const DigestAlgorithm algorithm = given == 6 ? parse_algorithm(PG_GETARG_TEXT_PP(5)) : DigestAlgorithm::xxh3;
  const RelationInfo rel = check_relation(relid, "rpmvf", "range_checksum");
  const KeyColumn col = check_integer_key(rel, key);
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) elog(ERROR, "return type must be a row type");
  desc = BlessTupleDesc(desc);

  const char* sql = psprintf("SELECT * FROM %s WHERE %s BETWEEN '" INT64_FORMAT "'::pg_catalog.int8 AND '" INT64_FORMAT
                             "'::pg_catalog.int8",
                             rel.qualified, col.quoted, lo, hi);
  DestReceiver* dest = create_wire_receiver(format, CurrentMemoryContext, algorithm);
  run_read_only(sql, dest, "range_checksum", true);
  const WireTotals totals = wire_totals(dest);
  dest->rDestroy(dest);
  const bool digest = algorithm == DigestAlgorithm::sha256;  // the digest column is NULL otherwise
  char hex[2 * kDigestBytes + 1];
  totals.digest.hex_into(hex);
  Datum values[3] = {Int64GetDatum(static_cast<int64>(totals.rows)), Int64GetDatum(checksum_to_sql(totals.sum)),
                     digest ? CStringGetTextDatum(hex) : Datum(0)};
  bool nulls[3] = {false, false, !digest};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

// The row image of wire_row_hash's and wire_row_digest's argument (a NULL element
// is a NULL column), added to `row`.
static void encode_array_row(FunctionCallInfo fcinfo, RowEncoder<PallocBuffer>& row) {
  require_not_null(fcinfo, 0, "columns");
  ArrayType* array = PG_GETARG_ARRAYTYPE_P(0);
  if (ARR_NDIM(array) > 1)
    ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("columns must be a one-dimensional bytea array")));
  Datum* elems;
  bool* nulls;
  int n;
  deconstruct_array(array, BYTEAOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
  for (int i = 0; i < n; ++i) {
    if (nulls[i]) {
      row.add_null();
    } else {
      bytea* value = DatumGetByteaPP(elems[i]);
      row.add_value(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
    }
  }
}

// benchlab.wire_row_hash(bytea[]): the row hash of one row given as its columns' wire
// bytes (a NULL element is a NULL column). Lets tests pin the definition with vectors.
BENCHLAB_FUNCTION(benchlab_wire_row_hash) {
  PallocBuffer buffer;
  buffer.context = CurrentMemoryContext;
  RowEncoder<PallocBuffer> row(buffer);
  encode_array_row(fcinfo, row);
  PG_RETURN_INT64(checksum_to_sql(row.finish()));
}

// benchlab.wire_row_digest(bytea[]): the row digest (--digest sha256) of one row given
// as its columns' wire bytes: SHA-256 over the same bytes wire_row_hash hashes, as 64
// lowercase hex digits. Lets tests pin the definition with vectors.
BENCHLAB_FUNCTION(benchlab_wire_row_digest) {
  PallocBuffer buffer;
  buffer.context = CurrentMemoryContext;
  RowEncoder<PallocBuffer> row(buffer);
  encode_array_row(fcinfo, row);
  pg_cryptohash_ctx* ctx = pg_cryptohash_create(PG_SHA256);
  if (ctx == nullptr) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
  uint8 hash[kDigestBytes];
  if (pg_cryptohash_init(ctx) < 0 ||
      pg_cryptohash_update(ctx, reinterpret_cast<const uint8*>(row.data()), row.size()) < 0 ||
      pg_cryptohash_final(ctx, hash, sizeof hash) < 0)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("sha256 of a row failed: %s", pg_cryptohash_error(ctx))));
  pg_cryptohash_free(ctx);
  // A one-row set digest is the row digest itself: reuse its hex writer.
  SetDigest one;
  one.add_row(hash);
  char hex[2 * kDigestBytes + 1];
  one.hex_into(hex);
  PG_RETURN_TEXT_P(cstring_to_text(hex));
}
