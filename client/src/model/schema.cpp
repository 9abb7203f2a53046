#include "model/schema.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace benchlab {

namespace {

std::string relkind_name(char relkind) {
  switch (relkind) {
    case 'r':
      return "a table";
    case 'p':
      return "a partitioned table";
    case 'v':
      return "a view";
    case 'm':
      return "a materialized view";
    case 'f':
      return "a foreign table";
    default:
      return fmt::format("relkind '{}'", relkind);
  }
}

const ColumnSchema* find_column(const TableSchema& t, const std::string& name) {
  const auto it =
      std::find_if(t.columns.begin(), t.columns.end(), [&](const ColumnSchema& c) { return c.name == name; });
  return it == t.columns.end() ? nullptr : &*it;
}

// The names of `t`'s columns that `other` has too, in `t`'s order.
std::vector<std::string> common_order(const TableSchema& t, const TableSchema& other) {
  std::vector<std::string> out;
  for (const auto& c : t.columns)
    if (find_column(other, c.name) != nullptr) out.push_back(c.name);
  return out;
}

std::string nullability(bool not_null) { return not_null ? "NOT NULL" : "nullable"; }
std::string collation_name(const std::string& c) { return c.empty() ? "the default collation" : '"' + c + '"'; }
std::string key_name(const std::string& k) { return k.empty() ? "none" : '"' + k + '"'; }
std::string key_list(const std::vector<std::string>& cols) {
  return cols.empty() ? "none" : fmt::format("({})", fmt::join(cols, ", "));
}

}  // namespace

std::vector<std::string> schema_differences(const TableSchema& expected, const TableSchema& actual) {
  std::vector<std::string> out;
  if (expected.table != actual.table)
    out.push_back(fmt::format("table: the file describes {}, the run reads {}", expected.table, actual.table));
  if (expected.relkind != actual.relkind)
    out.push_back(fmt::format("kind changed: {} was {}, is {}", actual.table, relkind_name(expected.relkind),
                              relkind_name(actual.relkind)));
  for (const auto& c : expected.columns)
    if (find_column(actual, c.name) == nullptr)
      out.push_back(fmt::format("column \"{}\" removed ({})", c.name, c.type));
  for (const auto& c : actual.columns)
    if (find_column(expected, c.name) == nullptr)
      out.push_back(fmt::format("column \"{}\" added ({}{})", c.name, c.type, c.not_null ? " NOT NULL" : ""));
  if (const auto was = common_order(expected, actual), now = common_order(actual, expected); was != now)
    out.push_back(fmt::format("columns reordered: were {}, are {}", fmt::join(was, ", "), fmt::join(now, ", ")));
  for (const auto& e : expected.columns) {
    const ColumnSchema* a = find_column(actual, e.name);
    if (a == nullptr) continue;
    if (e.type != a->type) out.push_back(fmt::format("column \"{}\" type changed: {} -> {}", e.name, e.type, a->type));
    if (e.not_null != a->not_null)
      out.push_back(fmt::format("column \"{}\" nullability changed: {} -> {}", e.name, nullability(e.not_null),
                                nullability(a->not_null)));
    if (e.collation != a->collation)
      out.push_back(fmt::format("column \"{}\" collation changed: {} -> {}", e.name, collation_name(e.collation),
                                collation_name(a->collation)));
  }
  if (expected.key != actual.key)
    out.push_back(fmt::format("key changed: {} -> {}", key_name(expected.key), key_name(actual.key)));
  if (expected.primary_key != actual.primary_key)
    out.push_back(
        fmt::format("primary key changed: {} -> {}", key_list(expected.primary_key), key_list(actual.primary_key)));
  return out;
}

}  // namespace benchlab
