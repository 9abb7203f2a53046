// fmgr glue for the benchlab extension: module magic and version().
#include "pg_glue.hpp"

extern "C" {
PG_MODULE_MAGIC;
}

BENCHLAB_FUNCTION(benchlab_version) { PG_RETURN_TEXT_P(cstring_to_text("0.1.0")); }
