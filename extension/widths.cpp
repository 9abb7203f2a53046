// Row-width statistics: row_width_stats (distribution of whole-row widths, as stored
// and as sent in text form) and column_widths (per column averages and null fraction).
// Both read the table through TABLESAMPLE SYSTEM when sample_percent < 100.
#include <cmath>

// Pure C++ headers before the PostgreSQL ones: they end with cpp_only.hpp, which
// refuses any PostgreSQL header included before it.
#include "width_histogram.hpp"

#include "wire.hpp"

extern "C" {
#include "access/detoast.h"
#include "mb/pg_wchar.h"
#include "utils/tuplestore.h"
}

using namespace benchlab;

namespace {

struct ColumnTotals {
  int64 values;  // non-null
  int64 nulls;
  double stored;  // bytes as stored (pg_column_size), non-null values
  double text;    // bytes of the text output as sent, non-null values
};

struct WidthReceiver {
  DestReceiver pub;  // first
  MemoryContext context;
  MemoryContext row_context;
  TupleDesc desc;
  int natts;
  FmgrInfo* output;
  ColumnTotals* columns;
  WidthHistogram* stored_widths;  // owned by the C++ caller; may be null
  WidthHistogram* text_widths;
  int64 rows;
  uint64 stored_total;
  uint64 text_total;
};

void width_startup(DestReceiver* self, int, TupleDesc typeinfo) {
  auto* w = reinterpret_cast<WidthReceiver*>(self);
  w->desc = CreateTupleDescCopy(typeinfo);
  w->natts = typeinfo->natts;
  w->output = static_cast<FmgrInfo*>(MemoryContextAllocZero(w->context, sizeof(FmgrInfo) * Max(w->natts, 1)));
  w->columns = static_cast<ColumnTotals*>(MemoryContextAllocZero(w->context, sizeof(ColumnTotals) * Max(w->natts, 1)));
  for (int i = 0; i < w->natts; ++i) {
    Oid function;
    bool is_varlena;
    getTypeOutputInfo(TupleDescAttr(typeinfo, i)->atttypid, &function, &is_varlena);
    fmgr_info_cxt(function, &w->output[i], w->context);
  }
}

// Stored width of a row: the heap tuple it makes (header with null bitmap, aligned
// data as heap_form_tuple lays it out, TOAST pointers for out-of-line values) plus the
// out-of-line TOAST bytes. Text width: the DataRow message a client receives in text.
bool width_receive(TupleTableSlot* slot, DestReceiver* self) {
  auto* w = reinterpret_cast<WidthReceiver*>(self);
  CHECK_FOR_INTERRUPTS();
  slot_getallattrs(slot);
  MemoryContext old = MemoryContextSwitchTo(w->row_context);
  bool has_null = false;
  uint64 toasted = 0;
  uint64 text_width = kDataRowHeader;
  for (int i = 0; i < w->natts; ++i) {
    text_width += kColumnHeader;
    if (slot->tts_isnull[i]) {
      has_null = true;
      ++w->columns[i].nulls;
      continue;
    }
    const Datum value = slot->tts_values[i];
    Form_pg_attribute att = TupleDescAttr(w->desc, i);
    uint64 stored;
    if (att->attlen > 0) {
      stored = att->attlen;
    } else if (att->attlen == -1) {
      stored = toast_datum_size(value);
      if (VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(value))) toasted += stored;
    } else {
      stored = strlen(DatumGetCString(value)) + 1;
    }
    char* out = OutputFunctionCall(&w->output[i], value);
    std::size_t len = strlen(out);
    char* sent = pg_server_to_client(out, static_cast<int>(len));
    if (sent != out) len = strlen(sent);
    text_width += len;
    ++w->columns[i].values;
    w->columns[i].stored += stored;
    w->columns[i].text += len;
  }
  const uint64 header = MAXALIGN(SizeofHeapTupleHeader + (has_null ? BITMAPLEN(w->natts) : 0));
  const uint64 stored_width = header + heap_compute_data_size(w->desc, slot->tts_values, slot->tts_isnull) + toasted;
  MemoryContextSwitchTo(old);
  MemoryContextReset(w->row_context);

  ++w->rows;
  w->stored_total += stored_width;
  w->text_total += text_width;
  if (w->stored_widths) {
    bool failed = false;
    try {
      w->stored_widths->add(stored_width);
      w->text_widths->add(text_width);
    } catch (...) {
      failed = true;
    }
    if (failed) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
  }
  return true;
}
void width_nothing(DestReceiver*) {}

WidthReceiver* create_width_receiver(WidthHistogram* stored, WidthHistogram* text) {
  MemoryContext context =
      AllocSetContextCreate(CurrentMemoryContext, "benchlab width receiver", ALLOCSET_DEFAULT_SIZES);
  auto* w = static_cast<WidthReceiver*>(MemoryContextAllocZero(context, sizeof(WidthReceiver)));
  w->pub.receiveSlot = width_receive;
  w->pub.rStartup = width_startup;
  w->pub.rShutdown = width_nothing;
  w->pub.rDestroy = width_nothing;
  w->pub.mydest = DestNone;
  w->context = context;
  w->row_context = AllocSetContextCreate(context, "benchlab width row", ALLOCSET_DEFAULT_SIZES);
  w->stored_widths = stored;
  w->text_widths = text;
  return w;
}

struct SampleArgs {
  RelationInfo rel;
  double percent;
  const char* sql;
};

SampleArgs sample_args(FunctionCallInfo fcinfo, const char* who) {
  require_not_null(fcinfo, 0, "rel");
  require_not_null(fcinfo, 1, "sample_percent");
  SampleArgs args;
  args.percent = checked_sample_percent(PG_GETARG_FLOAT8(1));
  args.rel = check_relation(PG_GETARG_OID(0), "rpm", who);
  args.sql = args.percent >= 100.0
                 ? psprintf("SELECT * FROM %s", args.rel.qualified)
                 : psprintf("SELECT * FROM %s TABLESAMPLE SYSTEM (%.17g)", args.rel.qualified, args.percent);
  return args;
}

// The C++ half of row_width_stats: the histograms live here, so PostgreSQL is called
// only through pg::call.
Datum row_width_result(const SampleArgs& args, TupleDesc desc) {
  WidthHistogram stored, text;
  WidthReceiver* w = pg::call([&] { return create_width_receiver(&stored, &text); });
  pg::call([&] { run_read_only(args.sql, &w->pub, "row_width_stats", true); });

  constexpr int kColumns = 16;
  Datum values[kColumns];
  bool nulls[kColumns];
  const bool empty = w->rows == 0;
  int c = 0;
  auto put = [&](Datum d, bool null = false) {
    values[c] = d;
    nulls[c++] = null;
  };
  put(Int64GetDatum(w->rows));
  put(Int64GetDatum(static_cast<int64>(std::llround(static_cast<double>(w->rows) * 100.0 / args.percent))));
  put(Int64GetDatum(static_cast<int64>(w->stored_total)));
  put(Int64GetDatum(static_cast<int64>(w->text_total)));
  for (const WidthHistogram* h : {&stored, &text}) {
    put(Float8GetDatum(h->mean()), empty);
    put(Int64GetDatum(static_cast<int64>(h->min())), empty);
    put(Int64GetDatum(static_cast<int64>(h->percentile(50))), empty);
    put(Int64GetDatum(static_cast<int64>(h->percentile(95))), empty);
    put(Int64GetDatum(static_cast<int64>(h->percentile(99))), empty);
    put(Int64GetDatum(static_cast<int64>(h->max())), empty);
  }
  return pg::call([&] {
    HeapTuple tuple = heap_form_tuple(desc, values, nulls);
    MemoryContextDelete(w->context);
    return HeapTupleGetDatum(tuple);
  });
}

}  // namespace

// benchlab.row_width_stats(rel, sample_percent)
BENCHLAB_FUNCTION(benchlab_row_width_stats) {
  const SampleArgs args = sample_args(fcinfo, "row_width_stats");
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) elog(ERROR, "return type must be a row type");
  if (desc->natts != 16) elog(ERROR, "row_width_stats: expected 16 result columns, got %d", desc->natts);
  desc = BlessTupleDesc(desc);
  return row_width_result(args, desc);
}

// benchlab.column_widths(rel, sample_percent) -> one row per column, in column order.
BENCHLAB_FUNCTION(benchlab_column_widths) {
  const SampleArgs args = sample_args(fcinfo, "column_widths");
  InitMaterializedSRF(fcinfo, 0);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  WidthReceiver* w = create_width_receiver(nullptr, nullptr);
  run_read_only(args.sql, &w->pub, "column_widths", true);
  for (int i = 0; i < w->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(w->desc, i);
    const ColumnTotals& t = w->columns[i];
    Datum values[6];
    bool nulls[6] = {false, false, false, t.values == 0, t.values == 0, w->rows == 0};
    values[0] = Int32GetDatum(get_attnum(args.rel.relid, NameStr(att->attname)));
    values[1] = NameGetDatum(&att->attname);
    values[2] = CStringGetTextDatum(format_type_with_typemod(att->atttypid, att->atttypmod));
    values[3] = Float8GetDatum(t.values ? t.stored / static_cast<double>(t.values) : 0.0);
    values[4] = Float8GetDatum(t.values ? t.text / static_cast<double>(t.values) : 0.0);
    values[5] = Float8GetDatum(w->rows ? static_cast<double>(t.nulls) / static_cast<double>(w->rows) : 0.0);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  MemoryContextDelete(w->context);
  return static_cast<Datum>(0);
}
