// The exact command an artifact came from, as a user would paste it into a shell:
// every report names it beside the artifact and the machine's fingerprint. Never
// with a secret in it: recorded_command() masks every password (model/secrets.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/secrets.hpp"

namespace benchlab {

// One argument quoted for a POSIX shell only when it needs it.
[[nodiscard]] inline std::string shell_quoted(std::string_view arg) {
  const bool plain = !arg.empty() && arg.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789-_./=:,+%@") == std::string_view::npos;
  if (plain) return std::string(arg);
  std::string out = "'";
  for (const char c : arg) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

[[nodiscard]] inline std::string shell_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += shell_quoted(a);
  }
  return out;
}

// The command line as artifacts, reports and messages keep it: shell-quoted, with
// the value of every DSN option and any other password masked (redacted_argv).
[[nodiscard]] inline std::string recorded_command(int argc, const char* const* argv) {
  return shell_command(redacted_argv(std::vector<std::string>(argv, argv + argc)));
}

}  // namespace benchlab
