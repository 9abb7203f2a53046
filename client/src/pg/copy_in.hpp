// COPY ... FROM STDIN, written in chunks: the statement is sent on construction,
// data goes out with put(), and finish() ends the copy and checks the command's
// result. An object destroyed before finish() (an exception is unwinding) ends
// the copy with an error message instead, so the server rolls it back and the
// connection is idle and usable again.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "pg/connection.hpp"

namespace benchlab::pg {

class CopyIn {
 public:
  // Sends `sql` (a COPY ... FROM STDIN) and waits for the server to accept data.
  // Throws the typed pg error (pg/error.hpp) if it refuses the statement.
  CopyIn(const Connection& conn, std::string sql);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;
  CopyIn(CopyIn&&) = delete;
  CopyIn& operator=(CopyIn&&) = delete;

  // Sends bytes of COPY data (any split: rows may straddle calls). Throws
  // BrokenConnection if they cannot be sent.
  void put(std::string_view data);
  // Ends the data and waits for the command's result: throws the typed pg error
  // if the server refused the rows (a constraint, a malformed line).
  void finish();

 private:
  // Reads every result left, so the connection is idle; with `check`, throws the
  // typed pg error if the command failed (without: the copy is being abandoned).
  void drain_results(bool check);

  PGconn* conn_;
  std::string sql_;
  bool open_ = false;  // the server is in COPY IN and expects data or its end
};

}  // namespace benchlab::pg
