// Reading JSON into model types field by field, so an error names the field's
// path ("benchmarks[2].runs[0].rows is not a non-negative integer", "missing
// columns[1].type"): every field through need() or maybe(), nested objects and
// arrays through PathSegment. Shared by the artifact and the schema file readers,
// which add the file's name to the FieldError they catch.
#pragma once

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace benchlab::json_fields {

using Json = nlohmann::ordered_json;

// One line: the field's path and what is wrong with it.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The path of the field being read ("benchmarks[2].runs[0].rows"), one per thread.
inline thread_local std::vector<std::string> t_path;

struct PathSegment {
  explicit PathSegment(std::string segment) { t_path.push_back(std::move(segment)); }
  ~PathSegment() { t_path.pop_back(); }
  PathSegment(const PathSegment&) = delete;
  PathSegment& operator=(const PathSegment&) = delete;
};

inline std::string current_path() {
  std::string out;
  for (const auto& s : t_path) {
    if (!out.empty() && s.front() != '[') out += '.';
    out += s;
  }
  return out;
}

[[noreturn]] inline void fail(const std::string& what) { throw FieldError(what); }

template <typename T>
struct is_vector : std::false_type {};
template <typename T>
struct is_vector<std::vector<T>> : std::true_type {};
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

template <typename T>
const char* kind_name() {
  if constexpr (std::is_same_v<T, bool>)
    return "true or false";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "an integer";
  else if constexpr (std::is_integral_v<T>)
    return "a non-negative integer";
  else if constexpr (std::is_floating_point_v<T>)
    return "a number";
  else if constexpr (std::is_same_v<T, std::string>)
    return "a string";
  else if constexpr (is_vector<T>::value)
    return "an array";
  else
    return "an object";
}

template <typename T>
bool has_kind(const Json& j) {
  if constexpr (std::is_same_v<T, bool>)
    return j.is_boolean();
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return j.is_number_integer();
  else if constexpr (std::is_integral_v<T>)
    return j.is_number_unsigned();
  else if constexpr (std::is_floating_point_v<T>)
    return j.is_number();
  else if constexpr (std::is_same_v<T, std::string>)
    return j.is_string();
  else if constexpr (is_vector<T>::value)
    return j.is_array();
  else
    return j.is_object();
}

template <typename T>
void read_value(const Json& j, T& out) {
  if constexpr (is_optional<T>::value) {
    if (j.is_null()) {
      out.reset();
      return;
    }
    typename T::value_type v{};
    read_value(j, v);
    out = std::move(v);
  } else {
    if (!has_kind<T>(j)) fail(fmt::format("{} is not {}", current_path(), kind_name<T>()));
    if constexpr (is_vector<T>::value) {
      out.clear();
      for (std::size_t i = 0; i < j.size(); ++i) {
        PathSegment index(fmt::format("[{}]", i));
        typename T::value_type v{};
        read_value(j[i], v);
        out.push_back(std::move(v));
      }
    } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) {
      out = j.get<T>();
    } else if constexpr (std::is_same_v<T, Json>) {
      out = j;
    } else {
      from_json(j, out);  // a model type: its own from_json, found by ADL
    }
  }
}

// A field the reader needs: present, not null, of its kind.
template <typename T>
void need(const Json& obj, const char* key, T& out) {
  PathSegment segment(key);
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) fail("missing " + current_path());
  read_value(*it, out);
}

// A field it can do without: absent or null leaves `out` as it is.
template <typename T>
void maybe(const Json& obj, const char* key, T& out) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return;
  PathSegment segment(key);
  read_value(*it, out);
}

// A whole JSON file, parsed; every way it can fail is one `Error` naming the file:
// missing (with `missing_hint`), a directory (not a `kind`), unreadable, not JSON.
template <typename Error>
Json read_json_file(const std::filesystem::path& path, std::string_view kind, std::string_view missing_hint) {
  const std::string file = path.string();
  auto fail_file = [&](const std::string& what) { throw Error(fmt::format("{}: {}", file, what)); };
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail_file(fmt::format("no such file{}", missing_hint));
  if (std::filesystem::is_directory(path, ec)) fail_file(fmt::format("is a directory, not {}", kind));
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_file(fmt::format("cannot read it ({})", std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return Json::parse(ss.str());
  } catch (const Json::parse_error& e) {
    fail_file(fmt::format("not JSON (syntax error at byte {})", e.byte));
  }
  return {};
}

}  // namespace benchlab::json_fields
