// The option values benchclient reads from text, in one place (cli/value_parsers):
// what each accepts and what it refuses. The wording of a refusal is the command's
// and is checked through the real binary in cli.tests.cpp.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "cli/value_parsers.hpp"

using namespace benchlab::cli;

namespace {
constexpr std::uint64_t kMiB = 1ULL << 20;
}

TEST_CASE("value parsers: sizes parse with their units", "[cli][values]") {
  CHECK(parse_size("64MiB") == 64 * kMiB);
  CHECK(parse_size("1.5G") == 3 * 512 * kMiB);
  CHECK(parse_size("512k") == 512 * 1024);
  CHECK(parse_size("512 KiB") == 512 * 1024);
  CHECK(parse_size("2gb") == 2048 * kMiB);
  CHECK(parse_size("100") == 100);
  for (const char* bad : {"", "x", "64XB", "-1M", "0", "M", "1.2.3M"}) {
    INFO(bad);
    CHECK_FALSE(parse_size(bad).has_value());
  }
}

TEST_CASE("value parsers: durations in seconds or milliseconds", "[cli][values]") {
  CHECK(parse_duration_ms("30s") == 30000);
  CHECK(parse_duration_ms("30") == 30000);
  CHECK(parse_duration_ms("500ms") == 500);
  CHECK(parse_duration_ms("1.5s") == 1500);
  CHECK(parse_duration_ms("0.1ms") == 1);  // never below a millisecond
  for (const char* bad : {"", "s", "ms", "0", "0s", "-5s", "5m", "5 s", "abc", "1e8", "3000000s"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration_ms(bad).has_value());
  }
}

TEST_CASE("value parsers: fractions as percentages or decimals", "[cli][values]") {
  CHECK(parse_fraction("5%") == Approx(0.05));
  CHECK(parse_fraction("0.05") == Approx(0.05));
  CHECK(parse_fraction("5") == Approx(0.05));  // 1 or more reads as a percentage
  CHECK(parse_fraction("0%") == Approx(0.0));
  CHECK(parse_fraction("12.5%") == Approx(0.125));
  for (const char* bad : {"", "%", "-5%", "five", "5%%", "0.05x"}) {
    INFO(bad);
    CHECK_FALSE(parse_fraction(bad).has_value());
  }
}

TEST_CASE("value parsers: numbers within a range, lists", "[cli][values]") {
  CHECK(parse_number_in("500", 1, 1e6) == Approx(500));
  CHECK(parse_number_in("1.5", 1, 1e6) == Approx(1.5));
  for (const char* bad : {"", "0", "1000001", "x", "5/s"}) {
    INFO(bad);
    CHECK_FALSE(parse_number_in(bad, 1, 1e6).has_value());
  }
  CHECK(split_list("a,b,,c") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_list("").empty());
  CHECK(split_list(",").empty());
}

TEST_CASE("value parsers: row counts, thousands separators refused with the count to write", "[cli][values]") {
  CHECK(parse_row_counts({"1_000_000"}) == std::vector<std::uint64_t>{1000000});
  CHECK(parse_row_counts({"100", "200", "300"}) == std::vector<std::uint64_t>{100, 200, 300});
  CHECK_THROWS_WITH(parse_row_counts({"1", "000", "000"}),
                    Catch::Contains("write --rows 1000000 (or, grouped with underscores, --rows 1_000_000)"));
  CHECK_THROWS_WITH(parse_row_counts({"1.000.000"}), Catch::Contains("thousands separators are not accepted"));
  CHECK_THROWS_WITH(parse_row_counts({"0"}), Catch::Contains("0 rows is nothing to measure"));
  CHECK_THROWS_WITH(parse_row_counts({"x"}), Catch::Contains("not a row count"));
}

TEST_CASE("value parsers: whole numbers in a range name the option, the range and an example", "[cli][values]") {
  const IntegerRange range{1, 1000, "workers", "4"};
  CHECK_FALSE(integer_problem("--workers", "4", range).has_value());
  CHECK(integer_problem("--workers", "0", range) ==
        "--workers 0: out of range; give 1 to 1000 workers, e.g. --workers 4");
  CHECK(integer_problem("--workers", "", range) == "--workers needs a value: give 1 to 1000 workers, e.g. --workers 4");
  CHECK(integer_problem("--workers", "1.5", range) ==
        "--workers '1.5': not a whole number; give 1 to 1000 workers, e.g. --workers 4");
}
