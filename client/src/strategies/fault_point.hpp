// Where an injected fault (ReadSpec::fault, from BENCHLAB_INJECT_FAULT) strikes:
// one FaultPoint per worker, armed only for the worker and the attempts the fault
// names, inert (and free) otherwise. The cursor and COPY loops call after_batch()
// once per decoded batch; readers call before_part() before each part they start.
// Faults are real: a signal to the worker's own process, the worker's backend ended
// by the server, a statement the server times out. Nothing is simulated by throwing.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>

#include "model/read_spec.hpp"

namespace benchlab {

class FaultPoint {
 public:
  FaultPoint() = default;
  // `forked`: the worker is a process of its own (kill and stop act on it; in a
  // thread they act as terminate, for a signal would end the whole benchclient).
  FaultPoint(const ReadSpec& spec, int worker, bool forked);

  void after_batch(PGconn* conn);
  void before_part(PGconn* conn);
  [[nodiscard]] bool armed() const { return fault_.has_value() && !fired_; }

 private:
  void terminate_backend(PGconn* conn) const;
  std::optional<InjectedFault> fault_;
  std::string conninfo_;
  bool forked_ = false;
  std::uint64_t batches_ = 0;
  bool fired_ = false;
};

}  // namespace benchlab
