// What the server says besides results: NOTICE, WARNING, INFO… messages that arrive
// on a connection. libpq would print each one raw on stderr ("NOTICE:  relation …
// already exists, skipping"); every Connection instead hands them here. What is only
// chatter (NOTICE, INFO, DEBUG, LOG) is dropped; what the user must act on (WARNING)
// goes to the one sink the layer above installs, which prints it in its own shape.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <libpq-fe.h>

namespace benchlab::pg {

struct ServerNotice {
  std::string severity;  // not localized: "WARNING", "NOTICE", …
  std::string sqlstate;
  std::string message;  // the primary message, on one line
  std::string detail;   // on one line; empty when none
  std::string hint;     // on one line; empty when none
};

using NoticeSink = std::function<void(const ServerNotice&)>;

// Installs the sink for the notices the user must act on, for every connection.
// Set once, first thing, before any connection or thread (forked workers inherit
// it). Without a sink, they go to stderr as "server WARNING: message".
void set_notice_sink(NoticeSink sink);

// Whether a notice of this severity is the user's business (WARNING): the rest is dropped.
[[nodiscard]] bool notice_matters(std::string_view severity);

// Routes `conn`'s notices through the filter and the sink (Connection::open does it).
void route_notices(PGconn* conn);

}  // namespace benchlab::pg
