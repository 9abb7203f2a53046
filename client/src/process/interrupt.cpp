#include "process/interrupt.hpp"

#include <atomic>
#include <cstring>
#include <string>

namespace benchlab {

namespace {
std::atomic<int> g_signal{0};

extern "C" void on_termination_signal(int signo) { g_signal.store(signo, std::memory_order_relaxed); }
}  // namespace

Interrupted::Interrupted(int signo)
    : std::runtime_error(std::string("interrupted by ") + (sigabbrev_np(signo) ? "SIG" : "") +
                         (sigabbrev_np(signo) ? sigabbrev_np(signo) : "signal")),
      signo_(signo) {}

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_termination_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking waits return EINTR and notice the signal
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) sigaction(signo, &sa, nullptr);
  // A closed pipe is an error to report, not a reason to die silently.
  signal(SIGPIPE, SIG_IGN);
}

int pending_signal() { return g_signal.load(std::memory_order_relaxed); }

void throw_if_interrupted() {
  if (int s = pending_signal(); s != 0) throw Interrupted(s);
}

}  // namespace benchlab
