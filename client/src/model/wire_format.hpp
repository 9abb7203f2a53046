// The wire format every query of a run uses: libpq's resultFormat values.
#pragma once

#include <optional>
#include <string_view>

namespace benchlab {

enum class WireFormat { text = 0, binary = 1 };

[[nodiscard]] constexpr std::string_view to_string(WireFormat format) {
  return format == WireFormat::binary ? "binary" : "text";
}

[[nodiscard]] constexpr std::optional<WireFormat> wire_format_named(std::string_view name) {
  if (name == "text") return WireFormat::text;
  if (name == "binary") return WireFormat::binary;
  return std::nullopt;
}

// The other one: every round measures the wire ceiling in both.
[[nodiscard]] constexpr WireFormat other_format(WireFormat format) {
  return format == WireFormat::text ? WireFormat::binary : WireFormat::text;
}

}  // namespace benchlab
