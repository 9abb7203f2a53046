// fmgr glue for the benchlab extension: module magic, settings, version().
#include "pg_glue.hpp"

extern "C" {
#include "utils/guc.h"

PG_MODULE_MAGIC;

// benchlab.id_ranges_memory: memory (kB) for the keys id_ranges(exact => true) keeps
// from its first walk; above it, a second walk is made instead (0: always two walks).
int benchlab_id_ranges_memory_kb = 65536;

void _PG_init(void);
void _PG_init(void) {
  DefineCustomIntVariable("benchlab.id_ranges_memory",
                          "Memory for the keys id_ranges keeps from one ordered walk; above it, a second walk is made.",
                          nullptr, &benchlab_id_ranges_memory_kb, 65536, 0, MAX_KILOBYTES, PGC_USERSET, GUC_UNIT_KB,
                          nullptr, nullptr, nullptr);
  MarkGUCPrefixReserved("benchlab");
}
}

BENCHLAB_FUNCTION(benchlab_version) { PG_RETURN_TEXT_P(cstring_to_text("0.1.0")); }
