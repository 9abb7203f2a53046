// What the artifact's context says about the server: its version, the extension's,
// and the settings that shape a bulk read. Read once, before any run.
#pragma once

#include <string>
#include <vector>

#include "model/context.hpp"

namespace benchlab::plan {

// `also`: more setting names to read (a profile's and --pg-set's), beside the usual ones.
ServerFacts read_server_facts(const std::string& conninfo, const std::vector<std::string>& also = {});

}  // namespace benchlab::plan
