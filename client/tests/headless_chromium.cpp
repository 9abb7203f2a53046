#include "headless_chromium.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace benchlab::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// How long the browser gets to exit after Browser.close, and its group after SIGKILL.
constexpr auto kCloseGrace = 10s;

int poll_timeout_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 60'000));
}

// A copy of `fd` at 10 or above (close-on-exec), the original closed: the child's
// dup2 onto 3 and 4 can then never clobber a source descriptor.
int move_high(int fd) {
  const int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  const int saved = errno;
  close(fd);
  if (high < 0) throw std::system_error(saved, std::generic_category(), "fcntl(F_DUPFD_CLOEXEC)");
  return high;
}

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
    throw std::system_error(errno, std::generic_category(), "fcntl(O_NONBLOCK)");
}

// Discards whatever the browser still writes while it shuts down (it must never block
// on a full pipe instead of exiting); false once the pipe is closed.
bool drain(int fd) {
  std::array<char, 65536> buf{};
  for (;;) {
    const ssize_t n = read(fd, buf.data(), buf.size());
    if (n > 0) continue;
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

// Waits until process `pid` (our child) has exited, without reaping it: a zombie
// keeps its pid, so its process group id cannot be reused before we kill the group.
bool wait_exited(pid_t pid, int from_browser, std::chrono::steady_clock::time_point deadline) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  bool exited = false;
  for (;;) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
      exited = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::array<pollfd, 2> fds{pollfd{pidfd, POLLIN, 0}, pollfd{from_browser, POLLIN, 0}};
    // Without a pidfd (kernel < 5.3) the pipe's end is the signal, checked every 50 ms.
    const int timeout = pidfd >= 0 ? poll_timeout_ms(deadline) : std::min(poll_timeout_ms(deadline), 50);
    if (poll(fds.data(), fds.size(), timeout) > 0 && from_browser >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0 &&
        !drain(from_browser))
      from_browser = -1;  // closed: poll ignores negative descriptors
  }
  if (pidfd >= 0) close(pidfd);
  return exited;
}

// Waits until no process is left in process group `pgid` (the renderers and helpers
// the browser forked, killed with it, are reaped by whoever inherited them).
bool wait_group_gone(pid_t pgid, std::chrono::steady_clock::time_point deadline) {
  while (kill(-pgid, 0) == 0 || errno != ESRCH) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    poll(nullptr, 0, 10);  // nothing to wait on for another parent's children: a short tick
  }
  return true;
}

// Waits until no live process names `needle` on its command line.
bool wait_unnamed(const std::string& needle, std::chrono::steady_clock::time_point deadline) {
  while (!processes_naming(needle).empty()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    poll(nullptr, 0, 10);
  }
  return true;
}

}  // namespace

std::vector<pid_t> processes_naming(const std::string& needle) {
  // Processes come and go while /proc is read: no step may throw (the destructor
  // calls this).
  std::vector<pid_t> out;
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.size() > 9 ||
        !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::ifstream in(it->path() / "cmdline", std::ios::binary);
    const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

fs::path find_chromium() {
  if (access("/usr/bin/chromium", X_OK) == 0) return "/usr/bin/chromium";
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / "chromium";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::string file_url(const fs::path& absolute) {
  std::string url = "file://";
  for (const unsigned char c : absolute.string()) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      url += static_cast<char>(c);
    else
      url += fmt::format("%{:02X}", c);
  }
  return url;
}

std::string base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  int nbits = 0;
  std::size_t padding = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding > 0)
      throw std::runtime_error(fmt::format("base64: unexpected character (code {})", static_cast<int>(c)));
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((bits >> nbits) & 0xFFU);
    }
  }
  if (padding > 2 || nbits >= 6) throw std::runtime_error("base64: truncated input");
  return out;
}

HeadlessChromium::HeadlessChromium(std::chrono::milliseconds deadline) : deadline_(deadline) {
  const fs::path exe = find_chromium();
  if (exe.empty()) throw std::runtime_error("chromium not found: run scripts/install-deps");

  std::string t = (fs::temp_directory_path() / "benchlab-chromium-XXXXXX").string();
  if (mkdtemp(t.data()) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp " + t);
  temp_dir_ = t;
  try {
    profile_dir_ = temp_dir_ / "profile";
    log_path_ = temp_dir_ / "chromium.log";
    fs::create_directory(profile_dir_);

    std::array<int, 2> to{-1, -1}, from{-1, -1};
    if (pipe2(to.data(), O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    if (pipe2(from.data(), O_CLOEXEC) != 0) {
      const int saved = errno;
      close(to[0]);
      close(to[1]);
      throw std::system_error(saved, std::generic_category(), "pipe2");
    }
    const int child_in = move_high(to[0]), child_out = move_high(from[1]);
    to_browser_ = move_high(to[1]);
    from_browser_ = move_high(from[0]);

    // --no-sandbox: CI runs as root, where the sandbox refuses to start. The
    // background-networking, component-update and sync switches keep the browser
    // from calling Google's hosts (refused on this machine's closed network).
    std::vector<std::string> argv{exe.string(),
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--remote-debugging-pipe",
                                  "--no-first-run",
                                  "--no-default-browser-check",
                                  "--disable-extensions",
                                  "--disable-background-networking",
                                  "--disable-component-update",
                                  "--disable-sync",
                                  "--user-data-dir=" + profile_dir_.string(),
                                  "about:blank"};
    std::vector<char*> cargv;
    cargv.reserve(argv.size() + 1);
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_adddup2(&fa, child_in, 3);   // the browser reads commands here
    posix_spawn_file_actions_adddup2(&fa, child_out, 4);  // and writes responses and events here
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // A process group of its own: the destructor's SIGKILL reaches every helper
    // process the browser forks (zygote, renderer, GPU, network service).
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (const int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    // The inherited environment, but config and cache in the temporary directory:
    // nothing is written to $HOME (the crash handler's database would go to
    // ~/.config/chromium/Crash Reports, dconf to ~/.cache). The crash handler cannot
    // be switched off: --disable-crashpad-for-testing makes this build's network
    // service crash in a loop ("FD ownership violation") and no page ever loads.
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view entry(*e);
      if (!entry.starts_with("XDG_CONFIG_HOME=") && !entry.starts_with("XDG_CACHE_HOME=")) env.emplace_back(entry);
    }
    env.push_back("XDG_CONFIG_HOME=" + (temp_dir_ / "config").string());
    env.push_back("XDG_CACHE_HOME=" + (temp_dir_ / "cache").string());
    std::vector<char*> cenv;
    cenv.reserve(env.size() + 1);
    for (auto& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, cargv[0], &fa, &attr, cargv.data(), cenv.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    close(child_in);
    close(child_out);
    if (rc != 0) {
      pid_ = -1;
      throw std::system_error(rc, std::generic_category(), "posix_spawn " + exe.string());
    }
    set_nonblocking(to_browser_);
    set_nonblocking(from_browser_);

    const nlohmann::json target = call_browser("Target.createTarget", {{"url", "about:blank"}});
    const nlohmann::json attached =
        call_browser("Target.attachToTarget", {{"targetId", target.at("targetId")}, {"flatten", true}});
    session_id_ = attached.at("sessionId").get<std::string>();
    for (const char* domain : {"Runtime", "Log", "Page", "Network"}) call(fmt::format("{}.enable", domain));
  } catch (...) {
    shut_down();
    throw;
  }
}

HeadlessChromium::~HeadlessChromium() { shut_down(); }

void HeadlessChromium::shut_down() noexcept {
  if (pid_ > 0) {
    const auto deadline = Clock::now() + kCloseGrace;
    if (!pipe_closed_ && to_browser_ >= 0) {
      try {
        write_message(nlohmann::json{{"id", next_id_++}, {"method", "Browser.close"}}.dump(), deadline);
      } catch (...) {
        // A browser that cannot take the command is killed below.
      }
    }
    wait_exited(pid_, pipe_closed_ ? -1 : from_browser_, deadline);
    // The group: the browser, if it did not exit in time, and whatever it left behind.
    kill(-pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    wait_group_gone(pid_, Clock::now() + kCloseGrace);
    pid_ = -1;
    // The crash handlers (chrome_crashpad_handler) detach into sessions of their own,
    // out of the group's reach; they name their database, in our directory, on their
    // command line, and exit once the browser is gone. Any still there are killed.
    if (!wait_unnamed(temp_dir_.string(), Clock::now() + kCloseGrace)) {
      for (const pid_t p : processes_naming(temp_dir_.string())) kill(p, SIGKILL);
      wait_unnamed(temp_dir_.string(), Clock::now() + kCloseGrace);
    }
  }
  for (int* fd : {&to_browser_, &from_browser_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  if (!temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
    temp_dir_.clear();
  }
}

std::string HeadlessChromium::log_tail() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string log = ss.str();
  constexpr std::size_t kTail = 4096;
  return log.size() > kTail ? log.substr(log.size() - kTail) : log;
}

void HeadlessChromium::fail(const std::string& what) const {
  const std::string tail = log_tail();
  throw std::runtime_error(
      tail.empty() ? fmt::format("headless chromium: {}", what)
                   : fmt::format("headless chromium: {}\n--- chromium's stderr (last lines) ---\n{}", what, tail));
}

void HeadlessChromium::write_message(const std::string& message, Clock::time_point deadline) {
  std::string bytes = message;
  bytes.push_back('\0');
  // A write to a browser that died raises SIGPIPE: block it here, take EPIPE instead,
  // and consume the pending signal.
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  std::size_t done = 0;
  std::string error;
  while (done < bytes.size()) {
    const ssize_t n = write(to_browser_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The browser is not reading: it may be blocked writing to us. Read meanwhile.
      std::array<pollfd, 2> fds{pollfd{to_browser_, POLLOUT, 0}, pollfd{from_browser_, POLLIN, 0}};
      if (Clock::now() >= deadline) {
        error = "the browser did not read a command within the deadline";
        break;
      }
      if (poll(fds.data(), fds.size(), poll_timeout_ms(deadline)) > 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) {
        std::array<char, 65536> buf{};
        const ssize_t r = read(from_browser_, buf.data(), buf.size());
        if (r > 0) inbox_.append(buf.data(), static_cast<std::size_t>(r));
        if (r == 0) pipe_closed_ = true;
      }
      continue;
    }
    error = fmt::format("writing to the browser's pipe: {}", std::generic_category().message(errno));
    if (errno == EPIPE) {
      const timespec zero{0, 0};
      sigtimedwait(&pipe_set, nullptr, &zero);
      pipe_closed_ = true;
    }
    break;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (!error.empty()) fail(error);
}

bool HeadlessChromium::pump(Clock::time_point deadline) {
  auto take_messages = [&] {
    bool any = false;
    for (std::size_t end; (end = inbox_.find('\0')) != std::string::npos;) {
      dispatch(inbox_.substr(0, end));
      inbox_.erase(0, end + 1);
      any = true;
    }
    return any;
  };
  if (take_messages()) return true;
  for (;;) {
    if (pipe_closed_) fail("the browser closed its pipe (it exited or crashed)");
    pollfd pfd{from_browser_, POLLIN, 0};
    const int ready = poll(&pfd, 1, poll_timeout_ms(deadline));
    if (ready < 0 && errno != EINTR) fail(fmt::format("poll: {}", std::generic_category().message(errno)));
    if (ready > 0) {
      std::array<char, 65536> buf{};
      for (;;) {
        const ssize_t n = read(from_browser_, buf.data(), buf.size());
        if (n > 0) {
          inbox_.append(buf.data(), static_cast<std::size_t>(n));
          continue;
        }
        if (n == 0) pipe_closed_ = true;
        if (n < 0 && errno == EINTR) continue;
        break;
      }
      if (take_messages()) return true;
    }
    if (Clock::now() >= deadline) return false;
  }
}

void HeadlessChromium::dispatch(const std::string& message) {
  nlohmann::json m = nlohmann::json::parse(message, nullptr, false);
  if (m.is_discarded() || !m.is_object()) fail("a message that is not a JSON object: " + message.substr(0, 200));
  if (m.contains("id")) {
    responses_.push_back(std::move(m));
  } else if (m.contains("method") && m.value("sessionId", std::string{}) == session_id_ && !session_id_.empty()) {
    events_.push_back({{"method", m["method"]}, {"params", m.value("params", nlohmann::json::object())}});
  }
  // Events of the browser itself (Target.*) are not needed.
}

nlohmann::json HeadlessChromium::send(const std::string& method, const nlohmann::json& params, bool to_session) {
  const std::int64_t id = next_id_++;
  nlohmann::json command{{"id", id}, {"method", method}, {"params", params}};
  if (to_session) command["sessionId"] = session_id_;
  const auto deadline = Clock::now() + deadline_;
  write_message(command.dump(), deadline);
  for (;;) {
    const auto it = std::find_if(responses_.begin(), responses_.end(),
                                 [&](const nlohmann::json& r) { return r.value("id", std::int64_t{-1}) == id; });
    if (it != responses_.end()) {
      nlohmann::json response = std::move(*it);
      responses_.erase(it);
      if (response.contains("error"))
        fail(fmt::format("{} failed: {}", method, response["error"].value("message", response["error"].dump())));
      return response.value("result", nlohmann::json::object());
    }
    if (!pump(deadline))
      fail(fmt::format("no answer to {} within {} s", method,
                       std::chrono::duration_cast<std::chrono::seconds>(deadline_).count()));
  }
}

nlohmann::json HeadlessChromium::call(const std::string& method, const nlohmann::json& params) {
  return send(method, params, true);
}

nlohmann::json HeadlessChromium::call_browser(const std::string& method, const nlohmann::json& params) {
  return send(method, params, false);
}

nlohmann::json HeadlessChromium::evaluate(const std::string& expression) {
  const nlohmann::json r =
      call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (r.contains("exceptionDetails")) {
    const auto& d = r["exceptionDetails"];
    const std::string text = d.contains("exception") ? d["exception"].value("description", d.value("text", ""))
                                                     : d.value("text", std::string{"(no text)"});
    fail(fmt::format("JavaScript threw: {}", text));
  }
  return r.contains("result") ? r["result"].value("value", nlohmann::json{}) : nlohmann::json{};
}

void HeadlessChromium::navigate(const std::string& url) {
  std::size_t scan = events_.size();
  const nlohmann::json r = call("Page.navigate", {{"url", url}});
  if (!r.value("errorText", std::string{}).empty())
    fail(fmt::format("Page.navigate to {}: {}", url, r["errorText"].get<std::string>()));
  if (!r.contains("loaderId")) return;  // within the same document (a #fragment): no load event comes
  const auto deadline = Clock::now() + deadline_;
  for (;;) {
    for (; scan < events_.size(); ++scan) {
      if (events_[scan]["method"] != "Page.loadEventFired") continue;
      // A late load event of the initial about:blank would come before the page's own;
      // the document tells which one this was.
      if (evaluate("document.readyState === 'complete' && location.href !== 'about:blank'") == true) return;
    }
    if (!pump(deadline))
      fail(fmt::format("no Page.loadEventFired for {} within {} s", url,
                       std::chrono::duration_cast<std::chrono::seconds>(deadline_).count()));
  }
}

// ---- the check of an HTML report page ---------------------------------------

namespace {

// Every figure.chart: its id, data-marks, svgs, marks and the marks with an area.
// getBBox() and getBoundingClientRect() lay the page out first, so no frame is awaited.
constexpr const char* kChartsScript = R"JS(
Array.from(document.querySelectorAll('figure.chart'), fig => {
  const svgs = fig.querySelectorAll('svg');
  const marks = Array.from(fig.querySelectorAll('svg .mark'));
  const nonempty = marks.filter(m => {
    try { const b = m.getBBox(); return b.width > 0 && b.height > 0; } catch (e) { return false; }
  }).length;
  const r = svgs.length > 0 ? svgs[0].getBoundingClientRect() : {width: 0, height: 0};
  const prov = Array.from(fig.querySelectorAll('.prov code'), c => c.textContent).filter(l => l.length > 0);
  const svgText = svgs.length > 0 ? svgs[0].textContent.replace(/\s+/g, ' ') : '';
  return {id: fig.id, dataMarks: fig.getAttribute('data-marks'), svgs: svgs.length,
          marks: marks.length, nonempty: nonempty, width: r.width, height: r.height,
          provBlocks: fig.querySelectorAll('.prov').length,
          provInSvg: prov.filter(l => svgText.includes(l.slice(0, 40))).length};
})
)JS";

// Each figure's smallest svg text as rendered (CSS px), null without text.
constexpr const char* kTextScript = R"JS(
Array.from(document.querySelectorAll('figure.chart'), fig => {
  const svg = fig.querySelector('svg');
  if (!svg) return null;
  const vb = svg.viewBox && svg.viewBox.baseVal;
  const scale = vb && vb.width > 0 ? svg.getBoundingClientRect().width / vb.width : 1;
  let min = null;
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (min === null || px < min) min = px;
  }
  return min;
})
)JS";

// The fills of every mark that names its series.
constexpr const char* kFillsScript = R"JS(
(() => {
  const fills = {};
  for (const mark of document.querySelectorAll('figure.chart svg .mark')) {
    const host = mark.closest('[data-series]');
    if (!host) continue;
    const name = host.getAttribute('data-series');
    const fill = getComputedStyle(mark).fill;
    fills[name] = fills[name] || [];
    if (!fills[name].includes(fill)) fills[name].push(fill);
  }
  return fills;
})()
)JS";

// The strategy tables' last column ("match"): its cells, and those clipped at this width.
constexpr const char* kMatchScript = R"JS(
(() => {
  let cells = 0, clipped = 0;
  for (const table of document.querySelectorAll('table')) {
    const head = table.querySelector('thead tr');
    if (!head || !head.lastElementChild || head.lastElementChild.textContent.trim() !== 'match') continue;
    const box = (table.closest('.scroll') || document.documentElement).getBoundingClientRect();
    const right = Math.min(box.right, window.innerWidth), left = Math.max(box.left, 0);
    for (const row of table.querySelectorAll('tr')) {
      const cell = row.lastElementChild;
      if (!cell) continue;
      ++cells;
      const r = cell.getBoundingClientRect();
      if (r.right > right + 0.5 || r.left < left - 0.5 || r.width <= 0) ++clipped;
    }
  }
  return {cells: cells, clipped: clipped};
})()
)JS";

long parse_marks(const std::string& s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  const long n = std::stol(s);
  return n > 0 ? n : -1;
}

std::string strip_fragment(const std::string& url) { return url.substr(0, url.find('#')); }

std::string remote_object_text(const nlohmann::json& arg) {
  if (arg.contains("value")) return arg["value"].is_string() ? arg["value"].get<std::string>() : arg["value"].dump();
  if (arg.contains("description")) return arg["description"].get<std::string>();
  return arg.value("type", std::string{"?"});
}

void screenshot(HeadlessChromium& browser, const fs::path& png) {
  const nlohmann::json shot =
      browser.call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}});
  const std::string bytes = base64_decode(shot.at("data").get<std::string>());
  if (!bytes.starts_with("\x89PNG\r\n\x1a\n")) throw std::runtime_error("Page.captureScreenshot returned no PNG");
  std::ofstream out(png, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + png.string());
}

}  // namespace

std::vector<std::string> PageCheck::problems() const {
  std::vector<std::string> out;
  if (charts.empty()) out.emplace_back("no figure.chart on the page");
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < charts.size(); ++i) {
    const ChartCheck& c = charts[i];
    const std::string name = c.id.empty() ? fmt::format("figure.chart #{} (no id)", i + 1) : c.id;
    if (!c.id.starts_with("chart-")) out.push_back(fmt::format("{}: its id is not chart-SLUG", name));
    if (!c.id.empty() && std::find(seen.begin(), seen.end(), c.id) != seen.end())
      out.push_back(fmt::format("{}: the id is used twice", name));
    seen.push_back(c.id);
    if (c.expected_marks < 0)
      out.push_back(fmt::format("{}: data-marks=\"{}\" is not an integer > 0", name, c.data_marks));
    if (c.svgs != 1) out.push_back(fmt::format("{}: {} svg elements, the contract says exactly one", name, c.svgs));
    if (c.expected_marks > 0 && c.marks != c.expected_marks)
      out.push_back(fmt::format("{}: {} marks drawn, data-marks says {}", name, c.marks, c.expected_marks));
    if (c.nonempty_marks != c.marks)
      out.push_back(
          fmt::format("{}: {} of {} marks have an empty bounding box", name, c.marks - c.nonempty_marks, c.marks));
    if (c.svgs > 0 && (c.svg_width <= 0 || c.svg_height <= 0))
      out.push_back(fmt::format("{}: the svg renders at {}x{} px", name, c.svg_width, c.svg_height));
    if (c.phone_min_text_px >= 0 && c.phone_min_text_px < kMinTextPx - 0.005)
      out.push_back(fmt::format("{}: text renders at {:.1f} px on a {} px phone, under {} px", name,
                                c.phone_min_text_px, kPhoneWidth, kMinTextPx));
    if (c.provenance_blocks > 1 || c.provenance_in_svg > 0)
      out.push_back(fmt::format("{}: its provenance is printed twice ({} blocks, {} of its lines in the svg too)", name,
                                c.provenance_blocks, c.provenance_in_svg));
  }
  for (const auto& [series, fills] : series_fills)
    if (fills.size() > 1)
      out.push_back(fmt::format("series {} is drawn in {} colours: {}", series, fills.size(), fmt::join(fills, ", ")));
  if (match_cells_clipped > 0)
    out.push_back(fmt::format("{} of {} cells of the match column are clipped at {} px", match_cells_clipped,
                              match_cells, kDesktopWidth));
  for (const auto& e : console_errors) out.push_back("console: " + e);
  for (const auto& r : requests) out.push_back("fetches " + r);
  if (phone_overflows)
    out.push_back(fmt::format("overflows a {} px phone horizontally: scrollWidth {}", kPhoneWidth, phone_scroll_width));
  return out;
}

PageCheck check_report_page(const fs::path& html, const fs::path& screenshot_dir) {
  const fs::path page = fs::absolute(html).lexically_normal();
  if (!fs::is_regular_file(page)) throw std::runtime_error("no such page: " + page.string());
  fs::create_directories(screenshot_dir);
  PageCheck check;
  check.url = file_url(page);
  check.desktop_png = screenshot_dir / (page.stem().string() + "-desktop.png");
  check.phone_png = screenshot_dir / (page.stem().string() + "-phone.png");

  HeadlessChromium browser;
  // Headless draws classic 15 px scrollbars: hidden, the page is laid out (and
  // captured) at the full 1280 px, as on a phone, whose scrollbars overlay.
  browser.call("Emulation.setScrollbarsHidden", {{"hidden", true}});
  browser.call("Emulation.setDeviceMetricsOverride",
               {{"width", kDesktopWidth}, {"height", 800}, {"deviceScaleFactor", 1}, {"mobile", false}});
  browser.navigate(check.url);
  const std::string own_url = strip_fragment(browser.evaluate("location.href").get<std::string>());

  for (const auto& c : browser.evaluate(kChartsScript)) {
    ChartCheck chart;
    chart.id = c.value("id", std::string{});
    chart.data_marks = c["dataMarks"].is_string() ? c["dataMarks"].get<std::string>() : std::string{};
    chart.expected_marks = parse_marks(chart.data_marks);
    chart.svgs = c.value("svgs", 0);
    chart.marks = c.value("marks", 0L);
    chart.nonempty_marks = c.value("nonempty", 0L);
    chart.svg_width = c.value("width", 0.0);
    chart.svg_height = c.value("height", 0.0);
    chart.provenance_blocks = c.value("provBlocks", 0);
    chart.provenance_in_svg = c.value("provInSvg", 0);
    check.charts.push_back(std::move(chart));
  }
  const nlohmann::json series_fills = browser.evaluate(kFillsScript);
  for (const auto& [name, fills] : series_fills.items())
    for (const auto& f : fills) check.series_fills[name].push_back(f.get<std::string>());
  const nlohmann::json match = browser.evaluate(kMatchScript);
  check.match_cells = match.value("cells", 0);
  check.match_cells_clipped = match.value("clipped", 0);
  const nlohmann::json notices =
      browser.evaluate("Array.from(document.querySelectorAll('.notices p'), p => p.textContent)");
  for (const auto& p : notices) check.notices.push_back(p.get<std::string>());
  screenshot(browser, check.desktop_png);

  browser.call("Emulation.setDeviceMetricsOverride",
               {{"width", kPhoneWidth}, {"height", 844}, {"deviceScaleFactor", 1}, {"mobile", true}});
  check.phone_scroll_width = browser.evaluate("document.documentElement.scrollWidth").get<double>();
  check.phone_overflows = check.phone_scroll_width > kPhoneWidth + 1;
  const nlohmann::json min_text = browser.evaluate(kTextScript);
  for (std::size_t i = 0; i < min_text.size() && i < check.charts.size(); ++i)
    if (min_text[i].is_number()) check.charts[i].phone_min_text_px = min_text[i].get<double>();
  screenshot(browser, check.phone_png);
  // A last round trip to the renderer: every console message and request it made
  // before this point has arrived by its answer.
  browser.evaluate("true");

  for (const auto& e : browser.events()) {
    const std::string& method = e["method"].get_ref<const std::string&>();
    const nlohmann::json& p = e["params"];
    if (method == "Runtime.consoleAPICalled") {
      const std::string type = p.value("type", std::string{});
      if (type != "error" && type != "assert") continue;
      std::string text;
      for (const auto& arg : p.value("args", nlohmann::json::array()))
        text += (text.empty() ? "" : " ") + remote_object_text(arg);
      check.console_errors.push_back(fmt::format("console.{}: {}", type, text));
    } else if (method == "Runtime.exceptionThrown") {
      const auto& d = p["exceptionDetails"];
      check.console_errors.push_back("uncaught exception: " +
                                     (d.contains("exception")
                                          ? d["exception"].value("description", d.value("text", std::string{}))
                                          : d.value("text", std::string{})));
    } else if (method == "Log.entryAdded") {
      const auto& entry = p["entry"];
      if (entry.value("level", std::string{}) != "error") continue;
      const std::string url = entry.value("url", std::string{});
      check.console_errors.push_back(
          fmt::format("log error: {}{}", entry.value("text", std::string{}), url.empty() ? "" : " (" + url + ")"));
    } else if (method == "Network.requestWillBeSent") {
      const std::string url = strip_fragment(p["request"].value("url", std::string{}));
      if (url == own_url || url == check.url || url.starts_with("data:")) continue;
      if (std::find(check.requests.begin(), check.requests.end(), url) == check.requests.end())
        check.requests.push_back(url);
    }
  }
  return check;
}

}  // namespace benchlab::test
