#include "pg/notices.hpp"

#include <cstdio>
#include <exception>
#include <utility>

#include "pg/error.hpp"

namespace benchlab::pg {

namespace {

NoticeSink& sink() {
  static NoticeSink s;
  return s;
}

std::string field(const PGresult* notice, int code) {
  const char* v = PQresultErrorField(notice, code);
  return v != nullptr ? one_line(v) : std::string();
}

void receive(void* /*unused*/, const PGresult* notice) noexcept {
  try {
    ServerNotice n;
    n.severity = field(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (n.severity.empty()) n.severity = field(notice, PG_DIAG_SEVERITY);
    if (!notice_matters(n.severity)) return;
    n.sqlstate = field(notice, PG_DIAG_SQLSTATE);
    n.message = field(notice, PG_DIAG_MESSAGE_PRIMARY);
    if (n.message.empty()) n.message = one_line(PQresultErrorMessage(notice));
    n.detail = field(notice, PG_DIAG_MESSAGE_DETAIL);
    n.hint = field(notice, PG_DIAG_MESSAGE_HINT);
    if (const NoticeSink& s = sink()) {
      s(n);
    } else {
      std::fprintf(stderr, "server %s: %s\n", n.severity.c_str(), n.message.c_str());
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): libpq calls this from C; a notice is not worth a crash
  }
}

}  // namespace

void set_notice_sink(NoticeSink s) { sink() = std::move(s); }

bool notice_matters(std::string_view severity) { return severity == "WARNING"; }

void route_notices(PGconn* conn) { PQsetNoticeReceiver(conn, &receive, nullptr); }

}  // namespace benchlab::pg
