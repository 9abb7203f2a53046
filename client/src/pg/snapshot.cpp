#include "pg/snapshot.hpp"

#include <fmt/format.h>

#include "pg/connection.hpp"
#include "pg/result.hpp"

namespace benchlab::pg {

namespace {

void run(PGconn* conn, const std::string& sql, std::string_view what) {
  Result r(PQexec(conn, sql.c_str()));
  check_result(conn, r.get(), what);
}

// Snapshot ids are hex words and dashes ("00000003-0000001B-1"); anything else
// is refused rather than spliced into SQL.
bool valid_snapshot_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

ExportedSnapshot::ExportedSnapshot(PGconn* conn, const std::string& held) : conn_(conn) {
  if (!held.empty()) {
    import_snapshot(conn_, held);
    id_ = held;
    return;
  }
  run(conn_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "cannot begin the snapshot transaction");
  try {
    Result r(PQexec(conn_, "SELECT pg_export_snapshot()"));
    check_result(conn_, r.get(), "cannot export snapshot");
    if (r.rows() != 1) throw SqlError("cannot export snapshot: no snapshot id returned");
    id_ = std::string(r.value(0, 0));
  } catch (...) {
    Result rollback(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

ExportedSnapshot::~ExportedSnapshot() {
  if (conn_ == nullptr) return;
  const PGTransactionStatusType st = PQtransactionStatus(conn_);
  if (st == PQTRANS_INTRANS || st == PQTRANS_INERROR) {
    Result rollback(PQexec(conn_, "ROLLBACK"));  // best effort: a destructor never throws
  }
}

void ExportedSnapshot::release() {
  if (conn_ == nullptr) return;
  PGconn* conn = conn_;
  conn_ = nullptr;
  run(conn, "COMMIT", "cannot end the snapshot transaction");
}

namespace {
SessionOptions holder_session() {
  SessionOptions s;
  s.application_name = "benchclient-snapshot";
  return s;
}
}  // namespace

HeldSnapshot::HeldSnapshot(const std::string& conninfo)
    : conn_(Connection::open(conninfo, holder_session())), snapshot_(conn_.raw()) {}

std::optional<std::string> snapshot_unavailable(const std::string& conninfo, const std::string& id) {
  const Connection conn = Connection::open(conninfo);
  try {
    import_snapshot(conn.raw(), id);
    return std::nullopt;
  } catch (const BrokenConnection&) {
    throw;
  } catch (const Error& e) {
    const std::string said = one_line(e.server_message());
    if (e.sqlstate() == "0A000" || said.find("different database") != std::string::npos)
      return fmt::format("it was exported in another database (the server says: {})", said);
    return fmt::format(
        "no transaction holds it: it does not exist on this server, or the transaction that exported it has ended "
        "(the server says: {})",
        said);
  }
}

std::vector<std::string> snapshot_import_statements(const std::string& snapshot_id) {
  if (!valid_snapshot_id(snapshot_id)) throw Error(fmt::format("malformed snapshot id '{}'", snapshot_id));
  return {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fmt::format("SET TRANSACTION SNAPSHOT '{}'", snapshot_id)};
}

std::vector<std::string> worker_begin_statements(const std::string& shared_id) {
  if (shared_id.empty()) return {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"};
  return snapshot_import_statements(shared_id);
}

void begin_worker(PGconn* conn, const std::string& shared_id) {
  if (shared_id.empty())
    run(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "cannot begin the worker transaction");
  else
    import_snapshot(conn, shared_id);
}

void import_snapshot(PGconn* conn, const std::string& snapshot_id) {
  const auto statements = snapshot_import_statements(snapshot_id);
  run(conn, statements[0], "cannot begin the worker transaction");
  run(conn, statements[1], "cannot import snapshot");
}

}  // namespace benchlab::pg
