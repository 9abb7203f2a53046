#include "decode/json_scan.hpp"

#include <cstddef>
#include <vector>

namespace benchlab::decode {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  std::optional<JsonShape> run() {
    skip_space();
    JsonShape shape;
    if (at_end()) return std::nullopt;
    // The containers open around the current position: true for an object.
    std::vector<bool> open;
    std::vector<std::uint32_t> counts;
    bool first_value = true;
    for (;;) {
      // A value is expected here.
      skip_space();
      if (at_end()) return std::nullopt;
      const char c = s_[i_];
      bool opened = false;
      if (c == '{' || c == '[') {
        ++i_;
        if (first_value) shape.root = c == '{' ? Json::Root::object : Json::Root::array;
        open.push_back(c == '{');
        counts.push_back(0);
        skip_space();
        const char close = c == '{' ? '}' : ']';
        if (!at_end() && s_[i_] == close) {
          ++i_;
          open.pop_back();
          counts.pop_back();
        } else {
          opened = true;
        }
      } else if (c == '"') {
        if (!string()) return std::nullopt;
        if (first_value) shape.root = Json::Root::string;
      } else if (c == '-' || is_digit(c)) {
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
        ++counts.back();
        if (open.back() && !member_key()) return std::nullopt;
        continue;
      }
      // After a value: a separator or the close of containers.
      for (;;) {
        if (open.empty()) {
          skip_space();
          if (!at_end()) return std::nullopt;
          return shape;
        }
        skip_space();
        if (at_end()) return std::nullopt;
        const char next = s_[i_++];
        if (next == ',') {
          ++counts.back();
          if (open.back() && !member_key()) return std::nullopt;
          break;
        }
        if (next != (open.back() ? '}' : ']')) return std::nullopt;
        if (open.size() == 1) shape.members = counts.back();
        open.pop_back();
        counts.pop_back();
      }
    }
  }

 private:
  [[nodiscard]] bool at_end() const { return i_ >= s_.size(); }
  void skip_space() {
    while (!at_end() && is_space(s_[i_])) ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  // `"key" :` before an object's member value.
  bool member_key() {
    skip_space();
    if (at_end() || s_[i_] != '"' || !string()) return false;
    skip_space();
    if (at_end() || s_[i_] != ':') return false;
    ++i_;
    return true;
  }
  // A string: escapes checked, control characters refused; other bytes pass as
  // they are (the server's encoding is not necessarily UTF-8).
  bool string() {
    ++i_;  // the opening quote
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (at_end()) return false;
      const char e = s_[i_++];
      if (e == 'u') {
        for (int k = 0; k < 4; ++k)
          if (at_end() || !is_hex(s_[i_++])) return false;
      } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
        return false;
      }
    }
    return false;
  }
  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? — of any length.
  bool number() {
    if (s_[i_] == '-') ++i_;
    if (at_end()) return false;
    if (s_[i_] == '0') {
      ++i_;
    } else if (is_digit(s_[i_])) {
      while (!at_end() && is_digit(s_[i_])) ++i_;
    } else {
      return false;
    }
    if (!at_end() && s_[i_] == '.') {
      ++i_;
      if (at_end() || !is_digit(s_[i_])) return false;
      while (!at_end() && is_digit(s_[i_])) ++i_;
    }
    if (!at_end() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (!at_end() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (at_end() || !is_digit(s_[i_])) return false;
      while (!at_end() && is_digit(s_[i_])) ++i_;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<JsonShape> scan_json(std::string_view text) { return Scanner(text).run(); }

}  // namespace benchlab::decode
