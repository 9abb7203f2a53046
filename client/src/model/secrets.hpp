// Secrets in connection strings: no password given to benchclient is ever written
// out. One redactor of libpq connection strings, in both of libpq's forms — keyword
// = value pairs (`host=db password='a b\'c'`) and URIs (`postgresql://me:secret@db/app
// ?sslpassword=...`) — that reads them the way libpq's own parser does, without libpq:
// the command line an artifact keeps (context.command) is redacted with it, and
// pg/connection.cpp uses it beside PQconninfoParse to scrub libpq's messages.
//
// What it hides: the values of password, sslpassword, oauth_client_secret,
// scram_client_key and scram_server_key (as keywords or as URI query parameters),
// the password of a URI's user:password@, and a dbname that is itself a connection
// string holding one of these. Each is replaced by kSecretMask; an empty value has
// nothing to hide and stays as written. What libpq would refuse to parse is not
// guessed at: a DSN option's value that does not parse is replaced whole.
//
// PGPASSWORD, ~/.pgpass and PGSERVICE are libpq's business: nothing here touches the
// connection string libpq is given, only what is written about it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

// What every secret is replaced with.
inline constexpr std::string_view kSecretMask = "*****";

// The connection keywords libpq knows (PostgreSQL 15 to 18), and those of them
// whose value is a secret.
[[nodiscard]] const std::vector<std::string_view>& libpq_keywords();
[[nodiscard]] bool is_secret_keyword(std::string_view keyword);

// Whether libpq reads `text` as a connection string rather than a database name:
// it starts with postgresql:// or postgres://, or holds an '='.
[[nodiscard]] bool looks_like_conninfo(std::string_view text);

struct DsnSecrets {
  // The string with each non-empty secret value replaced by kSecretMask, the rest as
  // written; kSecretMask alone when `parsed` is false.
  std::string redacted;
  // Every secret found, as written (quoted, escaped, percent-encoded) and as libpq
  // reads it; none is empty. To scrub messages that may echo them.
  std::vector<std::string> secrets;
  // The words in a keyword's place (before '=', or where one was due) that follow no
  // secret: libpq's message about a string it refuses may quote one ("invalid connection
  // option \"hots\""), and they can be shown. Keyword=value strings only.
  std::vector<std::string> names;
  // false: libpq would refuse this string (an unterminated quote, a word without
  // '=', a keyword it does not know, a bad percent-escape).
  bool parsed = true;
};

// One connection string, as libpq would read it.
[[nodiscard]] DsnSecrets find_dsn_secrets(std::string_view dsn);

// The value of a DSN option (--dsn, --target-dsn), redacted: the secrets masked, or
// kSecretMask alone when it does not parse.
[[nodiscard]] std::string redact_dsn(std::string_view dsn);

// Any other argument, which may or may not be a connection string: masked where it
// reads as one with a secret in it (whole, when it then does not parse), also
// NAME=VALUE (PGPASSWORD=..., --option=VALUE); otherwise unchanged.
[[nodiscard]] std::string redact_argument(std::string_view argument);

// The options whose value is a connection string.
[[nodiscard]] bool is_dsn_option(std::string_view option);

// A command line with every secret masked: each DSN option's value, written as
// `--dsn VALUE` or `--dsn=VALUE`, and any other argument by redact_argument.
[[nodiscard]] std::vector<std::string> redacted_argv(const std::vector<std::string>& argv);

// A command line as an artifact keeps it (shell-quoted; model/command_line.hpp) with
// every secret masked, for artifacts written before the command was redacted: each
// word that changes is quoted anew, the rest of the text is kept byte for byte.
[[nodiscard]] std::string redact_command_line(std::string_view command);

// A message that may quote arguments of `argv` (the parser's "The following arguments
// were not expected: ..."): each argument that redacted_argv changes is replaced by its
// redacted form, and each secret in it is masked.
[[nodiscard]] std::string scrub_arguments(std::string message, const std::vector<std::string>& argv);

// `text` with every occurrence of each secret replaced by kSecretMask (the longest
// first): for messages from elsewhere (libpq, the server) that may quote them.
[[nodiscard]] std::string scrub_secrets(std::string text, std::vector<std::string> secrets);

}  // namespace benchlab
