// One consistent snapshot across connections: a coordinator exports it, workers
// import it. Parts read by different connections then add up to exactly what a
// single query returns, even while other sessions write.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/error.hpp"

namespace benchlab::pg {

// Opens BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY on `conn` and runs
// SELECT pg_export_snapshot(). The snapshot lives while this transaction is
// open: keep the object until every importer has finished. The destructor ends
// the transaction (best effort, never throws); release() does so and throws.
class ExportedSnapshot {
 public:
  // `held` non-empty (--snapshot ID): the coordinator imports that snapshot, held
  // by another process (`benchclient snapshot hold`), and hands it on instead.
  explicit ExportedSnapshot(PGconn* conn, const std::string& held = {});
  explicit ExportedSnapshot(const Connection& conn, const std::string& held = {})
      : ExportedSnapshot(conn.raw(), held) {}
  ~ExportedSnapshot();
  ExportedSnapshot(const ExportedSnapshot&) = delete;
  ExportedSnapshot& operator=(const ExportedSnapshot&) = delete;
  ExportedSnapshot(ExportedSnapshot&&) = delete;
  ExportedSnapshot& operator=(ExportedSnapshot&&) = delete;

  [[nodiscard]] const std::string& id() const { return id_; }
  void release();

 private:
  PGconn* conn_;
  std::string id_;
};

// A snapshot exported by a connection of its own, held open for as long as the
// object lives (what `benchclient snapshot hold` keeps in a process of its own):
// the fallback chain's one snapshot for every attempt, a run's own snapshot under
// --concurrent-writes.
class HeldSnapshot {
 public:
  explicit HeldSnapshot(const std::string& conninfo);
  [[nodiscard]] const std::string& id() const { return snapshot_.id(); }
  void release() { snapshot_.release(); }

 private:
  Connection conn_;
  ExportedSnapshot snapshot_;
};

// Why snapshot `id` cannot be read in now, one line in the user's terms with the
// server's own message: no transaction holds it (it never existed on this server, or
// the transaction that exported it has ended: PostgreSQL says "invalid snapshot
// identifier" for both), or it belongs to another database; nullopt when a
// transaction can import it. A server that cannot be reached throws BrokenConnection.
[[nodiscard]] std::optional<std::string> snapshot_unavailable(const std::string& conninfo, const std::string& id);

// The statements an importing worker sends first, in order (one statement each,
// so they may be pipelined): BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY,
// then SET TRANSACTION SNAPSHOT '<id>'. Throws pg::Error for a malformed id.
std::vector<std::string> snapshot_import_statements(const std::string& snapshot_id);

// Runs those statements on `conn` (blocking): the transaction stays open.
void import_snapshot(PGconn* conn, const std::string& snapshot_id);
inline void import_snapshot(const Connection& conn, const std::string& snapshot_id) {
  import_snapshot(conn.raw(), snapshot_id);
}

// A worker's first statements: the shared snapshot's import, or with an empty id
// (--no-shared-snapshot, the deliberately broken control) a REPEATABLE READ
// transaction with a snapshot of its own.
std::vector<std::string> worker_begin_statements(const std::string& shared_id);
void begin_worker(PGconn* conn, const std::string& shared_id);
inline void begin_worker(const Connection& conn, const std::string& shared_id) { begin_worker(conn.raw(), shared_id); }

}  // namespace benchlab::pg
