// Every option value benchclient reads from text: whole numbers within a range, row
// counts (refusing thousands separators), sizes (64MiB), durations (30s, 500ms),
// fractions (5%, 0.05), rates, lists, a snapshot id. Those that word their own problem
// return it as one line naming the option, what was given, what it accepts and an
// example; the others return nothing for a bad value and the command words it. The
// caller turns a problem into exit status 2 before anything starts. (A CPU list is
// process/resources.hpp's parse_cpu_list: it is checked against the CPUs the process
// may run on.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab::cli {

// A whole-number option's accepted range and how to say it.
struct IntegerRange {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  std::string unit;     // "rows per batch": said after the range ("give 1 to 2147483647 rows per batch")
  std::string example;  // a value for the example, "5000": "e.g. --batch-rows 5000"
};

// What is wrong with `text` as the value of option `name` (e.g. "--batch-rows"), or
// nothing: a whole number in [range.lo, range.hi], digits only. Covers an empty value,
// a non-number (letters, a fraction, 1e3), a negative number and a value out of the
// range (past the option's type too).
std::optional<std::string> integer_problem(const std::string& name, const std::string& text, const IntegerRange& range);

// The row counts of --rows as the parser split it at its commas ("1", "000", "000" for
// --rows 1,000,000). Throws std::invalid_argument with the one line to print: a count
// written with thousands separators (1,000,000, 1.000.000, 1 000 000), 0, not a number,
// or past 9223372036854775807. Underscores group digits (1_000_000).
std::vector<std::uint64_t> parse_row_counts(const std::vector<std::string>& parts);

// The form of an exported snapshot's id, as pg_export_snapshot() returns it and
// `benchclient snapshot hold` prints it ("00000003-0000001B-1": two upper-case
// hexadecimal words of 8 digits and a number). Anything else can never name a snapshot.
bool well_formed_snapshot_id(const std::string& id);

// "64MiB", "1.5G", "200000000", "512 KiB" (binary units, b/k/m/g/t, with or without
// "b"/"ib", any case) -> bytes, at least 1; nothing for anything else.
[[nodiscard]] std::optional<std::uint64_t> parse_size(std::string_view text);

// "30s", "500ms", "30" (seconds) -> milliseconds, at least 1; nothing for a number
// not above 0, above 10^7, or past what an int of milliseconds holds.
[[nodiscard]] std::optional<int> parse_duration_ms(std::string_view text);

// "5%", "0.05", "5" (a number of 1 or more is a percentage) -> the fraction 0.05;
// nothing for a negative value or anything else.
[[nodiscard]] std::optional<double> parse_fraction(std::string_view text);

// A number (fractions allowed) within [lo, hi]; nothing otherwise.
[[nodiscard]] std::optional<double> parse_number_in(std::string_view text, double lo, double hi);

// "a,b,,c" -> {"a", "b", "c"}: the items of a comma-separated list, empty ones dropped.
[[nodiscard]] std::vector<std::string> split_list(const std::string& text);

}  // namespace benchlab::cli
