// SIGINT/SIGTERM/SIGHUP handling. The handler only records the signal (and
// cancels registered in-flight queries); the code unwinds at its next check, so
// every RAII owner (clusters, children, shared memory, connections) cleans up.
#pragma once

#include <csignal>
#include <stdexcept>

namespace benchlab {

// Thrown at an interruption point once a termination signal arrived.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signo);
  [[nodiscard]] int signal_number() const { return signo_; }
  // Shell convention: 128 + signal number.
  [[nodiscard]] int exit_code() const { return 128 + signo_; }

 private:
  int signo_;
};

// Installs the handlers once (idempotent). Call early in main().
void install_interrupt_handlers();
// The signal received, or 0.
int pending_signal();
// Throws Interrupted if a signal arrived.
void throw_if_interrupted();

}  // namespace benchlab
