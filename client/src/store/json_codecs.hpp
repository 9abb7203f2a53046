// Codecs of model values shared by several files' field lists (store/field_list.hpp).
#pragma once

#include <fmt/format.h>

#include <string>

#include "model/wire_format.hpp"
#include "store/field_list.hpp"

namespace benchlab::json_fields {

// A wire format as its name, "text" or "binary"; another name is a field error.
inline const auto kWireFormatCodec =
    Codec{[](WireFormat f) { return std::string(to_string(f)); },
          [](const Json& j, WireFormat& f) {
            std::string name;
            read_value(j, name);
            const auto named = wire_format_named(name);
            if (!named) fail(fmt::format("{} '{}' is neither text nor binary", current_path(), name));
            f = *named;
          }};

}  // namespace benchlab::json_fields
