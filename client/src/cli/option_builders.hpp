// Options declared the same way by every command: whole numbers with a range that
// word their own problem, and a few accepted words.
#pragma once

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/value_parsers.hpp"

namespace benchlab::cli {

// A whole-number option whose every bad value (empty, not a number, negative, out of
// the range or of its type) gets one line naming the option, the range and an example,
// before CLI11 would try to convert it ("Could not convert").
// `label`: the option as messages name it ("queue --jobs"; default: the option).
template <typename T>
CLI::Option* add_integer_option(CLI::App& app, const std::string& name, T& value, IntegerRange range,
                                const std::string& help, std::string label = {}) {
  if (label.empty()) label = name;
  return app.add_option(name, value, fmt::format("{} ({} to {})", help, range.lo, range.hi))
      ->check(CLI::Validator(
          [label, range](std::string& text) { return integer_problem(label, text, range).value_or(std::string()); }, "",
          "integer range"))
      ->capture_default_str();
}

// An option with a few accepted words: the value and the words in one line.
// `also`: one more word accepted, which only the command `also_by` uses (said after the list).
CLI::Validator one_of(const std::string& name, std::vector<std::string> words, std::string also = {},
                      std::string also_by = {});

}  // namespace benchlab::cli
