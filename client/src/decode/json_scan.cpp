#include "decode/json_scan.hpp"

#include <array>
#include <cstddef>

namespace benchlab::decode {

namespace {

// One table lookup per byte in the loops that matter (strings, numbers, spaces).
enum : std::uint8_t { kPlain = 0, kSpace = 1, kDigit = 2, kHex = 4, kStringStop = 8 };

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] |= kStringStop;  // control characters
  t['"'] |= kStringStop;
  t['\\'] |= kStringStop;
  t[' '] |= kSpace;
  t['\t'] |= kSpace;
  t['\n'] |= kSpace;
  t['\r'] |= kSpace;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] |= kDigit | kHex;
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] |= kHex;
  for (int c = 'A'; c <= 'F'; ++c) t[static_cast<std::size_t>(c)] |= kHex;
  return t;
}
constexpr std::array<std::uint8_t, 256> kClass = make_classes();

class Scanner {
 public:
  Scanner(std::string_view text, std::vector<bool>& open) : p_(text.data()), end_(text.data() + text.size()), open_(open) {
    open_.clear();
  }

  std::optional<JsonShape> run() {
    JsonShape shape;
    bool first_value = true;
    for (;;) {
      // A value is expected here.
      skip_space();
      if (p_ == end_) return std::nullopt;
      const char c = *p_;
      bool opened = false;
      if (c == '{' || c == '[') {
        ++p_;
        if (first_value) shape.root = c == '{' ? Json::Root::object : Json::Root::array;
        skip_space();
        if (p_ != end_ && *p_ == (c == '{' ? '}' : ']')) {
          ++p_;
        } else {
          open_.push_back(c == '{');
          opened = true;
        }
      } else if (c == '"') {
        if (!string()) return std::nullopt;
        if (first_value) shape.root = Json::Root::string;
      } else if (c == '-' || is(c, kDigit)) {
        if (!number()) return std::nullopt;
        if (first_value) shape.root = Json::Root::number;
      } else if (literal("true") || literal("false")) {
        if (first_value) shape.root = Json::Root::boolean;
      } else if (literal("null")) {
        if (first_value) shape.root = Json::Root::null;
      } else {
        return std::nullopt;
      }
      first_value = false;
      if (opened) {
        // The first member of a non-empty container.
        if (open_.size() == 1) ++shape.members;
        if (open_.back() && !member_key()) return std::nullopt;
        continue;
      }
      // After a value: a separator or the close of containers.
      for (;;) {
        skip_space();
        if (open_.empty()) {
          if (p_ != end_) return std::nullopt;
          return shape;
        }
        if (p_ == end_) return std::nullopt;
        const char next = *p_++;
        if (next == ',') {
          if (open_.size() == 1) ++shape.members;
          if (open_.back() && !member_key()) return std::nullopt;
          break;
        }
        if (next != (open_.back() ? '}' : ']')) return std::nullopt;
        open_.pop_back();
      }
    }
  }

 private:
  static bool is(char c, std::uint8_t cls) { return (kClass[static_cast<unsigned char>(c)] & cls) != 0; }
  void skip_space() {
    while (p_ != end_ && is(*p_, kSpace)) ++p_;
  }
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }
  // `"key" :` before an object's member value.
  bool member_key() {
    skip_space();
    if (p_ == end_ || *p_ != '"' || !string()) return false;
    skip_space();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }
  // A string: escapes checked, control characters refused; other bytes pass as
  // they are (the server's encoding is not necessarily UTF-8).
  bool string() {
    ++p_;  // the opening quote
    for (;;) {
      while (p_ != end_ && !is(*p_, kStringStop)) ++p_;
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '"') return true;
      if (c != '\\') return false;  // a control character
      if (p_ == end_) return false;
      const char e = *p_++;
      if (e == 'u') {
        if (end_ - p_ < 4) return false;
        for (int k = 0; k < 4; ++k)
          if (!is(*p_++, kHex)) return false;
      } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
        return false;
      }
    }
  }
  bool digits() {
    const char* start = p_;
    while (p_ != end_ && is(*p_, kDigit)) ++p_;
    return p_ != start;
  }
  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? — of any length.
  bool number() {
    if (*p_ == '-') ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (!digits()) {
      return false;
    }
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
    }
    return true;
  }

  const char* p_;
  const char* end_;
  std::vector<bool>& open_;  // the open containers, innermost last: true for an object
};

}  // namespace

std::optional<JsonShape> scan_json(std::string_view text, std::vector<bool>& stack) {
  return Scanner(text, stack).run();
}

std::optional<JsonShape> scan_json(std::string_view text) {
  std::vector<bool> stack;
  return scan_json(text, stack);
}

}  // namespace benchlab::decode
