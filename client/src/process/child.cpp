#include "process/child.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "process/interrupt.hpp"

namespace benchlab {

namespace {
ExitStatus decode_status(int status) {
  if (WIFEXITED(status)) return {WEXITSTATUS(status), false};
  if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), true};
  return {1, false};
}
}  // namespace

ChildProcess ChildProcess::spawn(const std::function<void()>& in_child) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    // The child must not run the parent's signal handlers' logic.
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    in_child();
    _exit(127);
  }
  ChildProcess c;
  c.pid_ = pid;
  return c;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(stop_signal_, std::chrono::seconds(10));
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_), stop_signal_(other.stop_signal_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) stop(stop_signal_, std::chrono::seconds(10));
    pid_ = other.pid_;
    stop_signal_ = other.stop_signal_;
    other.pid_ = -1;
  }
  return *this;
}

std::optional<ExitStatus> ChildProcess::poll() {
  if (pid_ <= 0) return ExitStatus{};
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return decode_status(status);
  }
  return std::nullopt;
}

std::optional<ExitStatus> ChildProcess::wait_interruptible() {
  if (pid_ <= 0) return ExitStatus{};
  // A signal that arrived before this call (or between a check and a blocking
  // waitpid) must not leave the wait blocked until the child ends on its own:
  // wait on a pidfd with poll(), which a signal interrupts, and look at the
  // pending signal at least every 100 ms.
  struct PidFd {
    int fd;
    ~PidFd() {
      if (fd >= 0) close(fd);
    }
  } const pidfd{static_cast<int>(syscall(SYS_pidfd_open, pid_, 0))};
  pollfd p{pidfd.fd, POLLIN, 0};
  for (;;) {
    if (pending_signal() != 0) return std::nullopt;
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return decode_status(status);
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;  // ECHILD: someone else reaped it
      return ExitStatus{};
    }
    (void)::poll(pidfd.fd >= 0 ? &p : nullptr, pidfd.fd >= 0 ? 1 : 0, 100);
  }
}

ExitStatus ChildProcess::stop(int signo, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return {};
  kill(pid_, signo);
  // A stopped child (SIGSTOP, a debugger) acts on the signal only once continued.
  if (signo != SIGKILL) kill(pid_, SIGCONT);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto st = poll()) return *st;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return decode_status(status);
}

[[noreturn]] void exec_or_die(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  std::fprintf(stderr, "benchclient: cannot run %s: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

void prepare_child(const ChildSetup& setup) {
  if (!setup.working_dir.empty() && chdir(setup.working_dir.c_str()) != 0) _exit(126);
  if (!setup.log_path.empty()) {
    int fd = open(setup.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
  }
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, STDIN_FILENO);
  if (setup.gid >= 0 && (setgroups(0, nullptr) != 0 || setgid(static_cast<gid_t>(setup.gid)) != 0)) _exit(126);
  if (setup.uid >= 0 && setuid(static_cast<uid_t>(setup.uid)) != 0) _exit(126);
}

ExitStatus run_program(const std::vector<std::string>& argv, const ChildSetup& setup) {
  ChildProcess child = ChildProcess::spawn([&] {
    prepare_child(setup);
    exec_or_die(argv);
  });
  for (;;) {
    if (auto st = child.wait_interruptible()) return *st;
    throw_if_interrupted();  // the child is stopped and reaped by its destructor
  }
}

}  // namespace benchlab
