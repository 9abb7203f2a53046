#include "cli/diagnostics.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <mutex>
#include <set>

#include "cli/exit_codes.hpp"
#include "model/secrets.hpp"
#include "pg/notices.hpp"

namespace benchlab::cli {

namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> argv;
  return argv;
}

void print_line(std::string_view kind, std::string_view line, std::string_view help) {
  std::string text = fmt::format("benchclient: {}{}", kind, line);
  if (!help.empty()) text += fmt::format("; see {} --help", help);
  text = scrub_arguments(std::move(text), command_line()) + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void diagnose_command_line(std::vector<std::string> argv) { command_line() = std::move(argv); }

int print_error(std::string_view line, int exit_code, std::string_view help) {
  print_line("error: ", line, help);
  return exit_code;
}

int print_usage_error(std::string_view line, std::string_view help) { return print_error(line, kExitUsage, help); }

void print_warning(std::string_view line) { print_line("warning: ", line, {}); }

void print_note(std::string_view line) { print_line("", line, {}); }

void route_server_notices() {
  pg::set_notice_sink([](const pg::ServerNotice& notice) {
    std::string line = "the server says: " + notice.message;
    if (!notice.detail.empty()) line += " (" + notice.detail + ")";
    if (!notice.hint.empty()) line += "; " + notice.hint;
    // Every worker connection may say the same: once is enough.
    static std::mutex mutex;
    static std::set<std::string> said;
    {
      const std::lock_guard lock(mutex);
      if (!said.insert(line).second) return;
    }
    print_warning(line);
  });
}

}  // namespace benchlab::cli
