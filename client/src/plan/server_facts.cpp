#include "plan/server_facts.hpp"

#include "pg/connection.hpp"
#include "pg/error.hpp"

namespace benchlab::plan {

ServerFacts read_server_facts(const std::string& conninfo, const std::vector<std::string>& also) {
  ServerFacts f;
  pg::SessionOptions as_configured;
  as_configured.jit_off = false;  // the server's own settings, as its other clients get them
  pg::Connection conn = pg::Connection::open(conninfo, as_configured);
  f.version = conn.query_value("SHOW server_version");
  f.version_num = conn.server_version();
  try {
    f.extension_version = conn.query_value("SELECT benchlab.version()");
  } catch (const pg::Error&) {
    f.extension_version = "unknown";
  }
  // The names as one text[] literal parameter: {"a","b"} with quotes and backslashes escaped.
  std::string names = "{";
  for (const auto& n : also) {
    names += names.size() > 1 ? ",\"" : "\"";
    for (const char ch : n) {
      if (ch == '"' || ch == '\\') names += '\\';
      names += ch;
    }
    names += '"';
  }
  names += "}";
  pg::Result r = conn.exec_params(
      "SELECT name, current_setting(name) FROM pg_catalog.pg_settings WHERE name IN "
      "('shared_buffers','work_mem','effective_cache_size','jit','max_parallel_workers_per_gather',"
      "'max_parallel_workers','synchronous_commit','fsync','full_page_writes','huge_pages','random_page_cost',"
      "'effective_io_concurrency','cursor_tuple_fraction','ssl','wal_level','max_connections') "
      "OR name = ANY ($1::text[]) ORDER BY name",
      {names});
  for (int i = 0; i < r.rows(); ++i)
    f.settings.emplace_back(std::string(r.text(i, 0, "pg_settings")), std::string(r.text(i, 1, "pg_settings")));
  return f;
}

ConnectionRoom read_connection_room(const pg::Connection& conn) {
  // reserved_connections (PostgreSQL 16+) is missing before: NULL, so 0.
  constexpr const char* kSql =
      "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int + "
      "coalesce(current_setting('reserved_connections', true), '0')::int, (SELECT count(*) FROM "
      "pg_catalog.pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())::int";
  const pg::Result r = conn.exec(kSql);
  r.expect_rows(1, "connection slots").expect_columns(3, "connection slots");
  ConnectionRoom room;
  room.max_connections = static_cast<int>(r.int64(0, 0, "max_connections"));
  room.reserved = static_cast<int>(r.int64(0, 1, "reserved connections"));
  room.in_use = static_cast<int>(r.int64(0, 2, "connections in use"));
  return room;
}

}  // namespace benchlab::plan
