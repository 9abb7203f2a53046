#include "model/secrets.hpp"

#include <algorithm>
#include <optional>

#include "model/command_line.hpp"

namespace benchlab {

namespace {

constexpr std::string_view kUriPrefixes[] = {"postgresql://", "postgres://"};  // libpq's, case-sensitive

// libpq's isspace() in the C locale.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::size_t uri_prefix_length(std::string_view s) {
  for (const auto p : kUriPrefixes)
    if (s.starts_with(p)) return p.size();
  return 0;
}

void add_secret(std::vector<std::string>& out, std::string_view s) {
  if (s.empty() || s == kSecretMask) return;
  if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
}

struct Span {
  std::size_t begin = 0, end = 0;  // [begin, end) of the raw text
};

// Replaces each span (sorted, disjoint) by the mask.
std::string masked(std::string_view s, std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t at = 0;
  for (const Span& sp : spans) {
    if (sp.begin < at) continue;  // overlapping: already masked
    out.append(s.substr(at, sp.begin - at));
    out.append(kSecretMask);
    at = sp.end;
  }
  out.append(s.substr(at));
  return out;
}

// libpq's conninfo_uri_decode: %XX escapes, %00 refused; nullopt where libpq fails.
std::optional<std::string> percent_decoded(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const int v = hi * 16 + lo;
    if (v == 0) return std::nullopt;
    out.push_back(static_cast<char>(v));
    i += 2;
  }
  return out;
}

struct Found {
  std::vector<Span> spans;
  std::vector<std::string> secrets, names;
  bool parsed = true;
};

Found analyse(std::string_view s, int depth);

// A dbname libpq might read as a connection string of its own (a client that expands
// it, or a server's error quoting it): hidden whole when that one holds a secret.
void check_dbname(std::string_view raw, std::string_view value, Span span, Found& f, int depth) {
  if (depth > 2 || !looks_like_conninfo(value)) return;
  const Found inner = analyse(value, depth + 1);
  if (inner.secrets.empty()) return;
  f.spans.push_back(span);
  add_secret(f.secrets, raw);
  add_secret(f.secrets, value);
  for (const auto& s : inner.secrets) add_secret(f.secrets, s);
}

// libpq's conninfo_parse, step for step: keyword, optional blanks, '=', optional
// blanks, then a value up to a blank (backslash escapes the next character) or
// 'quoted' (backslash escapes, a quote ends it).
Found analyse_keyword_value(std::string_view s, int depth) {
  Found f;
  const std::size_t n = s.size();
  std::size_t i = 0;
  bool after_secret = false;  // the previous value was a secret's: a stray word after it may be the rest of it
  while (i < n) {
    if (is_space(s[i])) {
      ++i;
      continue;
    }
    const std::size_t name_begin = i;
    while (i < n && s[i] != '=' && !is_space(s[i])) ++i;
    const std::string_view name = s.substr(name_begin, i - name_begin);
    while (i < n && is_space(s[i])) ++i;
    if (!after_secret && std::find(f.names.begin(), f.names.end(), name) == f.names.end()) f.names.emplace_back(name);
    const bool known = std::find(libpq_keywords().begin(), libpq_keywords().end(), name) != libpq_keywords().end();
    const bool has_value = i < n && s[i] == '=';
    if (!has_value || !known) {
      // libpq stops here, and its message quotes `name`: after a secret, it may be the
      // rest of it (password=two words). Read on all the same, for any secret after it.
      f.parsed = false;
      if (after_secret) add_secret(f.secrets, name);
      if (!has_value) continue;
    }
    ++i;
    while (i < n && is_space(s[i])) ++i;
    const std::size_t value_begin = i;
    std::string value;
    bool closed = true;
    if (i < n && s[i] == '\'') {
      ++i;
      closed = false;
      while (i < n) {
        if (s[i] == '\\') {
          ++i;
          if (i < n) value.push_back(s[i++]);
          continue;
        }
        if (s[i] == '\'') {
          ++i;
          closed = true;
          break;
        }
        value.push_back(s[i++]);
      }
    } else {
      while (i < n && !is_space(s[i])) {
        if (s[i] == '\\') {
          ++i;
          if (i < n) value.push_back(s[i++]);
        } else {
          value.push_back(s[i++]);
        }
      }
    }
    const Span span{value_begin, i};
    const std::string_view raw = s.substr(value_begin, i - value_begin);
    after_secret = false;
    if (is_secret_keyword(name)) {
      if (!value.empty() || !closed) {
        f.spans.push_back(span);
        add_secret(f.secrets, raw);
        if (raw.size() >= 2 && raw.front() == '\'') add_secret(f.secrets, raw.substr(1, raw.size() - (closed ? 2 : 1)));
        add_secret(f.secrets, value);
      }
      after_secret = true;
    } else if (name == "dbname") {
      check_dbname(raw, value, span, f, depth);
    }
    if (!closed) {
      // libpq: unterminated quoted string. What the quote swallowed may hold a secret.
      f.parsed = false;
      if (!is_secret_keyword(name) && raw.size() > 1)
        for (const auto& secret : analyse_keyword_value(raw.substr(1), depth + 1).secrets)
          add_secret(f.secrets, secret);
      return f;
    }
  }
  return f;
}

// libpq's conninfo_uri_parse, as far as secrets go. The user:password@ is found
// both as libpq finds it (up to the first '@' before any '/') and as a person may
// have meant it (up to the last '@' before the query), and the wider is hidden: a
// password with a stray '@' or '/' in it is hidden whole, however libpq splits it.
Found analyse_uri(std::string_view s, std::size_t start, int depth) {
  Found f;
  const std::size_t n = s.size();
  std::size_t at = std::string_view::npos;
  if (const std::size_t p = s.find_first_of("@/", start); p != std::string_view::npos && s[p] == '@') at = p;
  const std::size_t first_query = s.find('?', start);
  const std::size_t limit = first_query == std::string_view::npos ? n : first_query;
  if (limit > start) {
    const std::size_t last_at = s.substr(0, limit).rfind('@');
    if (last_at != std::string_view::npos && last_at >= start && (at == std::string_view::npos || last_at > at))
      at = last_at;
  }
  std::size_t rest = start;  // where the host (and after it the path and the query) begins
  if (at != std::string_view::npos) {
    const std::size_t colon = s.find(':', start);
    if (colon != std::string_view::npos && colon < at && colon + 1 < at) {
      const std::string_view raw = s.substr(colon + 1, at - colon - 1);
      f.spans.push_back({colon + 1, at});
      add_secret(f.secrets, raw);
      if (const auto decoded = percent_decoded(raw)) add_secret(f.secrets, *decoded);
    }
    rest = at + 1;
  }
  const std::size_t query = s.find('?', rest);
  const std::size_t hosts_end = query == std::string_view::npos ? n : query;
  // The path: a database name, percent-encoded.
  if (const std::size_t slash = s.find('/', rest); slash != std::string_view::npos && slash < hosts_end) {
    const std::string_view raw = s.substr(slash + 1, hosts_end - slash - 1);
    if (const auto decoded = percent_decoded(raw)) check_dbname(raw, *decoded, {slash + 1, hosts_end}, f, depth);
  }
  if (query == std::string_view::npos) return f;
  // key=value&key=value, each percent-encoded (the key too).
  std::size_t p = query + 1;
  while (p <= n) {
    std::size_t amp = s.find('&', p);
    if (amp == std::string_view::npos) amp = n;
    const std::string_view param = s.substr(p, amp - p);
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) {
      if (!param.empty() || amp < n) f.parsed = false;  // libpq: missing key/value separator
    } else {
      const std::string_view raw_key = param.substr(0, eq), raw_value = param.substr(eq + 1);
      const auto key = percent_decoded(raw_key);
      const auto value = percent_decoded(raw_value);
      if (!key || !value || raw_value.find('=') != std::string_view::npos) f.parsed = false;
      const Span span{p + eq + 1, amp};
      // A key that does not decode may name a secret: hidden all the same.
      if (!key || is_secret_keyword(*key)) {
        if (!raw_value.empty()) {
          f.spans.push_back(span);
          add_secret(f.secrets, raw_value);
          if (value) add_secret(f.secrets, *value);
        }
      } else if (*key == "dbname" && value) {
        check_dbname(raw_value, *value, span, f, depth);
      } else if (std::find(libpq_keywords().begin(), libpq_keywords().end(), *key) == libpq_keywords().end() &&
                 *key != "ssl") {
        f.parsed = false;  // libpq: invalid URI query parameter
      }
    }
    if (amp >= n) break;
    p = amp + 1;
  }
  return f;
}

Found analyse(std::string_view s, int depth) {
  if (const std::size_t prefix = uri_prefix_length(s); prefix != 0) return analyse_uri(s, prefix, depth);
  return analyse_keyword_value(s, depth);
}

}  // namespace

const std::vector<std::string_view>& libpq_keywords() {
  // clang-format off
  static const std::vector<std::string_view> keywords = {
      "service", "user", "password", "passfile", "channel_binding", "connect_timeout", "dbname", "host",
      "hostaddr", "port", "client_encoding", "options", "application_name", "fallback_application_name",
      "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
      "sslmode", "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslkeylogfile", "sslcertmode",
      "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "require_auth",
      "min_protocol_version", "max_protocol_version", "ssl_min_protocol_version", "ssl_max_protocol_version",
      "gssencmode", "krbsrvname", "gsslib", "gssdelegation", "replication", "target_session_attrs",
      "load_balance_hosts", "scram_client_key", "scram_server_key", "oauth_issuer", "oauth_client_id",
      "oauth_client_secret", "oauth_scope", "requiressl",
  };
  // clang-format on
  return keywords;
}

bool is_secret_keyword(std::string_view keyword) {
  return keyword == "password" || keyword == "sslpassword" || keyword == "oauth_client_secret" ||
         keyword == "scram_client_key" || keyword == "scram_server_key";
}

bool looks_like_conninfo(std::string_view text) {
  return uri_prefix_length(text) != 0 || text.find('=') != std::string_view::npos;
}

DsnSecrets find_dsn_secrets(std::string_view dsn) {
  const Found f = analyse(dsn, 0);
  DsnSecrets out;
  out.parsed = f.parsed;
  out.secrets = f.secrets;
  // A name that is also a secret (password=x x=1) is not shown.
  for (const auto& name : f.names)
    if (std::find(f.secrets.begin(), f.secrets.end(), name) == f.secrets.end()) out.names.push_back(name);
  out.redacted = f.parsed ? masked(dsn, f.spans) : std::string(kSecretMask);
  return out;
}

std::string redact_dsn(std::string_view dsn) { return find_dsn_secrets(dsn).redacted; }

std::string redact_argument(std::string_view argument) {
  // NAME=VALUE with a name of letters, digits, '_' and '-' (an environment
  // assignment, --option=VALUE): the value on its own, and PGPASSWORD's whole.
  if (const std::size_t eq = argument.find('='); eq != std::string_view::npos && eq > 0) {
    const std::string_view name = argument.substr(0, eq);
    const bool word = std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (word && !is_secret_keyword(name) &&
        std::find(libpq_keywords().begin(), libpq_keywords().end(), name) == libpq_keywords().end()) {
      const std::string_view value = argument.substr(eq + 1);
      if (name == "PGPASSWORD" && !value.empty()) return std::string(name) + "=" + std::string(kSecretMask);
      if (is_dsn_option(name)) return std::string(name) + "=" + redact_dsn(value);
      return std::string(name) + "=" + redact_argument(value);
    }
  }
  const Found f = analyse(argument, 0);
  if (f.secrets.empty()) return std::string(argument);
  return f.parsed ? masked(argument, f.spans) : std::string(kSecretMask);
}

bool is_dsn_option(std::string_view option) { return option == "--dsn" || option == "--target-dsn"; }

std::vector<std::string> redacted_argv(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (is_dsn_option(argv[i]) && i + 1 < argv.size()) {
      out.push_back(argv[i]);
      out.push_back(redact_dsn(argv[++i]));
      continue;
    }
    out.push_back(redact_argument(argv[i]));
  }
  return out;
}

namespace {

struct Word {
  Span span;
  std::string value;
};

// The words of a POSIX shell command line: blanks separate them; '...' is literal,
// "..." keeps \" \\ \$ \` escaped, a backslash outside quotes escapes the next
// character. An unterminated quote runs to the end.
std::vector<Word> shell_words(std::string_view s) {
  std::vector<Word> words;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
      ++i;
      continue;
    }
    Word w;
    w.span.begin = i;
    while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') {
      const char c = s[i];
      if (c == '\'') {
        ++i;
        while (i < n && s[i] != '\'') w.value.push_back(s[i++]);
        if (i < n) ++i;
      } else if (c == '"') {
        ++i;
        while (i < n && s[i] != '"') {
          if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == '$' || s[i + 1] == '`'))
            ++i;
          w.value.push_back(s[i++]);
        }
        if (i < n) ++i;
      } else if (c == '\\') {
        ++i;
        if (i < n) w.value.push_back(s[i++]);
      } else {
        w.value.push_back(s[i++]);
      }
    }
    w.span.end = i;
    words.push_back(std::move(w));
  }
  return words;
}

}  // namespace

std::string redact_command_line(std::string_view command) {
  const std::vector<Word> words = shell_words(command);
  std::vector<std::string> argv;
  argv.reserve(words.size());
  for (const auto& w : words) argv.push_back(w.value);
  const std::vector<std::string> redacted = redacted_argv(argv);
  std::string out;
  std::size_t at = 0;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (redacted[k] == argv[k]) continue;
    out.append(command.substr(at, words[k].span.begin - at));
    out.append(shell_quoted(redacted[k]));
    at = words[k].span.end;
  }
  out.append(command.substr(at));
  return out;
}

std::string scrub_arguments(std::string message, const std::vector<std::string>& argv) {
  const std::vector<std::string> redacted = redacted_argv(argv);
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < argv.size(); ++i)
    if (redacted[i] != argv[i]) changed.push_back(i);
  std::sort(changed.begin(), changed.end(),
            [&](std::size_t a, std::size_t b) { return argv[a].size() > argv[b].size(); });
  std::vector<std::string> secrets;
  for (const std::size_t i : changed) {
    for (std::size_t at = message.find(argv[i]); at != std::string::npos;
         at = message.find(argv[i], at + redacted[i].size()))
      message.replace(at, argv[i].size(), redacted[i]);
    // The secrets of the argument itself, or of the value after --option= or NAME=.
    const std::size_t eq = argv[i].find('=');
    const std::string_view whole = argv[i];
    for (const std::string_view part : {whole, eq == std::string::npos ? whole : whole.substr(eq + 1)})
      for (auto& s : find_dsn_secrets(part).secrets) secrets.push_back(std::move(s));
  }
  return scrub_secrets(std::move(message), std::move(secrets));
}

std::string scrub_secrets(std::string text, std::vector<std::string> secrets) {
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& secret : secrets) {
    if (secret.empty() || secret == kSecretMask) continue;
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kSecretMask.size()))
      text.replace(at, secret.size(), kSecretMask);
  }
  return text;
}

}  // namespace benchlab
