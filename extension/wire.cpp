// The wire receiver (see wire.hpp). Its callbacks run inside the executor: they own no
// C++ objects with destructors, so PostgreSQL errors may longjmp through them.
#include "wire.hpp"

#include "benchlab/row_checksum.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "common/cryptohash.h"
#include "mb/pg_wchar.h"
}
#pragma GCC diagnostic pop

namespace benchlab {
namespace {

struct WireReceiver {
  DestReceiver pub;  // first: the executor sees a DestReceiver*
  WireFormat format;
  MemoryContext context;      // the receiver's own long-lived memory
  MemoryContext row_context;  // reset after every row
  int natts;
  FmgrInfo* functions;        // output (text) or send (binary) function per column
  PallocBuffer buffer;        // the row image being hashed, grown to the widest row
  pg_cryptohash_ctx* sha256;  // --digest sha256: reused row after row (nullptr: xxh3 only)
  WireTotals totals;
};

// SHA-256 of one row image into the totals' digest. Errors (out of memory in
// OpenSSL) are raised here: the callback owns no C++ objects with destructors.
void add_row_digest(WireReceiver* r, const char* data, std::size_t length) {
  uint8 digest[kDigestBytes];
  if (pg_cryptohash_init(r->sha256) < 0 ||
      pg_cryptohash_update(r->sha256, reinterpret_cast<const uint8*>(data), length) < 0 ||
      pg_cryptohash_final(r->sha256, digest, sizeof digest) < 0)
    ereport(ERROR,
            (errcode(ERRCODE_INTERNAL_ERROR), errmsg("sha256 of a row failed: %s", pg_cryptohash_error(r->sha256))));
  r->totals.digest.add_row(digest);
}

void wire_startup(DestReceiver* self, int operation, TupleDesc typeinfo) {
  auto* r = reinterpret_cast<WireReceiver*>(self);
  r->natts = typeinfo->natts;
  if (r->format == WireFormat::none) return;
  r->functions = static_cast<FmgrInfo*>(MemoryContextAllocZero(r->context, sizeof(FmgrInfo) * Max(r->natts, 1)));
  for (int i = 0; i < r->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(typeinfo, i);
    Oid function;
    bool is_varlena;
    if (r->format == WireFormat::text)
      getTypeOutputInfo(att->atttypid, &function, &is_varlena);
    else
      getTypeBinaryOutputInfo(att->atttypid, &function, &is_varlena);
    fmgr_info_cxt(function, &r->functions[i], r->context);
  }
}

bool wire_receive(TupleTableSlot* slot, DestReceiver* self) {
  auto* r = reinterpret_cast<WireReceiver*>(self);
  CHECK_FOR_INTERRUPTS();
  ++r->totals.rows;
  // 'none': count only, so the cost is the executor's (what EXPLAIN ANALYZE measures)
  // plus this receiver; deforming the row belongs to the output functions' share.
  if (r->format == WireFormat::none) return true;
  slot_getallattrs(slot);

  MemoryContext old = MemoryContextSwitchTo(r->row_context);
  RowEncoder<PallocBuffer> row(r->buffer);
  uint64 wire = kDataRowHeader;
  for (int i = 0; i < r->natts; ++i) {
    wire += kColumnHeader;
    if (slot->tts_isnull[i]) {
      row.add_null();
      continue;
    }
    if (r->format == WireFormat::text) {
      // As printtup/pq_sendcountedtext: output function, then server-to-client encoding.
      char* out = OutputFunctionCall(&r->functions[i], slot->tts_values[i]);
      std::size_t len = strlen(out);
      char* sent = pg_server_to_client(out, static_cast<int>(len));
      if (sent != out) len = strlen(sent);
      row.add_value(sent, len);
      wire += len;
    } else {
      bytea* out = SendFunctionCall(&r->functions[i], slot->tts_values[i]);
      const std::size_t len = VARSIZE(out) - VARHDRSZ;
      row.add_value(VARDATA(out), len);
      wire += len;
    }
  }
  r->totals.sum += row.finish();
  if (r->sha256 != nullptr) add_row_digest(r, row.data(), row.size());
  r->totals.bytes += wire;
  MemoryContextSwitchTo(old);
  MemoryContextReset(r->row_context);
  return true;
}

void wire_shutdown(DestReceiver* self) {}
// Frees everything the receiver allocated (read the totals first).
void wire_destroy(DestReceiver* self) {
  auto* r = reinterpret_cast<WireReceiver*>(self);
  if (r->sha256 != nullptr) pg_cryptohash_free(r->sha256);
  MemoryContextDelete(r->context);
}

}  // namespace

DestReceiver* create_wire_receiver(WireFormat format, MemoryContext parent, DigestAlgorithm algorithm) {
  MemoryContext context = AllocSetContextCreate(parent, "benchlab wire receiver", ALLOCSET_DEFAULT_SIZES);
  auto* r = static_cast<WireReceiver*>(MemoryContextAllocZero(context, sizeof(WireReceiver)));
  r->pub.receiveSlot = wire_receive;
  r->pub.rStartup = wire_startup;
  r->pub.rShutdown = wire_shutdown;
  r->pub.rDestroy = wire_destroy;
  r->pub.mydest = DestNone;
  r->format = format;
  r->context = context;
  r->row_context = AllocSetContextCreate(context, "benchlab wire row", ALLOCSET_DEFAULT_SIZES);
  r->buffer.context = context;
  if (algorithm == DigestAlgorithm::sha256 && format != WireFormat::none) {
    r->sha256 = pg_cryptohash_create(PG_SHA256);
    if (r->sha256 == nullptr) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
  }
  return &r->pub;
}

WireTotals wire_totals(DestReceiver* receiver) { return reinterpret_cast<WireReceiver*>(receiver)->totals; }

}  // namespace benchlab
