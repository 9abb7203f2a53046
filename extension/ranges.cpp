// Splitters: id_ranges (by an integer key, balanced by row count) and page_ranges
// (by heap blocks, for TID range scans).
#include <vector>

#include "range_math.hpp"
#include "support.hpp"

extern "C" {
#include "catalog/pg_statistic.h"
#include "storage/bufmgr.h"
#include "utils/guc.h"
#include "utils/tuplestore.h"
}

using namespace benchlab;

namespace {

int64 key_datum(Oid type, Datum d) {
  switch (type) {
    case INT2OID: return DatumGetInt16(d);
    case INT4OID: return DatumGetInt32(d);
    default: return DatumGetInt64(d);
  }
}

// ---- exact: one ordered walk over the key (its index when there is one) ----------

struct KeyWalk {
  DestReceiver pub;  // first
  Oid type;
  int parts;
  int current;         // part being filled
  int64 current_rows;  // rows in it so far
  int64 remaining;     // rows not yet in a closed part
  int64 target;        // rows the current part should get
  int64 last;          // previous key
  bool started;
  int64* lo;
  int64* hi;
  int64* rows;
};

int64 ceil_div(int64 a, int64 b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// Keys arrive in ascending order. A part is closed once it holds its share of the rows
// still unassigned and the key changes (rows with one key never straddle two parts),
// so with a unique key the parts differ by at most one row.
bool walk_receive(TupleTableSlot* slot, DestReceiver* self) {
  auto* w = reinterpret_cast<KeyWalk*>(self);
  CHECK_FOR_INTERRUPTS();
  bool isnull;
  Datum d = slot_getattr(slot, 1, &isnull);
  if (isnull) return true;
  const int64 key = key_datum(w->type, d);
  if (!w->started) {
    w->started = true;
    w->lo[0] = key;
  } else if (w->current_rows >= w->target && key != w->last && w->current + 1 < w->parts) {
    w->hi[w->current] = w->last;
    w->rows[w->current] = w->current_rows;
    w->remaining -= w->current_rows;
    ++w->current;
    w->lo[w->current] = w->last + 1;  // contiguous: the gap between keys goes to the next part
    w->current_rows = 0;
    w->target = Max(ceil_div(w->remaining, w->parts - w->current), 1);
  }
  ++w->current_rows;
  w->last = key;
  return true;
}
void walk_startup(DestReceiver*, int, TupleDesc) {}
void walk_nothing(DestReceiver*) {}

// count(key) and the number of NULL keys, in the same snapshot the walk will use.
void count_keys(const RelationInfo& rel, const KeyColumn& col, int64* keys, int64* null_keys) {
  const char* sql = psprintf("SELECT pg_catalog.count(%s)::pg_catalog.int8, (pg_catalog.count(*) - pg_catalog.count(%s))::pg_catalog.int8 FROM %s", col.quoted, col.quoted, rel.qualified);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "id_ranges: SPI_connect failed");
  const int nest_level = NewGUCNestLevel();
  (void)set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
  const int rc = SPI_execute(sql, true, 1);
  AtEOXact_GUC(true, nest_level);
  if (rc != SPI_OK_SELECT || SPI_processed != 1) elog(ERROR, "id_ranges: counting rows failed");
  bool isnull;
  *keys = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  *null_keys = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
  SPI_finish();
}

void emit(ReturnSetInfo* rsinfo, int part, int64 lo, int64 hi, int64 rows) {
  Datum values[4] = {Int32GetDatum(part), Int64GetDatum(lo), Int64GetDatum(hi), Int64GetDatum(rows)};
  bool nulls[4] = {false, false, false, false};
  tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

void exact_ranges(ReturnSetInfo* rsinfo, const RelationInfo& rel, const KeyColumn& col, int parts) {
  int64 keys, null_keys;
  count_keys(rel, col, &keys, &null_keys);
  if (null_keys > 0)
    ereport(WARNING, (errmsg(INT64_FORMAT " rows of \"%s\" have a NULL \"%s\" and are in no range", null_keys, rel.name,
                             col.quoted)));
  if (keys == 0) return;
  const int n = static_cast<int>(Min(static_cast<int64>(parts), keys));
  auto* w = static_cast<KeyWalk*>(palloc0(sizeof(KeyWalk)));
  w->pub.receiveSlot = walk_receive;
  w->pub.rStartup = walk_startup;
  w->pub.rShutdown = walk_nothing;
  w->pub.rDestroy = walk_nothing;
  w->pub.mydest = DestNone;
  w->type = col.type;
  w->parts = n;
  w->remaining = keys;
  w->target = ceil_div(keys, n);
  w->lo = static_cast<int64*>(palloc0(sizeof(int64) * n));
  w->hi = static_cast<int64*>(palloc0(sizeof(int64) * n));
  w->rows = static_cast<int64*>(palloc0(sizeof(int64) * n));
  // enable_sort off: the planner walks the key's btree index when there is one
  // (sorting only when there is none).
  const char* sql = psprintf("SELECT %s FROM %s WHERE %s IS NOT NULL ORDER BY %s", col.quoted, rel.qualified, col.quoted, col.quoted);
  run_read_only(sql, &w->pub, "id_ranges", true);
  if (!w->started) return;
  w->hi[w->current] = w->last;
  w->rows[w->current] = w->current_rows;
  for (int i = 0; i <= w->current; ++i) emit(rsinfo, i + 1, w->lo[i], w->hi[i], w->rows[i]);
}

// ---- approximate: planner statistics only ------------------------------------------

struct RawStatistics {
  bool found = false;
  float4 null_fraction = 0;
  int nbounds = 0;
  int64* bounds = nullptr;
  int ncommon = 0;
  int64* common = nullptr;
  float4* common_freq = nullptr;
  double rows = 0;  // estimated rows now
  bool known_empty = false;
};

// Reads pg_statistic (histogram bounds, most common values, null fraction) for the
// key and scales pg_class.reltuples to the relation's current size, as the planner
// does. Reads no table data.
RawStatistics read_statistics(const RelationInfo& rel, const KeyColumn& col) {
  RawStatistics raw;
  HeapTuple class_tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(rel.relid));
  if (!HeapTupleIsValid(class_tuple)) elog(ERROR, "cache lookup failed for relation %u", rel.relid);
  auto* form = reinterpret_cast<Form_pg_class>(GETSTRUCT(class_tuple));
  const double reltuples = form->reltuples;
  const double relpages = form->relpages;
  ReleaseSysCache(class_tuple);
  if (rel.relkind == RELKIND_RELATION || rel.relkind == RELKIND_MATVIEW) {
    Relation r = relation_open(rel.relid, AccessShareLock);
    const double nblocks = RelationGetNumberOfBlocks(r);
    relation_close(r, AccessShareLock);
    raw.known_empty = nblocks == 0;
    if (reltuples >= 0) raw.rows = relpages > 0 ? reltuples / relpages * nblocks : (nblocks > 0 ? reltuples : 0);
  } else {
    raw.rows = Max(reltuples, 0.0);
    raw.known_empty = reltuples == 0;
  }

  for (bool inherited : {false, true}) {
    HeapTuple stats = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(rel.relid), Int16GetDatum(col.attnum), BoolGetDatum(inherited));
    if (!HeapTupleIsValid(stats)) continue;
    raw.found = true;
    raw.null_fraction = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(stats))->stanullfrac;
    AttStatsSlot slot;
    if (get_attstatsslot(&slot, stats, STATISTIC_KIND_HISTOGRAM, InvalidOid, ATTSTATSSLOT_VALUES)) {
      raw.nbounds = slot.nvalues;
      raw.bounds = static_cast<int64*>(palloc(sizeof(int64) * Max(slot.nvalues, 1)));
      for (int i = 0; i < slot.nvalues; ++i) raw.bounds[i] = key_datum(col.type, slot.values[i]);
      free_attstatsslot(&slot);
    }
    if (get_attstatsslot(&slot, stats, STATISTIC_KIND_MCV, InvalidOid, ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS)) {
      raw.ncommon = Min(slot.nvalues, slot.nnumbers);
      raw.common = static_cast<int64*>(palloc(sizeof(int64) * Max(raw.ncommon, 1)));
      raw.common_freq = static_cast<float4*>(palloc(sizeof(float4) * Max(raw.ncommon, 1)));
      for (int i = 0; i < raw.ncommon; ++i) {
        raw.common[i] = key_datum(col.type, slot.values[i]);
        raw.common_freq[i] = slot.numbers[i];
      }
      free_attstatsslot(&slot);
    }
    ReleaseSysCache(stats);
    break;
  }
  return raw;
}

struct PartArray {
  int count;
  RangePart* parts;
};

// The C++ half: vectors in this frame, so PostgreSQL is called only through pg::call.
PartArray split_statistics(const RawStatistics& raw, const KeyColumn& col, int parts) {
  KeyStatistics stats;
  stats.histogram_bounds.assign(raw.bounds, raw.bounds + raw.nbounds);
  for (int i = 0; i < raw.ncommon; ++i) stats.common_values.emplace_back(raw.common[i], raw.common_freq[i]);
  stats.null_fraction = raw.null_fraction;
  stats.estimated_rows = raw.rows;
  stats.type_min = col.type_min;
  stats.type_max = col.type_max;
  const std::vector<RangePart> split = split_by_statistics(stats, parts);
  PartArray out{static_cast<int>(split.size()), nullptr};
  if (out.count > 0) {
    out.parts = static_cast<RangePart*>(pg::call([&] { return palloc(sizeof(RangePart) * split.size()); }));
    std::copy(split.begin(), split.end(), out.parts);
  }
  return out;
}

void approximate_ranges(ReturnSetInfo* rsinfo, const RelationInfo& rel, const KeyColumn& col, int parts) {
  const RawStatistics raw = read_statistics(rel, col);
  if (raw.known_empty) return;
  if (!raw.found)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("no planner statistics for column \"%s\" of \"%s\"", col.quoted, rel.name),
                    errhint("Run ANALYZE on the table, or call id_ranges with exact => true.")));
  const PartArray split = split_statistics(raw, col, parts);
  for (int i = 0; i < split.count; ++i) emit(rsinfo, i + 1, split.parts[i].lo, split.parts[i].hi, split.parts[i].rows);
}

}  // namespace

// benchlab.id_ranges(rel, parts, key, exact) -> (part, lo, hi, rows)
BENCHLAB_FUNCTION(benchlab_id_ranges) {
  static const char* const names[] = {"rel", "parts", "key", "exact"};
  for (int i = 0; i < 4; ++i) require_not_null(fcinfo, i, names[i]);
  const Oid relid = PG_GETARG_OID(0);
  const int parts = checked_parts(PG_GETARG_INT32(1));
  const char* key = NameStr(*PG_GETARG_NAME(2));
  const bool exact = PG_GETARG_BOOL(3);
  const RelationInfo rel = check_relation(relid, exact ? "rpmvf" : "rpmf", exact ? "id_ranges" : "id_ranges (exact => false)", key);
  const KeyColumn col = check_integer_key(rel, key);
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (exact)
    exact_ranges(rsinfo, rel, col, parts);
  else
    approximate_ranges(rsinfo, rel, col, parts);
  return static_cast<Datum>(0);
}

// benchlab.page_ranges(rel, parts) -> (part, first_block, last_block): the relation's
// blocks as they are now (RelationGetNumberOfBlocks, not the possibly stale relpages),
// in contiguous runs whose sizes differ by at most one block.
BENCHLAB_FUNCTION(benchlab_page_ranges) {
  require_not_null(fcinfo, 0, "rel");
  require_not_null(fcinfo, 1, "parts");
  const Oid relid = PG_GETARG_OID(0);
  const int parts = checked_parts(PG_GETARG_INT32(1));
  const RelationInfo rel = check_relation(relid, "rm", "page_ranges");
  Relation r = relation_open(rel.relid, AccessShareLock);
  const int64 nblocks = RelationGetNumberOfBlocks(r);
  relation_close(r, AccessShareLock);
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  const int64 n = Min(static_cast<int64>(parts), nblocks);
  for (int64 i = 0; i < n; ++i) {
    Datum values[3] = {Int32GetDatum(static_cast<int32>(i + 1)), Int64GetDatum(i * nblocks / n),
                       Int64GetDatum((i + 1) * nblocks / n - 1)};
    bool nulls[3] = {false, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return static_cast<Datum>(0);
}
