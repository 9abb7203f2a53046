// Server backend CPU, read with benchlab.backend_cpu() on the connection itself,
// so each strategy is charged the server work it caused, connection by connection.
#pragma once

#include <cstdint>
#include <optional>

#include "pg/connection.hpp"

namespace benchlab {

struct ServerCpu {
  std::int64_t user_us = 0;
  std::int64_t sys_us = 0;
  ServerCpu& operator+=(const ServerCpu& o) {
    user_us += o.user_us;
    sys_us += o.sys_us;
    return *this;
  }
  friend ServerCpu operator-(ServerCpu a, const ServerCpu& b) { return {a.user_us - b.user_us, a.sys_us - b.sys_us}; }
};

// nullopt when the server has no benchlab extension (a user's server may not).
std::optional<ServerCpu> read_backend_cpu(const pg::Connection& conn);

}  // namespace benchlab
