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
  int code = 0;  // exit code, or 128 + signal when killed by a signal
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

// How a child is set up before it execs: working directory, stdout+stderr appended
// to a log, stdin from /dev/null, and (when >= 0) root dropped to uid/gid.
struct ChildSetup {
  std::string working_dir;
  std::string log_path;
  int uid = -1;
  int gid = -1;
};

// In a forked child only: applies `setup` (exits 126 if it cannot).
void prepare_child(const ChildSetup& setup);

// Runs a program to completion with `setup`. Returns its exit status; throws
// Interrupted (after stopping and reaping it) if a signal arrives meanwhile.
ExitStatus run_program(const std::vector<std::string>& argv, const ChildSetup& setup);

// execv wrapper for a child: never returns.
[[noreturn]] void exec_or_die(const std::vector<std::string>& argv);

}  // namespace benchlab
