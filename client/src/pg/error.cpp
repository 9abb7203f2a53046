#include "pg/error.hpp"

namespace benchlab::pg {

void throw_sql_error(const std::string& message, std::string_view sqlstate, std::string query,
                     std::string server_message) {
  std::string state(sqlstate);
  std::string& m = server_message;
  if (sqlstate.starts_with("08")) throw BrokenConnection(message, std::move(state), std::move(query), std::move(m));
  if (sqlstate == "57014") throw QueryCanceled(message, std::move(state), std::move(query), std::move(m));
  if (sqlstate == "42501") throw InsufficientPrivilege(message, std::move(state), std::move(query), std::move(m));
  if (sqlstate == "42P01") throw UndefinedTable(message, std::move(state), std::move(query), std::move(m));
  if (sqlstate == "42703") throw UndefinedColumn(message, std::move(state), std::move(query), std::move(m));
  if (sqlstate == "42883" || sqlstate == "3F000")
    throw UndefinedFunction(message, std::move(state), std::move(query), std::move(m));
  throw SqlError(message, std::move(state), std::move(query), std::move(m));
}

bool sqlstate_is_retryable(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return true;  // libpq's own (a lost connection) or a worker that died
  for (const std::string_view permanent : {"42", "22", "0A", "28", "3D", "3F"})
    if (sqlstate.starts_with(permanent)) return false;
  return true;
}

std::string one_line(const char* message) {
  std::string out;
  if (message == nullptr) return out;
  for (const char* p = message; *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\r' || *p == '\t') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(*p);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace benchlab::pg
