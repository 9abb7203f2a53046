// fmgr glue for the benchlab extension: module magic and version().
#include "pg_glue.hpp"

extern "C" {
PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(benchlab_version);
Datum benchlab_version(PG_FUNCTION_ARGS) { PG_RETURN_TEXT_P(cstring_to_text("0.1.0")); }
}
