#include "store/targets_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <regex>
#include <string>

#include "store/json_fields.hpp"

namespace benchlab {

namespace {

using namespace json_fields;

// Every key a target may have: a misspelt one would silently widen what it matches.
constexpr std::string_view kKeys[] = {"title", "metric",   "at_most",     "at_least",      "strategies", "format",
                                      "rows",  "profiles", "concurrency", "payload_bytes", "command"};

Target target_of(const Json& j) {
  if (!j.is_object()) fail(fmt::format("{} is not an object", current_path()));
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
      fail(fmt::format("{}.{} is not a field of a target (give: {})", current_path(), key,
                       fmt::join(std::begin(kKeys), std::end(kKeys), ", ")));
  }
  Target t;
  need(j, "title", t.title);
  std::string metric;
  need(j, "metric", metric);
  if (const auto m = target_metric_named(metric))
    t.metric = *m;
  else
    fail(fmt::format("{}.metric \"{}\" is not a metric (give one of: {})", current_path(), metric,
                     fmt::join(target_metric_names(), ", ")));
  maybe(j, "at_most", t.at_most);
  maybe(j, "at_least", t.at_least);
  if (!t.at_most && !t.at_least) fail(fmt::format("{} has neither at_most nor at_least", current_path()));
  if (t.at_most && t.at_least && *t.at_least > *t.at_most)
    fail(fmt::format("{}: at_least {} is above at_most {}: no value meets both", current_path(), *t.at_least,
                     *t.at_most));
  maybe(j, "strategies", t.strategies);
  std::string format;
  maybe(j, "format", format);
  if (!format.empty()) {
    t.format = wire_format_named(format);
    if (!t.format) fail(fmt::format("{}.format \"{}\": give text or binary", current_path(), format));
  }
  maybe(j, "rows", t.rows);
  maybe(j, "profiles", t.profiles);
  // Read wide, so a value past an int is refused rather than wrapped.
  auto levels = [&](const char* key, std::vector<int>& out) {
    std::vector<std::uint64_t> wide;
    maybe(j, key, wide);
    for (const std::uint64_t v : wide) {
      if (v > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        fail(fmt::format("{}.{}: {} is out of range", current_path(), key, v));
      out.push_back(static_cast<int>(v));
    }
  };
  levels("concurrency", t.concurrency);
  levels("payload_bytes", t.payload_bytes);
  maybe(j, "command", t.command);
  if (!t.command.empty()) {
    try {
      (void)std::regex(t.command, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      fail(fmt::format("{}.command is not a regular expression (ECMAScript)", current_path()));
    }
  }
  const bool queue = is_queue_metric(t.metric);
  if (queue && (!t.strategies.empty() || t.format || !t.rows.empty()))
    fail(fmt::format("{}: {} is a queue metric; select its levels with profiles, concurrency and payload_bytes",
                     current_path(), metric));
  if (!queue && (!t.profiles.empty() || !t.concurrency.empty() || !t.payload_bytes.empty()))
    fail(fmt::format("{}: {} is a read metric; select with strategies, format and rows", current_path(), metric));
  return t;
}

}  // namespace

std::vector<Target> read_targets_file(const std::filesystem::path& path) {
  using namespace json_fields;
  const std::string file = path.string();
  const Json doc = read_json_file<TargetsFileError>(path, "a targets file", "");
  t_path.clear();
  try {
    if (!doc.is_object()) fail("is not an object with a \"targets\" array");
    const auto it = doc.find("targets");
    if (it == doc.end()) fail("missing targets (an array of targets)");
    if (!it->is_array()) fail("targets is not an array (of targets)");
    std::vector<Target> out;
    PathSegment seg("targets");
    for (std::size_t i = 0; i < it->size(); ++i) {
      PathSegment index(fmt::format("[{}]", i));
      out.push_back(target_of((*it)[i]));
    }
    return out;
  } catch (const FieldError& e) {
    t_path.clear();
    throw TargetsFileError(fmt::format("{}: {}", file, e.what()));
  }
}

}  // namespace benchlab
