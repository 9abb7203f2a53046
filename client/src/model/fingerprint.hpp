// The line that says where figures were measured, named by every chart and table:
// CPU, cores, PostgreSQL, the settings (profile and a hash of what the server had in
// force), benchlab commit.
#pragma once

#include <string>
#include <vector>

#include "model/context.hpp"
#include "model/measured_files.hpp"

namespace benchlab {

[[nodiscard]] std::string fingerprint(const Context& context);
[[nodiscard]] std::string fingerprint(const Provenance& provenance);
[[nodiscard]] std::string short_commit(const std::string& git_commit);
// "Intel(R) Xeon(R) Processor, 2 cores": the machine the artifacts were measured on (each
// machine once, in order, joined by "and"), from their host facts; what a report says
// instead of "this machine", which is the reader's. Empty with no artifact.
[[nodiscard]] std::string measured_on(const std::vector<const Context*>& contexts);

}  // namespace benchlab
