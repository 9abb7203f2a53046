#include "cli/server_target.hpp"

#include <fmt/format.h>

#include "pg/connection.hpp"

namespace benchlab::cli {

ServerTarget::ServerTarget(const TargetOptions& options) {
  if (options.dsn) {
    conninfo_ = *options.dsn;
    return;
  }
  cluster_ = std::make_unique<cluster::ThrowawayCluster>(options.cluster);
  conninfo_ = cluster_->conninfo();
}

void ServerTarget::ensure_extension() const { ensure_benchlab_extension(conninfo_); }

void ensure_benchlab_extension(const std::string& conninfo) {
  pg::SessionOptions session;
  session.read_only = false;
  pg::Connection conn = pg::Connection::open(conninfo, session);
  if (conn.query_value("SELECT count(*) FROM pg_extension WHERE extname = 'benchlab'") != "0") return;
  try {
    conn.exec("CREATE EXTENSION benchlab");
  } catch (const pg::SqlError& e) {
    throw pg::SqlError(fmt::format("the benchlab extension is not installed in {} and cannot be created ({}); run "
                                   "'make install' on the server host, then CREATE EXTENSION benchlab as a superuser",
                                   conn.describe(), e.what()),
                       e.sqlstate());
  }
}

}  // namespace benchlab::cli
