// What the artifact's context says about the server: its version, the extension's,
// and the settings that shape a bulk read. Read once, before any run.
#pragma once

#include <string>

#include "model/context.hpp"

namespace benchlab::plan {

ServerFacts read_server_facts(const std::string& conninfo);

}  // namespace benchlab::plan
