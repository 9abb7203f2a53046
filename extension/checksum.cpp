// Checksums: range_checksum (the server's figure for one key range) and wire_row_hash
// (the row hash of given wire bytes, for test vectors).
#include "wire.hpp"

#include "benchlab/row_checksum.hpp"

extern "C" {
#include "utils/array.h"
}

using namespace benchlab;

// benchlab.range_checksum(rel, key, lo, hi, format): rows and checksum of
// SELECT * FROM rel WHERE key BETWEEN lo AND hi, in the given wire format.
BENCHLAB_FUNCTION(benchlab_range_checksum) {
  static const char* const names[] = {"rel", "key", "lo", "hi", "format"};
  for (int i = 0; i < 5; ++i) require_not_null(fcinfo, i, names[i]);
  const Oid relid = PG_GETARG_OID(0);
  const char* key = NameStr(*PG_GETARG_NAME(1));
  const int64 lo = PG_GETARG_INT64(2);
  const int64 hi = PG_GETARG_INT64(3);
  const WireFormat format = parse_format(PG_GETARG_TEXT_PP(4), false);
  const RelationInfo rel = check_relation(relid, "rpmvf", "range_checksum");
  const KeyColumn col = check_integer_key(rel, key);
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) elog(ERROR, "return type must be a row type");
  desc = BlessTupleDesc(desc);

  const char* sql = psprintf("SELECT * FROM %s WHERE %s BETWEEN '" INT64_FORMAT "'::pg_catalog.int8 AND '" INT64_FORMAT
                             "'::pg_catalog.int8",
                             rel.qualified, col.quoted, lo, hi);
  DestReceiver* dest = create_wire_receiver(format, CurrentMemoryContext);
  run_read_only(sql, dest, "range_checksum", true);
  const WireTotals totals = wire_totals(dest);
  dest->rDestroy(dest);
  Datum values[2] = {Int64GetDatum(static_cast<int64>(totals.rows)), Int64GetDatum(checksum_to_sql(totals.sum))};
  bool nulls[2] = {false, false};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

// benchlab.wire_row_hash(bytea[]): the row hash of one row given as its columns' wire
// bytes (a NULL element is a NULL column). Lets tests pin the definition with vectors.
BENCHLAB_FUNCTION(benchlab_wire_row_hash) {
  require_not_null(fcinfo, 0, "columns");
  ArrayType* array = PG_GETARG_ARRAYTYPE_P(0);
  if (ARR_NDIM(array) > 1)
    ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("columns must be a one-dimensional bytea array")));
  Datum* elems;
  bool* nulls;
  int n;
  deconstruct_array(array, BYTEAOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
  PallocBuffer buffer;
  buffer.context = CurrentMemoryContext;
  RowEncoder<PallocBuffer> row(buffer);
  for (int i = 0; i < n; ++i) {
    if (nulls[i]) {
      row.add_null();
    } else {
      bytea* value = DatumGetByteaPP(elems[i]);
      row.add_value(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
    }
  }
  PG_RETURN_INT64(checksum_to_sql(row.finish()));
}
