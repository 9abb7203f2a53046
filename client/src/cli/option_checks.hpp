// The checks of option values that the command line parser cannot word well: whole
// numbers within a range, the list of row counts, a snapshot id. Each problem is one
// line naming the option, what was given, what it accepts and an example; the caller
// turns it into exit status 2 before anything starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

}  // namespace benchlab::cli
