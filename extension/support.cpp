// Argument and relation checks, and the read-only query runner (see support.hpp).
#include "support.hpp"

extern "C" {
#include "catalog/objectaddress.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "tcop/cmdtag.h"
#include "utils/guc.h"
#include "utils/plancache.h"
}

namespace benchlab {

void require_not_null(FunctionCallInfo fcinfo, int argno, const char* name) {
  if (PG_ARGISNULL(argno))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("argument \"%s\" must not be null", name)));
}

int32 checked_parts(int32 parts) {
  if (parts < 1 || parts > kMaxParts)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("parts must be between 1 and %d, got %d", kMaxParts, parts)));
  return parts;
}

double checked_sample_percent(double percent) {
  if (!(percent > 0.0 && percent <= 100.0))  // also refuses NaN
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("sample_percent must be in (0, 100], got %g", percent)));
  return percent;
}

WireFormat parse_format(const text* format, bool allow_none) {
  char* f = text_to_cstring(format);
  if (strcmp(f, "text") == 0) return WireFormat::text;
  if (strcmp(f, "binary") == 0) return WireFormat::binary;
  if (allow_none && strcmp(f, "none") == 0) return WireFormat::none;
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("format must be %s, got \"%s\"",
                         allow_none ? "'text', 'binary' or 'none'" : "'text' or 'binary'", f)));
  pg_unreachable();
}

DigestAlgorithm parse_algorithm(const text* algorithm) {
  char* a = text_to_cstring(algorithm);
  if (const auto named = digest_algorithm_named(a)) return *named;
  ereport(ERROR,
          (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("algorithm must be 'xxh3' or 'sha256', got \"%s\"", a)));
  pg_unreachable();
}

static const char* relkind_name(char relkind) {
  switch (relkind) {
    case RELKIND_RELATION:
      return "a table";
    case RELKIND_PARTITIONED_TABLE:
      return "a partitioned table";
    case RELKIND_MATVIEW:
      return "a materialized view";
    case RELKIND_VIEW:
      return "a view";
    case RELKIND_FOREIGN_TABLE:
      return "a foreign table";
    case RELKIND_INDEX:
    case RELKIND_PARTITIONED_INDEX:
      return "an index";
    case RELKIND_SEQUENCE:
      return "a sequence";
    case RELKIND_COMPOSITE_TYPE:
      return "a composite type";
    case RELKIND_TOASTVALUE:
      return "a TOAST table";
    default:
      return "a relation";
  }
}

RelationInfo check_relation(Oid relid, const char* relkinds, const char* purpose, const char* key) {
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
  if (!HeapTupleIsValid(tuple))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation with oid %u does not exist", relid)));
  auto* form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
  RelationInfo info;
  info.relid = relid;
  info.relkind = form->relkind;
  info.name = pstrdup(NameStr(form->relname));
  info.qualified = quote_qualified_identifier(get_namespace_name(form->relnamespace), info.name);
  ReleaseSysCache(tuple);

  // Privilege first: a caller who may not read the table learns nothing else about it.
  bool allowed = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
  if (!allowed && key) {
    AttrNumber attnum = get_attnum(relid, key);
    allowed =
        attnum != InvalidAttrNumber && pg_attribute_aclcheck(relid, attnum, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
  }
  if (!allowed) aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(info.relkind), info.name);

  if (!strchr(relkinds, info.relkind)) {
    StringInfoData wanted;
    initStringInfo(&wanted);
    for (const char* k = relkinds; *k; ++k)
      appendStringInfo(&wanted, "%s%s", k == relkinds ? "" : (k[1] ? ", " : " or "), relkind_name(*k));
    ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("\"%s\" is %s; %s works on %s", info.name,
                                                               relkind_name(info.relkind), purpose, wanted.data)));
  }
  LockRelationOid(relid, AccessShareLock);
  if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation \"%s\" was dropped concurrently", info.name)));
  return info;
}

KeyColumn check_integer_key(const RelationInfo& rel, const char* key) {
  KeyColumn col;
  col.attnum = get_attnum(rel.relid, key);
  if (col.attnum == InvalidAttrNumber || col.attnum < 0)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column \"%s\" of relation \"%s\" does not exist", key, rel.name)));
  col.type = get_atttype(rel.relid, col.attnum);
  col.quoted = quote_identifier(key);
  switch (col.type) {
    case INT2OID:
      col.type_min = PG_INT16_MIN;
      col.type_max = PG_INT16_MAX;
      break;
    case INT4OID:
      col.type_min = PG_INT32_MIN;
      col.type_max = PG_INT32_MAX;
      break;
    case INT8OID:
      col.type_min = PG_INT64_MIN;
      col.type_max = PG_INT64_MAX;
      break;
    default:
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                      errmsg("key column \"%s\" of relation \"%s\" has type %s; it must be smallint, integer or bigint",
                             key, rel.name, format_type_be(col.type))));
  }
  return col;
}

void run_read_only(const char* sql, DestReceiver* dest, const char* who, bool internal) {
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "%s: SPI_connect failed", who);
  SPIPlanPtr plan = SPI_prepare(sql, 0, nullptr);
  if (plan == nullptr) elog(ERROR, "%s: SPI_prepare failed: %s", who, SPI_result_code_string(SPI_result));

  // Refuse anything but one plain SELECT before it runs: parse analysis and rewriting
  // are done, execution is not.
  List* sources = SPI_plan_get_plan_sources(plan);
  if (list_length(sources) != 1)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("%s runs exactly one statement, got %d", who, list_length(sources))));
  auto* source = static_cast<CachedPlanSource*>(linitial(sources));
  const char* refused = nullptr;
  if (list_length(source->query_list) != 1) refused = "a statement rewritten into several queries";
  ListCell* lc;
  foreach (lc, source->query_list) {
    Query* q = lfirst_node(Query, lc);
    if (q->utilityStmt != nullptr && IsA(q->utilityStmt, CreateTableAsStmt) &&
        castNode(CreateTableAsStmt, q->utilityStmt)->is_select_into)
      refused = "SELECT INTO";
    else if (q->commandType != CMD_SELECT || q->utilityStmt != nullptr)
      refused = GetCommandTagName(source->commandTag);
    else if (q->rowMarks != NIL)
      refused = "SELECT with a locking clause (FOR UPDATE/SHARE)";
    else if (q->hasModifyingCTE)
      refused = "a data-modifying WITH clause";
  }
  if (refused)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("%s runs only read-only queries: %s is not allowed", who, refused),
                    errhint("Pass a single SELECT without data-modifying CTEs or locking clauses.")));

  int nest_level = NewGUCNestLevel();
  if (internal) {
    // Our own key walks: index order, and no JIT compilation for a one-column scan.
    (void)set_config_option("enable_sort", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
    (void)set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
  }
  // Volatile functions called by the query run in their own SPI (not read-only):
  // make the whole transaction read-only while the query runs. On error, transaction
  // or subtransaction abort restores XactReadOnly (xact.c saves it per level).
  const bool was_read_only = XactReadOnly;
  XactReadOnly = true;
  SPIExecuteOptions options;
  memset(&options, 0, sizeof options);
  options.read_only = true;
  options.dest = dest;
  int rc = SPI_execute_plan_extended(plan, &options);
  XactReadOnly = was_read_only;
  AtEOXact_GUC(true, nest_level);
  if (rc < 0) elog(ERROR, "%s: SPI_execute_plan_extended failed: %s", who, SPI_result_code_string(rc));
  SPI_freeplan(plan);
  SPI_finish();
}

void PallocBuffer::grow(std::size_t need) {
  std::size_t cap = capacity ? capacity : 256;
  while (cap < need) cap *= 2;
  bytes =
      bytes ? static_cast<char*>(repalloc_huge(bytes, cap)) : static_cast<char*>(MemoryContextAllocHuge(context, cap));
  capacity = cap;
}

}  // namespace benchlab
