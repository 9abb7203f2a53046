// benchclient's own lines on stderr, in one shape: "benchclient: error: WHAT; see
// benchclient CMD --help", "benchclient: warning: WHAT", "benchclient: WHAT". Every
// line is scrubbed of the command line's secrets (model/secrets.hpp), so a message
// that quotes an argument never prints a password.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace benchlab::cli {

// The command line every line is scrubbed against; set once, first thing.
void diagnose_command_line(std::vector<std::string> argv);

// "benchclient: error: LINE", with "; see HELP --help" when `help` names the command
// to read about ("benchclient compare"). Returns `exit_code`, for `return print_error(...)`.
int print_error(std::string_view line, int exit_code, std::string_view help = {});

// A usage error: print_error(line, kExitUsage, help).
int print_usage_error(std::string_view line, std::string_view help);

// "benchclient: warning: LINE".
void print_warning(std::string_view line);

// "benchclient: LINE": what was written, a phase, why it stopped.
void print_note(std::string_view line);

// The server's notices from now on: the chatter (NOTICE, INFO…) dropped, a WARNING
// printed once (per distinct text) as "benchclient: warning: the server says: …".
void route_server_notices();

}  // namespace benchlab::cli
