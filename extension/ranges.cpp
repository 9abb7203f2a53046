// Splitters: id_ranges (by an integer key, balanced by row count) and page_ranges
// (by heap blocks, for TID range scans).
#include <vector>

// Pure C++ headers before the PostgreSQL ones: they end with cpp_only.hpp, which
// refuses any PostgreSQL header included before it.
#include "range_math.hpp"

#include "support.hpp"

extern "C" {
#include "catalog/pg_statistic.h"
#include "storage/bufmgr.h"
#include "utils/tuplestore.h"
}

using namespace benchlab;

// benchlab.id_ranges_memory (benchlab.cpp): kB of delta-encoded keys one walk may keep.
extern "C" int benchlab_id_ranges_memory_kb;

namespace {

int64 key_datum(Oid type, Datum d) {
  switch (type) {
    case INT2OID:
      return DatumGetInt16(d);
    case INT4OID:
      return DatumGetInt32(d);
    default:
      return DatumGetInt64(d);
  }
}

// ---- exact: an ordered walk over the key (its index when there is one) -----------

// The splitting rule, fed keys in ascending order once the number of keys is known.
// A part is closed once it holds its share of the rows still unassigned and the key
// changes (rows with one key never straddle two parts), so with a unique key the parts
// differ by at most one row. Ranges are contiguous: the gap between the last key of a
// part and the first of the next belongs to the next part.
struct Splitter {
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

Splitter* make_splitter(int64 keys, int parts) {
  const int n = static_cast<int>(Min(static_cast<int64>(parts), keys));
  auto* s = static_cast<Splitter*>(palloc0(sizeof(Splitter)));
  s->parts = n;
  s->remaining = keys;
  s->target = ceil_div(keys, n);
  s->lo = static_cast<int64*>(palloc0(sizeof(int64) * n));
  s->hi = static_cast<int64*>(palloc0(sizeof(int64) * n));
  s->rows = static_cast<int64*>(palloc0(sizeof(int64) * n));
  return s;
}

inline void split_add(Splitter* s, int64 key) {
  if (!s->started) {
    s->started = true;
    s->lo[0] = key;
  } else if (s->current_rows >= s->target && key != s->last && s->current + 1 < s->parts) {
    s->hi[s->current] = s->last;
    s->rows[s->current] = s->current_rows;
    s->remaining -= s->current_rows;
    ++s->current;
    s->lo[s->current] = s->last + 1;
    s->current_rows = 0;
    s->target = Max(ceil_div(s->remaining, s->parts - s->current), 1);
  }
  ++s->current_rows;
  s->last = key;
}

// Pass 1: counts the keys and the NULLs, and keeps the keys, delta-encoded (LEB128:
// one byte per key for dense ids), while they fit in benchlab.id_ranges_memory (kB).
// When they fit, this one walk is all it takes; otherwise a second walk feeds the
// splitter.

struct KeyCollector {
  DestReceiver pub;  // first
  Oid type;
  int64 keys;
  int64 nulls;
  uint64 previous;
  unsigned char* buffer;
  std::size_t length;
  std::size_t capacity;
  bool overflow;
  MemoryContext context;
};

bool collect_receive(TupleTableSlot* slot, DestReceiver* self) {
  auto* c = reinterpret_cast<KeyCollector*>(self);
  CHECK_FOR_INTERRUPTS();
  bool isnull;
  Datum d = slot_getattr(slot, 1, &isnull);
  if (isnull) {
    ++c->nulls;
    return true;
  }
  const uint64 key = static_cast<uint64>(key_datum(c->type, d));
  ++c->keys;
  if (c->overflow) return true;
  if (c->length + 10 > c->capacity) {
    const std::size_t grown = c->capacity ? c->capacity * 2 : 65536;
    if (grown > static_cast<std::size_t>(benchlab_id_ranges_memory_kb) * 1024) {
      c->overflow = true;  // too many keys to keep: count only, walk again later
      if (c->buffer) pfree(c->buffer);
      c->buffer = nullptr;
      return true;
    }
    c->buffer = static_cast<unsigned char*>(c->buffer ? repalloc_huge(c->buffer, grown)
                                                      : MemoryContextAllocHuge(c->context, grown));
    c->capacity = grown;
  }
  uint64 delta = key - c->previous;  // keys ascend: wraps only from the initial INT64_MIN
  c->previous = key;
  while (delta >= 0x80) {
    c->buffer[c->length++] = static_cast<unsigned char>(delta | 0x80);
    delta >>= 7;
  }
  c->buffer[c->length++] = static_cast<unsigned char>(delta);
  return true;
}

// Pass 2 (only when the keys did not fit): feeds the splitter directly.
struct KeyFeeder {
  DestReceiver pub;  // first
  Oid type;
  Splitter* splitter;
};

bool feed_receive(TupleTableSlot* slot, DestReceiver* self) {
  auto* f = reinterpret_cast<KeyFeeder*>(self);
  CHECK_FOR_INTERRUPTS();
  bool isnull;
  Datum d = slot_getattr(slot, 1, &isnull);
  if (!isnull) split_add(f->splitter, key_datum(f->type, d));
  return true;
}

void walk_startup(DestReceiver*, int, TupleDesc) {}
void walk_nothing(DestReceiver*) {}

void init_receiver(DestReceiver* pub, bool (*receive)(TupleTableSlot*, DestReceiver*)) {
  pub->receiveSlot = receive;
  pub->rStartup = walk_startup;
  pub->rShutdown = walk_nothing;
  pub->rDestroy = walk_nothing;
  pub->mydest = DestNone;
}

void emit(ReturnSetInfo* rsinfo, int part, int64 lo, int64 hi, int64 rows) {
  Datum values[4] = {Int32GetDatum(part), Int64GetDatum(lo), Int64GetDatum(hi), Int64GetDatum(rows)};
  bool nulls[4] = {false, false, false, false};
  tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

// Optional key bounds of id_ranges (lo, hi): NULL is unbounded on that side.
struct KeyBounds {
  bool has_lower;
  bool has_upper;
  int64 lower;
  int64 upper;
};

// The WHERE condition of the walks. With bounds, `key >= lo AND key <= hi` are index
// quals: the btree scan starts at lo and stops after hi (bigint literals are indexable
// for int2/int4 keys too, through the cross-type integer operators), so nothing outside
// the bounds is read. Such a condition excludes NULL keys by itself.
const char* walk_condition(const KeyColumn& col, const KeyBounds& b, bool not_null) {
  if (b.has_lower && b.has_upper)
    return psprintf(" WHERE %s >= '" INT64_FORMAT "'::bigint AND %s <= '" INT64_FORMAT "'::bigint", col.quoted, b.lower,
                    col.quoted, b.upper);
  if (b.has_lower) return psprintf(" WHERE %s >= '" INT64_FORMAT "'::bigint", col.quoted, b.lower);
  if (b.has_upper) return psprintf(" WHERE %s <= '" INT64_FORMAT "'::bigint", col.quoted, b.upper);
  return not_null ? psprintf(" WHERE %s IS NOT NULL", col.quoted) : "";
}

void exact_ranges(ReturnSetInfo* rsinfo, const RelationInfo& rel, const KeyColumn& col, int parts,
                  const KeyBounds& bounds) {
  // enable_sort is off for these walks: the planner reads the key's btree index in
  // order when there is one, and sorts only when there is none. Both walks run in the
  // same snapshot (read-only SPI uses the calling statement's). With bounds the index
  // scan starts and stops at them (walk_condition).
  auto* collector = static_cast<KeyCollector*>(palloc0(sizeof(KeyCollector)));
  init_receiver(&collector->pub, collect_receive);
  collector->type = col.type;
  collector->previous = static_cast<uint64>(PG_INT64_MIN);
  collector->context = CurrentMemoryContext;
  run_read_only(psprintf("SELECT %s FROM %s%s ORDER BY %s", col.quoted, rel.qualified,
                         walk_condition(col, bounds, false), col.quoted),
                &collector->pub, "id_ranges", true);
  if (collector->nulls > 0)
    ereport(WARNING, (errmsg(INT64_FORMAT " rows of \"%s\" have a NULL \"%s\" and are in no range", collector->nulls,
                             rel.name, col.quoted)));
  if (collector->keys == 0) return;

  Splitter* splitter = make_splitter(collector->keys, parts);
  if (!collector->overflow) {
    uint64 key = static_cast<uint64>(PG_INT64_MIN);
    std::size_t at = 0;
    for (int64 i = 0; i < collector->keys; ++i) {
      if ((i & 0xFFFF) == 0) CHECK_FOR_INTERRUPTS();
      uint64 delta = 0;
      int shift = 0;
      unsigned char byte;
      do {
        byte = collector->buffer[at++];
        delta |= static_cast<uint64>(byte & 0x7F) << shift;
        shift += 7;
      } while (byte & 0x80);
      key += delta;
      split_add(splitter, static_cast<int64>(key));
    }
    pfree(collector->buffer);
  } else {
    auto* feeder = static_cast<KeyFeeder*>(palloc0(sizeof(KeyFeeder)));
    init_receiver(&feeder->pub, feed_receive);
    feeder->type = col.type;
    feeder->splitter = splitter;
    run_read_only(psprintf("SELECT %s FROM %s%s ORDER BY %s", col.quoted, rel.qualified,
                           walk_condition(col, bounds, true), col.quoted),
                  &feeder->pub, "id_ranges", true);
  }
  if (!splitter->started) return;
  splitter->hi[splitter->current] = splitter->last;
  splitter->rows[splitter->current] = splitter->current_rows;
  for (int i = 0; i <= splitter->current; ++i) emit(rsinfo, i + 1, splitter->lo[i], splitter->hi[i], splitter->rows[i]);
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
    HeapTuple stats =
        SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(rel.relid), Int16GetDatum(col.attnum), BoolGetDatum(inherited));
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
PartArray split_statistics(const RawStatistics& raw, const KeyColumn& col, int parts, const KeyBounds& bounds) {
  KeyStatistics stats;
  stats.histogram_bounds.assign(raw.bounds, raw.bounds + raw.nbounds);
  for (int i = 0; i < raw.ncommon; ++i) stats.common_values.emplace_back(raw.common[i], raw.common_freq[i]);
  stats.null_fraction = raw.null_fraction;
  stats.estimated_rows = raw.rows;
  stats.type_min = col.type_min;
  stats.type_max = col.type_max;
  stats.has_lower = bounds.has_lower;
  stats.has_upper = bounds.has_upper;
  stats.lower = bounds.lower;
  stats.upper = bounds.upper;
  const std::vector<RangePart> split = split_by_statistics(stats, parts);
  PartArray out{static_cast<int>(split.size()), nullptr};
  if (out.count > 0) {
    out.parts = static_cast<RangePart*>(pg::call([&] { return palloc(sizeof(RangePart) * split.size()); }));
    std::copy(split.begin(), split.end(), out.parts);
  }
  return out;
}

void approximate_ranges(ReturnSetInfo* rsinfo, const RelationInfo& rel, const KeyColumn& col, int parts,
                        const KeyBounds& bounds) {
  const RawStatistics raw = read_statistics(rel, col);
  if (raw.known_empty) return;
  if (!raw.found)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("no planner statistics for column \"%s\" of \"%s\"", col.quoted, rel.name),
                    errhint("Run ANALYZE on the table, or call id_ranges with exact => true.")));
  const PartArray split = split_statistics(raw, col, parts, bounds);
  for (int i = 0; i < split.count; ++i) emit(rsinfo, i + 1, split.parts[i].lo, split.parts[i].hi, split.parts[i].rows);
}

}  // namespace

// benchlab.id_ranges(rel, parts, key, exact, lo, hi) -> (part, lo, hi, rows)
// lo and hi bound the keys split (inclusive); NULL is unbounded on that side.
BENCHLAB_FUNCTION(benchlab_id_ranges) {
  static const char* const names[] = {"rel", "parts", "key", "exact"};
  for (int i = 0; i < 4; ++i) require_not_null(fcinfo, i, names[i]);
  const Oid relid = PG_GETARG_OID(0);
  const int parts = checked_parts(PG_GETARG_INT32(1));
  const char* key = NameStr(*PG_GETARG_NAME(2));
  const bool exact = PG_GETARG_BOOL(3);
  KeyBounds bounds{false, false, 0, 0};
  if (PG_NARGS() > 4 && !PG_ARGISNULL(4)) {
    bounds.has_lower = true;
    bounds.lower = PG_GETARG_INT64(4);
  }
  if (PG_NARGS() > 5 && !PG_ARGISNULL(5)) {
    bounds.has_upper = true;
    bounds.upper = PG_GETARG_INT64(5);
  }
  if (bounds.has_lower && bounds.has_upper && bounds.lower > bounds.upper)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("lower bound " INT64_FORMAT " is greater than upper bound " INT64_FORMAT, bounds.lower,
                           bounds.upper),
                    errhint("Pass lo <= hi; NULL leaves that side unbounded.")));
  const RelationInfo rel =
      check_relation(relid, exact ? "rpmvf" : "rpmf", exact ? "id_ranges" : "id_ranges (exact => false)", key);
  const KeyColumn col = check_integer_key(rel, key);
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (exact)
    exact_ranges(rsinfo, rel, col, parts, bounds);
  else
    approximate_ranges(rsinfo, rel, col, parts, bounds);
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
