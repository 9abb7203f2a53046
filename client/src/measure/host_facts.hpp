// The fingerprint of the machine and of this build, for the artifact's context:
// CPU model, cores, memory, kernel and load when the invocation started; compiler,
// versions and the commit the binary was built from.
#pragma once

#include <string>

#include "model/context.hpp"

namespace benchlab {

[[nodiscard]] HostFacts read_host_facts();
[[nodiscard]] BuildFacts build_facts();
// Now, UTC, in strftime `format` (e.g. "%Y-%m-%dT%H:%M:%SZ").
[[nodiscard]] std::string utc_now(const char* format);

}  // namespace benchlab
