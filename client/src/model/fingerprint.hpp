// The line that says where figures were measured, named by every chart and table:
// CPU, cores, PostgreSQL, the settings (profile and a hash of what the server had in
// force), benchlab commit.
#pragma once

#include <string>

#include "model/context.hpp"
#include "model/measured_files.hpp"

namespace benchlab {

[[nodiscard]] std::string fingerprint(const Context& context);
[[nodiscard]] std::string fingerprint(const Provenance& provenance);
[[nodiscard]] std::string short_commit(const std::string& git_commit);

}  // namespace benchlab
