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

// The version is written once, in benchlab.control (default_version); the Makefile
// passes it to this file alone.
#ifndef BENCHLAB_EXTENSION_VERSION
#error "BENCHLAB_EXTENSION_VERSION is not defined: build with the top-level Makefile, which reads benchlab.control"
#endif
BENCHLAB_FUNCTION(benchlab_version) { PG_RETURN_TEXT_P(cstring_to_text(BENCHLAB_EXTENSION_VERSION)); }
