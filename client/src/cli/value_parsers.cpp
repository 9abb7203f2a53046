#include "cli/value_parsers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <stdexcept>

namespace benchlab::cli {

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// "1,000,000" / "1.000.000" / "1 000 000" / "1'000'000": groups of three digits after
// a first group of one to three, as split at their separator.
bool grouped(const std::vector<std::string>& groups) {
  if (groups.size() < 2 || groups.front().size() > 3 || !all_digits(groups.front())) return false;
  return std::all_of(groups.begin() + 1, groups.end(),
                     [](const std::string& g) { return g.size() == 3 && all_digits(g); });
}

std::vector<std::string> split_on(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

// The one line for a count written with thousands separators: the same count without
// them, and with underscores (which --rows accepts) between its groups.
std::string thousands_refused(const std::string& given, const std::vector<std::string>& groups,
                              const std::string& reads_as) {
  std::string digits = fmt::format("{}", fmt::join(groups, ""));
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  return fmt::format(
      "--rows {}: thousands separators are not accepted{}; write --rows {} (or, grouped with underscores, --rows {})",
      given, reads_as, digits, fmt::join(groups, "_"));
}

constexpr std::uint64_t kMaxRows = 9223372036854775807ULL;  // a bigint: LIMIT and the key range take no more

}  // namespace

std::optional<std::string> integer_problem(const std::string& name, const std::string& text,
                                           const IntegerRange& range) {
  const std::string accepted = fmt::format("give {} to {}{}{}, e.g. {} {}", range.lo, range.hi,
                                           range.unit.empty() ? "" : " ", range.unit, name, range.example);
  if (text.empty()) return fmt::format("{} needs a value: {}", name, accepted);
  const bool negative = text.front() == '-' && all_digits(text.substr(1));
  if (!negative && !all_digits(text)) return fmt::format("{} '{}': not a whole number; {}", name, text, accepted);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool parsed = !negative && ec == std::errc() && end == text.data() + text.size();
  if (!parsed || value < range.lo || value > range.hi)
    return fmt::format("{} {}: out of range; {}", name, text, accepted);
  return std::nullopt;
}

std::vector<std::uint64_t> parse_row_counts(const std::vector<std::string>& parts) {
  const std::string given = fmt::format("{}", fmt::join(parts, ","));
  // --rows 1,000,000: the comma separates sizes, so this would read as 1, 0 and 0 rows.
  // A grouped list with a later group that no size is written as (000, 050) is a number
  // with thousands separators; 100,200,300 stays a sweep of three sizes.
  if (grouped(parts)) {
    const bool zero_led = std::any_of(parts.begin() + 1, parts.end(), [](const std::string& p) { return p[0] == '0'; });
    if (zero_led) {
      std::vector<std::string> sizes;
      for (const auto& p : parts) {
        const std::size_t nz = p.find_first_not_of('0');
        sizes.push_back(nz == std::string::npos ? "0" : p.substr(nz));
      }
      std::string reads_as = sizes.front();
      for (std::size_t i = 1; i < sizes.size(); ++i) reads_as += (i + 1 == sizes.size() ? " and " : ", ") + sizes[i];
      throw std::invalid_argument(
          thousands_refused(given, parts, fmt::format(" (a comma separates sizes: this reads as {} rows)", reads_as)));
    }
  }
  std::vector<std::uint64_t> out;
  for (const auto& text : parts) {
    // 1.000.000, 1 000 000, 1'000'000: another country's separators, in one size.
    for (const char sep : {'.', ' ', '\''}) {
      if (text.find(sep) == std::string::npos) continue;
      const std::vector<std::string> groups = split_on(text, sep);
      if (grouped(groups)) throw std::invalid_argument(thousands_refused(fmt::format("'{}'", text), groups, ""));
    }
    std::string digits;
    for (char c : text)
      if (c != '_') digits.push_back(c);  // 1_000_000 reads as it is written
    std::uint64_t value = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (all_digits(digits) && (ec == std::errc::result_out_of_range || value > kMaxRows))
      throw std::invalid_argument(
          fmt::format("--rows {}: out of range; give row counts from 1 to {}, or --rows all", text, kMaxRows));
    if (digits.empty() || ec != std::errc() || ptr != end || !all_digits(digits)) {
      throw std::invalid_argument(fmt::format(
          "--rows '{}': not a row count; give whole numbers above 0, e.g. --rows 100000 or --rows 100000,500000, or "
          "--rows all for the whole table",
          text));
    }
    if (value == 0) {
      throw std::invalid_argument(
          parts.size() == 1
              ? std::string("--rows 0: 0 rows is nothing to measure; give a count above 0, e.g. --rows 100000, or "
                            "--rows all for the whole table")
              : fmt::format("--rows {}: a size of 0 rows is nothing to measure; give counts above 0 (drop the 0)",
                            given));
    }
    out.push_back(value);
  }
  return out;
}

bool well_formed_snapshot_id(const std::string& id) {
  const std::vector<std::string> parts = split_on(id, '-');
  if (parts.size() != 3 || parts[0].size() != 8 || parts[1].size() != 8) return false;
  for (std::size_t i = 0; i < 2; ++i)
    for (char c : parts[i])
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  return all_digits(parts[2]) && parts[2].size() <= 10 && parts[2][0] != '0';
}

namespace {

// The whole of `text` as a number, or nothing.
std::optional<double> whole_number(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) ++i;
  const std::optional<double> number = whole_number(text.substr(0, i));
  if (!number) return std::nullopt;
  std::string unit;
  for (const char c : text.substr(i))
    if (c != ' ') unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  double scale = 0;
  if (unit.empty() || unit == "b")
    scale = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib")
    scale = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib")
    scale = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tb" || unit == "tib")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else
    return std::nullopt;
  const double bytes = *number * scale;
  if (!(bytes >= 1) || bytes > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::optional<int> parse_duration_ms(std::string_view text) {
  const bool ms = text.size() > 2 && text.ends_with("ms");
  const std::string_view digits =
      ms ? text.substr(0, text.size() - 2) : (text.ends_with('s') ? text.substr(0, text.size() - 1) : text);
  const std::optional<double> value = whole_number(digits);
  if (!value || !(*value > 0) || *value > 1e7) return std::nullopt;
  const double millis = ms ? *value : *value * 1000;
  if (millis > INT_MAX) return std::nullopt;
  return static_cast<int>(std::max(1.0, millis));
}

std::optional<double> parse_fraction(std::string_view text) {
  const bool percent = text.ends_with('%');
  const std::optional<double> value = whole_number(percent ? text.substr(0, text.size() - 1) : text);
  if (!value || *value < 0) return std::nullopt;
  return percent || *value >= 1 ? *value / 100 : *value;
}

std::optional<double> parse_number_in(std::string_view text, double lo, double hi) {
  const std::optional<double> value = whole_number(text);
  if (!value || !(*value >= lo && *value <= hi)) return std::nullopt;
  return value;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  for (std::string& item : split_on(text, ','))
    if (!item.empty()) out.push_back(std::move(item));
  return out;
}

}  // namespace benchlab::cli
