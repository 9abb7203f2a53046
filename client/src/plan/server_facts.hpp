// What the artifact's context says about the server: its version, the extension's,
// and the settings that shape a bulk read. Read once, before any run.
#pragma once

#include <string>
#include <vector>

#include "model/context.hpp"
#include "model/plan.hpp"
#include "pg/connection.hpp"

namespace benchlab::plan {

// `also`: more setting names to read (a profile's and --pg-set's), beside the usual ones.
ServerFacts read_server_facts(const std::string& conninfo, const std::vector<std::string>& also = {});

// The connection slots left for ordinary roles now: max_connections less the
// reserved ones and the client backends open (`conn`'s own not counted).
ConnectionRoom read_connection_room(const pg::Connection& conn);

}  // namespace benchlab::plan
