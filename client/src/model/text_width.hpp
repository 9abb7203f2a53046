// Text as a terminal shows it: its width in columns, and words wrapped to a width,
// so the console's lines fit the terminal they are printed on.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

// The width the console's text is kept within (a normal terminal's).
inline constexpr std::size_t kConsoleWidth = 120;

// Display width of UTF-8 text: each code point one column (±, …, ×, ✓, — are narrow).
[[nodiscard]] inline std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (const unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// `s` cut to at most `width` columns, its end replaced by "…" when cut.
[[nodiscard]] inline std::string elide(std::string_view s, std::size_t width) {
  if (display_width(s) <= width) return std::string(s);
  if (width == 0) return {};
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++columns == width) break;  // the last column is the ellipsis
    out += s[i];
  }
  return out + "…";
}

// `text` word-wrapped into lines of at most `width` columns: the first after
// `first`, the others after `indent` (a word longer than a line stays whole).
[[nodiscard]] inline std::vector<std::string> wrap_words(std::string_view text, std::size_t width,
                                                         std::string_view first, std::string_view indent) {
  std::vector<std::string> lines;
  std::string line(first);
  bool empty = true;  // no word on `line` yet
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    if (!empty && display_width(line) + 1 + display_width(word) > width) {
      lines.push_back(std::move(line));
      line = std::string(indent);
      empty = true;
    }
    if (!empty) line += ' ';
    line += word;
    empty = false;
  }
  if (!empty || lines.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace benchlab
