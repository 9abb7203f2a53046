// RAII for a child process: if still running when the owner goes away it is
// asked to stop (SIGTERM or a chosen signal), then killed after a grace period,
// and always reaped. No zombie, no orphan.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace benchlab {

struct ExitStatus {
  int code = 0;         // exit code, or 128 + signal when killed by a signal
  bool signaled = false;
};

class ChildProcess {
 public:
  ChildProcess() = default;
  // Forks and runs `in_child` in the child (it must not return: exec or _exit).
  static ChildProcess spawn(const std::function<void()>& in_child);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool running() const { return pid_ > 0; }
  // Non-blocking: the exit status if the child has ended.
  std::optional<ExitStatus> poll();
  // Blocks until the child ends; returns early with nullopt if interrupted by a
  // signal (EINTR) so the caller can react.
  std::optional<ExitStatus> wait_interruptible();
  // Sends `signo`, waits up to `grace`, then SIGKILL; reaps. Safe to call twice.
  ExitStatus stop(int signo, std::chrono::milliseconds grace);
  void set_stop_signal(int signo) { stop_signal_ = signo; }

 private:
  pid_t pid_ = -1;
  int stop_signal_ = 15;  // SIGTERM
};

// Runs a program to completion with its stdout+stderr appended to `log_path`
// (if not empty); as `run_as_uid/gid` when >= 0 (dropping root). Returns the exit status.
ExitStatus run_program(const std::vector<std::string>& argv, const std::string& log_path, int run_as_uid,
                       int run_as_gid, const std::string& working_dir);

// execv wrapper for a child: never returns.
[[noreturn]] void exec_or_die(const std::vector<std::string>& argv);

}  // namespace benchlab
