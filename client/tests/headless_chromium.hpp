// A headless Chromium driven over the Chrome DevTools Protocol, for the [browser]
// tests of the HTML report (docs/report.md, "The browser check").
//
// The browser is spawned with --remote-debugging-pipe: it reads '\0'-terminated JSON
// commands from its fd 3 and writes '\0'-terminated JSON responses and events to its
// fd 4. No port, no HTTP, nothing else on the machine can talk to it. Every wait for
// a response or an event polls the pipe with a deadline; nothing sleeps.
//
// The object owns the browser: its destructor sends Browser.close, SIGKILLs the
// browser's process group if it is not gone by a deadline, reaps it, waits for the
// crash handlers (which leave the group) to go and removes the temporary directory
// (profile, config, cache, crash database). No process is left behind, also when a REQUIRE throws (the
// destructor runs during unwinding) or when the test process dies (the browser exits
// when its pipe closes).
#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace benchlab::test {

// /usr/bin/chromium, else `chromium` on PATH; empty when there is none.
std::filesystem::path find_chromium();

// "file:///abs/path" with everything but unreserved characters and '/' percent-encoded.
std::string file_url(const std::filesystem::path& absolute);

// The live processes whose command line contains `needle` (zombies have none).
std::vector<pid_t> processes_naming(const std::string& needle);

// Standard base64 (RFC 4648, padding and ASCII whitespace allowed); throws
// std::runtime_error on anything else.
std::string base64_decode(std::string_view text);

class HeadlessChromium {
 public:
  // Starts the browser and attaches to a fresh page target with Runtime, Log, Page
  // and Network enabled. Throws std::runtime_error (chromium missing, did not start,
  // no answer within `deadline`).
  explicit HeadlessChromium(std::chrono::milliseconds deadline = std::chrono::seconds(60));
  ~HeadlessChromium();
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;
  HeadlessChromium(HeadlessChromium&&) = delete;
  HeadlessChromium& operator=(HeadlessChromium&&) = delete;

  // A command to the page's session; its "result". Throws on a protocol error, a
  // dead browser or the deadline.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object());
  // A command to the browser itself (no session).
  nlohmann::json call_browser(const std::string& method, const nlohmann::json& params = nlohmann::json::object());

  // Runtime.evaluate (by value, awaiting a promise); the value. A JavaScript exception
  // is thrown as std::runtime_error.
  nlohmann::json evaluate(const std::string& expression);

  // Page.navigate to `url`, then waits for Page.loadEventFired of that document.
  void navigate(const std::string& url);

  // Every event of the page's session received so far, in order ({"method", "params"}).
  [[nodiscard]] const std::vector<nlohmann::json>& events() const { return events_; }

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::filesystem::path& profile_dir() const { return profile_dir_; }
  // The browser's own stderr so far (its last few KiB), for error messages.
  [[nodiscard]] std::string log_tail() const;

 private:
  using Clock = std::chrono::steady_clock;
  nlohmann::json send(const std::string& method, const nlohmann::json& params, bool to_session);
  void write_message(const std::string& message, Clock::time_point deadline);
  // Reads what the pipe has, waiting until `deadline` for at least one message;
  // false when the deadline passed with none.
  bool pump(Clock::time_point deadline);
  void dispatch(const std::string& message);
  [[noreturn]] void fail(const std::string& what) const;
  void shut_down() noexcept;

  std::chrono::milliseconds deadline_;
  std::filesystem::path temp_dir_, profile_dir_, log_path_;
  pid_t pid_ = -1;
  int to_browser_ = -1, from_browser_ = -1;
  bool pipe_closed_ = false;
  std::string inbox_;  // bytes read, not yet a whole message
  std::int64_t next_id_ = 1;
  std::string session_id_;
  std::vector<nlohmann::json> responses_;  // responses not yet claimed by send()
  std::vector<nlohmann::json> events_;
};

// ---- the check of an HTML report page ---------------------------------------
//
// The report's DOM contract, which the browser check counts marks by: each chart is
//   <figure class="chart" id="chart-SLUG" data-marks="N"> <svg>... elements of class
//   "mark" ...</svg> <figcaption>...</figcaption> </figure>
// with N > 0 the number of data marks it must draw, exactly one svg per figure, and a
// self-contained page (inline CSS and SVG; it fetches nothing but itself).

struct ChartCheck {
  std::string id;
  std::string data_marks;    // the attribute as written ("" when absent)
  long expected_marks = -1;  // data-marks as an integer > 0, else -1
  int svgs = 0;              // <svg> elements in the figure
  long marks = 0;            // elements of class "mark" inside the figure's svg
  long nonempty_marks = 0;   // of those, the ones whose getBBox() has a width and a height > 0
  double svg_width = 0;      // the svg's rendered size, CSS px, at the desktop width
  double svg_height = 0;
  // The smallest text of its svg as rendered on the phone, CSS px: the computed font
  // size × the svg's scale (its rendered width ÷ its viewBox width); -1: no text.
  double phone_min_text_px = -1;
  int provenance_blocks = 0;  // .prov blocks in the figure (its artifacts and commands, as text)
  int provenance_in_svg = 0;  // of their lines, those the svg prints too (a provenance printed twice)
};

struct PageCheck {
  std::string url;                          // the page's own file:// URL
  std::vector<ChartCheck> charts;           // every figure.chart, in document order
  std::vector<std::string> console_errors;  // console.error/assert, uncaught exceptions, Log errors
  std::vector<std::string> requests;        // every URL requested but the page itself and data:
  double phone_scroll_width = 0;            // document.documentElement.scrollWidth at 390 px, mobile
  bool phone_overflows = false;             // phone_scroll_width > 390 + 1
  // Each series named by a mark (data-series on it or an ancestor) and the distinct
  // fills of its marks over every chart of the page: one each when colours are kept.
  std::map<std::string, std::vector<std::string>> series_fills;
  // The strategy tables (last header cell "match"): the cells of that column at 1280 px,
  // and those not wholly inside the viewport and their scroll box (clipped, or scrolled away).
  int match_cells = 0, match_cells_clipped = 0;
  std::vector<std::string> notices;  // the page's status and warnings (.notices p), in order
  std::filesystem::path desktop_png, phone_png;

  // Everything the contract forbids, one line each; empty when the page passes.
  [[nodiscard]] std::vector<std::string> problems() const;
};

inline constexpr int kDesktopWidth = 1280;
inline constexpr int kPhoneWidth = 390;
inline constexpr double kMinTextPx = 11;  // the smallest chart text a phone may show

// Loads `html` (an absolute or relative path) in a fresh headless Chromium at 1280 px,
// measures its charts, screenshots it, then again at 390 px as a phone. Writes
// STEM-desktop.png and STEM-phone.png into `screenshot_dir` (created if missing).
// Throws std::runtime_error when the browser fails (not when the page does).
PageCheck check_report_page(const std::filesystem::path& html, const std::filesystem::path& screenshot_dir);

}  // namespace benchlab::test
