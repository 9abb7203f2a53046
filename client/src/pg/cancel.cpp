#include "pg/cancel.hpp"

#include <array>

namespace benchlab::pg {

void cancel_running_query(PGconn* conn) noexcept {
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) return;
  if (PQtransactionStatus(conn) != PQTRANS_ACTIVE && PQisBusy(conn) == 0) return;
  PGcancel* cancel = PQgetCancel(conn);
  if (cancel == nullptr) return;
  std::array<char, 256> err{};
  (void)PQcancel(cancel, err.data(), static_cast<int>(err.size()));
  PQfreeCancel(cancel);
}

}  // namespace benchlab::pg
