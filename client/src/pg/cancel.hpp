// Query cancellation, in one place: a cancel request for whatever a connection is
// running, and a guard that sends one when a scope is left early (an exception,
// an interruption), so the server never keeps producing rows nobody will read.
#pragma once

#include <libpq-fe.h>

namespace benchlab::pg {

// Sends a cancel request for what `conn` is running (blocking, short); does
// nothing when the connection is idle or broken. Never throws.
void cancel_running_query(PGconn* conn) noexcept;

// Cancels the connection's running query when destroyed while armed: put one on
// the stack before sending, disarm() once every result is read.
class CancelOnUnwind {
 public:
  explicit CancelOnUnwind(PGconn* conn) : conn_(conn) {}
  ~CancelOnUnwind() {
    if (conn_ != nullptr) cancel_running_query(conn_);
  }
  CancelOnUnwind(CancelOnUnwind&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  CancelOnUnwind(const CancelOnUnwind&) = delete;
  CancelOnUnwind& operator=(const CancelOnUnwind&) = delete;
  CancelOnUnwind& operator=(CancelOnUnwind&&) = delete;
  void disarm() { conn_ = nullptr; }

 private:
  PGconn* conn_;
};

}  // namespace benchlab::pg
