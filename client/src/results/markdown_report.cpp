#include "results/markdown_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "measure/stats.hpp"
#include "results/artifact.hpp"
#include "results/number_format.hpp"
#include "strategies/strategy.hpp"

namespace benchlab::results {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- the part of an artifact the report shows --------------------------------

struct Range {
  double median = 0, min = 0, max = 0;
};

struct Benchmark {
  std::uint64_t limit = 0;
  std::string strategy;
  std::string status;  // ok | mismatch | error | incomplete | unverified ("" when absent)
  std::size_t runs_completed = 0;
  std::optional<Range> rows_per_sec, peak_rss, ttfr_ms, cpu_user_s, cpu_sys_s, server_cpu_user_s, server_cpu_sys_s;
  std::optional<double> worker_rss, parent_rss;  // medians; worker: forked workers only
  std::size_t forked_workers = 0;
  std::optional<double> ratio_to_ceiling;
  std::optional<double> p99_ms;  // median over the runs of each run's p99 batch latency
  std::optional<bool> rows_match, checksum_match;
  std::vector<std::string> errors;
};

struct Ceiling {
  std::string format;
  double rows_per_sec = 0;  // median
  std::optional<double> mb_per_sec;
};

struct Scan {
  double elapsed_s = 0, cpu_user_s = 0, cpu_sys_s = 0;
  std::uint64_t rows = 0;
};

struct Size {
  std::uint64_t limit = 0;
  std::vector<Ceiling> ceilings;
  std::optional<Scan> scan;
  std::vector<std::string> notes;
};

struct Artifact {
  std::string file, stem;  // file name (heading), and without .json (summary columns)
  std::string date, cpu_model, pg_version, dsn, profile, format, strict_failure;
  std::uint64_t cores = 0, workers = 0, runs = 0;
  double memory_bytes = 0;
  bool throwaway = false, complete = true;
  std::optional<std::uint64_t> warmup, batch_rows, signal;
  std::vector<Benchmark> benchmarks;
  std::vector<Size> sizes;
};

// ---- reading, with a one-line error naming the file and the field ---------

enum class Kind { object, array, string, number, count, boolean };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::object:
      return "an object";
    case Kind::array:
      return "an array";
    case Kind::string:
      return "a string";
    case Kind::number:
      return "a number";
    case Kind::count:
      return "a non-negative integer";
    case Kind::boolean:
      return "true or false";
  }
  return "?";
}

bool is_kind(const json& j, Kind k) {
  switch (k) {
    case Kind::object:
      return j.is_object();
    case Kind::array:
      return j.is_array();
    case Kind::string:
      return j.is_string();
    case Kind::number:
      return j.is_number();
    case Kind::count:
      return j.is_number_unsigned();
    case Kind::boolean:
      return j.is_boolean();
  }
  return false;
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw ReportInputError(fmt::format("report: {}: {}", file_, what));
  }

  static std::string join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }

  // A field the report needs: present, not null, of this kind.
  const json& need(const json& obj, const std::string& path, const char* key, Kind kind) const {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) fail("missing " + join(path, key));
    if (!is_kind(*it, kind)) fail(fmt::format("{} is not {}", join(path, key), kind_name(kind)));
    return *it;
  }

  // A field the report can do without: absent or null gives nullptr; a wrong kind is still an error.
  const json* maybe(const json& obj, const std::string& path, const char* key, Kind kind) const {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    if (!is_kind(*it, kind)) fail(fmt::format("{} is not {}", join(path, key), kind_name(kind)));
    return &*it;
  }

  // {median, min, max}, or nullopt when not measured.
  std::optional<Range> range(const json& obj, const std::string& path, const char* key) const {
    const json* r = maybe(obj, path, key, Kind::object);
    if (r == nullptr) return std::nullopt;
    const std::string where = join(path, key);
    return Range{need(*r, where, "median", Kind::number).get<double>(),
                 need(*r, where, "min", Kind::number).get<double>(),
                 need(*r, where, "max", Kind::number).get<double>()};
  }

  std::string string_or(const json& obj, const std::string& path, const char* key, std::string fallback) const {
    const json* s = maybe(obj, path, key, Kind::string);
    return s ? s->get<std::string>() : std::move(fallback);
  }

  std::vector<std::string> strings(const json& obj, const std::string& path, const char* key) const {
    std::vector<std::string> out;
    if (const json* a = maybe(obj, path, key, Kind::array))
      for (const auto& e : *a) out.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    return out;
  }

 private:
  std::string file_;
};

json load_json(const fs::path& path, const Reader& rd) {
  std::error_code ec;
  if (!fs::exists(path, ec)) rd.fail("no such file");
  if (fs::is_directory(path, ec)) rd.fail("is a directory, not an artifact");
  std::ifstream in(path, std::ios::binary);
  if (!in) rd.fail(fmt::format("cannot read it ({})", std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::parse_error& e) {
    rd.fail(fmt::format("not JSON (syntax error at byte {})", e.byte));
  }
}

// True when some run measured `key` (a summary over no values is written as zeros).
bool measured(const json* runs, const char* key) {
  if (runs == nullptr) return true;  // no per-run figures: trust the summary
  return std::any_of(runs->begin(), runs->end(), [&](const json& r) {
    const auto it = r.is_object() ? r.find(key) : r.end();
    return it != r.end() && it->is_number();
  });
}

Benchmark read_benchmark(const Reader& rd, const json& b, const std::string& path) {
  Benchmark out;
  out.limit = rd.need(b, path, "limit", Kind::count).get<std::uint64_t>();
  out.strategy = rd.need(b, path, "strategy", Kind::string).get<std::string>();
  if (!b.contains("throughput_rows_per_sec")) rd.fail("missing " + Reader::join(path, "throughput_rows_per_sec"));
  out.status = rd.string_or(b, path, "status", "");
  const json* runs = rd.maybe(b, path, "runs", Kind::array);
  if (const json* n = rd.maybe(b, path, "runs_completed", Kind::count))
    out.runs_completed = n->get<std::size_t>();
  else
    out.runs_completed = runs ? runs->size() : 0;
  out.errors = rd.strings(b, path, "errors");
  if (const json* m = rd.maybe(b, path, "rows_match", Kind::boolean)) out.rows_match = m->get<bool>();
  if (const json* m = rd.maybe(b, path, "checksum_match", Kind::boolean)) out.checksum_match = m->get<bool>();
  if (out.runs_completed == 0) return out;  // nothing measured: every figure stays "–"

  out.rows_per_sec = rd.range(b, path, "throughput_rows_per_sec");
  auto figure = [&](const char* key) { return measured(runs, key) ? rd.range(b, path, key) : std::nullopt; };
  out.peak_rss = figure("peak_rss_bytes");
  out.ttfr_ms = figure("ttfr_ms");
  out.cpu_user_s = figure("cpu_user_s");
  out.cpu_sys_s = figure("cpu_sys_s");
  out.server_cpu_user_s = figure("server_cpu_user_s");
  out.server_cpu_sys_s = figure("server_cpu_sys_s");
  if (auto w = figure("worker_peak_rss_bytes")) out.worker_rss = w->median;
  if (auto p = figure("parent_peak_rss_bytes")) out.parent_rss = p->median;
  if (const json* r = rd.maybe(b, path, "ratio_to_wire_ceiling", Kind::number)) out.ratio_to_ceiling = r->get<double>();
  if (runs != nullptr) {
    std::vector<double> p99;
    for (const auto& r : *runs) {
      if (!r.is_object()) continue;
      if (const auto lat = r.find("latency_ms"); lat != r.end() && lat->is_object())
        if (const auto v = lat->find("p99"); v != lat->end() && v->is_number()) p99.push_back(v->get<double>());
      if (const auto each = r.find("worker_peak_rss_bytes_each"); each != r.end() && each->is_array())
        out.forked_workers = std::max(out.forked_workers, each->size());
    }
    if (!p99.empty()) out.p99_ms = summarize(std::move(p99)).median;
  }
  return out;
}

Size read_size(const Reader& rd, const json& s, const std::string& path, const std::string& format) {
  Size out;
  out.limit = rd.need(s, path, "limit", Kind::count).get<std::uint64_t>();
  const std::string wpath = Reader::join(path, "wire_ceiling");
  const json& wire = rd.need(s, path, "wire_ceiling", Kind::object);
  for (const auto& [name, w] : wire.items()) {
    const std::string where = Reader::join(wpath, name.c_str());
    if (!w.is_object()) rd.fail(where + " is not an object");
    Ceiling c;
    c.format = name;
    c.rows_per_sec = rd.need(rd.need(w, where, "rows_per_sec", Kind::object), Reader::join(where, "rows_per_sec"),
                             "median", Kind::number)
                         .get<double>();
    if (auto mb = rd.range(w, where, "mb_per_sec")) c.mb_per_sec = mb->median;
    out.ceilings.push_back(std::move(c));
  }
  // The artifact's own format first: the ratios are to it.
  std::stable_partition(out.ceilings.begin(), out.ceilings.end(), [&](const Ceiling& c) { return c.format == format; });
  if (const json* scan = rd.maybe(s, path, "server_scan", Kind::object)) {
    const std::string where = Reader::join(path, "server_scan");
    out.scan = Scan{rd.need(*scan, where, "elapsed_s", Kind::number).get<double>(),
                    rd.need(*scan, where, "cpu_user_s", Kind::number).get<double>(),
                    rd.need(*scan, where, "cpu_sys_s", Kind::number).get<double>(),
                    rd.need(*scan, where, "rows", Kind::count).get<std::uint64_t>()};
  }
  out.notes = rd.strings(s, path, "notes");
  return out;
}

Artifact read_artifact(const fs::path& path) {
  const Reader rd(path.string());
  const json doc = load_json(path, rd);
  if (!doc.is_object()) rd.fail("not a benchclient artifact (the top level is not an object)");
  Artifact a;
  a.file = path.filename().string();
  a.stem = path.stem().string();

  const json& ctx = rd.need(doc, "", "context", Kind::object);
  const auto version = rd.need(ctx, "context", "schema_version", Kind::count).get<std::uint64_t>();
  if (version > static_cast<std::uint64_t>(kSchemaVersion))
    rd.fail(
        fmt::format("context.schema_version {} is newer than this benchclient reads ({})", version, kSchemaVersion));
  a.date = rd.need(ctx, "context", "date", Kind::string).get<std::string>();
  const json& host = rd.need(ctx, "context", "host", Kind::object);
  a.cpu_model = rd.need(host, "context.host", "cpu_model", Kind::string).get<std::string>();
  a.cores = rd.need(host, "context.host", "cores", Kind::count).get<std::uint64_t>();
  a.memory_bytes = rd.need(host, "context.host", "memory_bytes", Kind::number).get<double>();
  const json& pg = rd.need(ctx, "context", "postgresql", Kind::object);
  a.pg_version = rd.need(pg, "context.postgresql", "version", Kind::string).get<std::string>();
  const json& target = rd.need(ctx, "context", "target", Kind::object);
  a.dsn = rd.need(target, "context.target", "dsn", Kind::string).get<std::string>();
  if (const json* t = rd.maybe(target, "context.target", "throwaway_cluster", Kind::boolean))
    a.throwaway = t->get<bool>();
  a.profile = rd.string_or(target, "context.target", "profile", "");
  const json& options = rd.need(ctx, "context", "options", Kind::object);
  a.format = rd.need(options, "context.options", "format", Kind::string).get<std::string>();
  a.workers = rd.need(options, "context.options", "workers", Kind::count).get<std::uint64_t>();
  a.runs = rd.need(options, "context.options", "runs", Kind::count).get<std::uint64_t>();
  if (const json* w = rd.maybe(options, "context.options", "warmup", Kind::count)) a.warmup = w->get<std::uint64_t>();
  if (const json* b = rd.maybe(options, "context.options", "batch_rows", Kind::count))
    a.batch_rows = b->get<std::uint64_t>();

  if (const json* status = rd.maybe(doc, "", "status", Kind::object)) {
    if (const json* c = rd.maybe(*status, "status", "complete", Kind::boolean)) a.complete = c->get<bool>();
    if (const json* s = rd.maybe(*status, "status", "interrupted_by_signal", Kind::count))
      a.signal = s->get<std::uint64_t>();
    a.strict_failure = rd.string_or(*status, "status", "strict_failure", "");
  }

  const json& benchmarks = rd.need(doc, "", "benchmarks", Kind::array);
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    const std::string where = fmt::format("benchmarks[{}]", i);
    if (!benchmarks[i].is_object()) rd.fail(where + " is not an object");
    a.benchmarks.push_back(read_benchmark(rd, benchmarks[i], where));
  }
  const json& sizes = rd.need(doc, "", "sizes", Kind::array);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::string where = fmt::format("sizes[{}]", i);
    if (!sizes[i].is_object()) rd.fail(where + " is not an object");
    a.sizes.push_back(read_size(rd, sizes[i], where, a.format));
  }
  return a;
}

// ---- writing ------------------------------------------------------------------

constexpr const char* kNone = "–";

// Table cells must not break the row.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    if (c == '\n') c = ' ';
    out += c;
  }
  return out;
}

std::string row(const std::vector<std::string>& cells) {
  std::string s = "|";
  for (const auto& c : cells) s += " " + c + " |";
  return s + "\n";
}

std::string mark(std::optional<bool> ok) { return ok ? (*ok ? "✓" : "✗") : kNone; }

std::string pair_s(const std::optional<Range>& user, const std::optional<Range>& sys) {
  if (!user || !sys) return kNone;
  return fmt::format("{:.2f}/{:.2f} s", user->median, sys->median);
}

// The status when it is not plain ok, for the match column and the summary.
std::string status_note(const Benchmark& b, std::uint64_t runs) {
  if (b.status.empty() || b.status == "ok") return "";
  if (b.status == "incomplete") return fmt::format(" ({}, {}/{} runs)", b.status, b.runs_completed, runs);
  return fmt::format(" ({})", b.status);
}

std::vector<std::uint64_t> limits_of(const Artifact& a) {
  std::vector<std::uint64_t> out;
  for (const auto& s : a.sizes)
    if (std::find(out.begin(), out.end(), s.limit) == out.end()) out.push_back(s.limit);
  for (const auto& b : a.benchmarks)
    if (std::find(out.begin(), out.end(), b.limit) == out.end()) out.push_back(b.limit);
  return out;
}

void write_artifact_section(std::string& out, const Artifact& a) {
  auto add = [&out](const std::string& s) { out += s; };
  add(fmt::format("\n## {}\n\n", a.file));
  add(fmt::format("- **Date:** {}\n", a.date));
  add(fmt::format("- **Host:** {}, {} cores, {}B memory\n", a.cpu_model, a.cores, si(a.memory_bytes)));
  add(fmt::format("- **PostgreSQL:** {}\n", a.pg_version));
  if (a.throwaway)
    add(fmt::format("- **Server:** throwaway cluster, profile `{}`\n", a.profile.empty() ? "?" : a.profile));
  else
    add(fmt::format("- **Server:** `{}`\n", a.dsn));
  std::string shape = fmt::format("- **Format:** {} · **workers:** {} · **runs:** {}", a.format, a.workers, a.runs);
  if (a.warmup && *a.warmup > 0) shape += fmt::format(" (after {} warmup)", *a.warmup);
  if (a.batch_rows) shape += fmt::format(" · **batch rows:** {}", *a.batch_rows);
  add(shape + "\n");
  if (a.signal)
    add(fmt::format("- **Status:** interrupted by signal {}: the figures are what was measured\n", *a.signal));
  if (!a.strict_failure.empty()) add(fmt::format("- **Status:** stopped by the strict policy: {}\n", a.strict_failure));
  if (!a.complete && !a.signal && a.strict_failure.empty()) add("- **Status:** incomplete\n");

  bool any_split = false;
  for (const std::uint64_t limit : limits_of(a)) {
    add(fmt::format("\n### {} rows\n\n", limit));
    const auto size = std::find_if(a.sizes.begin(), a.sizes.end(), [&](const Size& s) { return s.limit == limit; });
    if (size == a.sizes.end() || size->ceilings.empty()) {
      add("- Wire ceiling: not recorded\n");
    } else {
      std::vector<std::string> parts;
      for (const auto& c : size->ceilings)
        parts.push_back(fmt::format("{} {} rows/s{}", c.format, si(c.rows_per_sec),
                                    c.mb_per_sec ? fmt::format(" ({:.1f} MB/s)", *c.mb_per_sec) : std::string()));
      add(fmt::format("- Wire ceiling (COPY … TO STDOUT, medians): {}; ratios below are to {}\n",
                      fmt::join(parts, ", "), a.format));
    }
    if (size != a.sizes.end()) {
      if (size->scan)
        add(fmt::format("- server_scan (the server alone): {:.3f} s, CPU {:.3f}/{:.3f} s user/sys, {} rows\n",
                        size->scan->elapsed_s, size->scan->cpu_user_s, size->scan->cpu_sys_s, size->scan->rows));
      else
        add("- server_scan: not measured\n");
      for (const auto& n : size->notes) add(fmt::format("- note: {}\n", n));
    }
    add("\n");
    add(row({"strategy", "rows/s (median)", "min … max", "/ wire ceiling", "peak RSS (median)", "TTFR (median)",
             "client CPU u/s", "server CPU u/s", "p99 batch", "rows / checksum"}));
    add("|:--|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n");
    std::vector<const Benchmark*> here;
    for (const auto& b : a.benchmarks)
      if (b.limit == limit) here.push_back(&b);
    for (const Benchmark* b : here) {
      std::string rss = kNone;
      if (b->peak_rss) {
        rss = mib(b->peak_rss->median);
        if (b->worker_rss) {
          rss += worker_rss_split(b->forked_workers, *b->worker_rss, b->parent_rss);
          any_split = true;
        }
      }
      add(row({cell(b->strategy), b->rows_per_sec ? si(b->rows_per_sec->median) : kNone,
               b->rows_per_sec ? fmt::format("{} … {}", si(b->rows_per_sec->min), si(b->rows_per_sec->max)) : kNone,
               b->ratio_to_ceiling ? fmt::format("{:.2f}×", *b->ratio_to_ceiling) : kNone, rss,
               b->ttfr_ms ? fmt::format("{:.1f} ms", b->ttfr_ms->median) : kNone, pair_s(b->cpu_user_s, b->cpu_sys_s),
               pair_s(b->server_cpu_user_s, b->server_cpu_sys_s),
               b->p99_ms ? fmt::format("{:.1f} ms", *b->p99_ms) : kNone,
               fmt::format("{} / {}{}", mark(b->rows_match), mark(b->checksum_match), status_note(*b, a.runs))}));
    }
    for (const Benchmark* b : here)
      for (const auto& e : b->errors) add(fmt::format("\n- **{}** error: {}", b->strategy, e));
    if (std::any_of(here.begin(), here.end(), [](const Benchmark* b) { return !b->errors.empty(); })) add("\n");
  }
  if (any_split)
    add("\nPeak RSS (n×MiB + parent): the largest forked worker's own peak (ru_maxrss, which includes the pages "
        "it inherited at fork) and the parent's own sampled peak.\n");
}

void write_summary(std::string& out, const std::vector<Artifact>& artifacts) {
  struct Column {
    const Artifact* artifact;
    std::uint64_t limit;
  };
  std::vector<Column> columns;
  std::vector<std::string> strategies;
  for (const auto& a : artifacts) {
    for (const std::uint64_t limit : limits_of(a)) columns.push_back({&a, limit});
    for (const auto& b : a.benchmarks)
      if (std::find(strategies.begin(), strategies.end(), b.strategy) == strategies.end())
        strategies.push_back(b.strategy);
  }
  // The tables' usual order; names this benchclient does not know go last.
  const auto& known = strategy_names();
  auto rank = [&](const std::string& name) { return std::find(known.begin(), known.end(), name) - known.begin(); };
  std::stable_sort(strategies.begin(), strategies.end(),
                   [&](const std::string& x, const std::string& y) { return rank(x) < rank(y); });
  out += "\n## Summary: rows/s (median)\n\n";
  std::vector<std::string> header{"strategy"};
  for (const auto& c : columns)
    header.push_back(cell(fmt::format("{} · {} rows · {} · {} workers", c.artifact->stem, c.limit, c.artifact->format,
                                      c.artifact->workers)));
  out += row(header);
  std::string align = "|:--|";
  for (std::size_t i = 0; i < columns.size(); ++i) align += "--:|";
  out += align + "\n";
  for (const auto& name : strategies) {
    std::vector<std::string> cells{cell(name)};
    for (const auto& c : columns) {
      const auto& bs = c.artifact->benchmarks;
      const auto b = std::find_if(bs.begin(), bs.end(),
                                  [&](const Benchmark& x) { return x.strategy == name && x.limit == c.limit; });
      if (b == bs.end())
        cells.emplace_back(kNone);
      else
        cells.push_back((b->rows_per_sec ? si(b->rows_per_sec->median) : std::string(kNone)) +
                        status_note(*b, c.artifact->runs));
    }
    out += row(cells);
  }
  // The ceiling each column was judged against: text and binary differ.
  std::vector<std::string> ceiling{"*wire ceiling (COPY)*"};
  for (const auto& c : columns) {
    const auto& ss = c.artifact->sizes;
    const auto s = std::find_if(ss.begin(), ss.end(), [&](const Size& x) { return x.limit == c.limit; });
    const bool has = s != ss.end() && !s->ceilings.empty() && s->ceilings.front().format == c.artifact->format;
    ceiling.push_back(has ? fmt::format("*{}*", si(s->ceilings.front().rows_per_sec)) : std::string(kNone));
  }
  out += row(ceiling);
}

}  // namespace

std::string markdown_report(const std::vector<fs::path>& files) {
  std::vector<Artifact> artifacts;
  for (const auto& f : files) artifacts.push_back(read_artifact(f));

  std::string out = "# benchclient report\n\n";
  std::vector<std::string> names;
  for (const auto& a : artifacts) names.push_back(a.file);
  out += fmt::format(
      "From {} artifact{}: {}. Figures are medians over the measured runs; \"/ wire ceiling\" is the median of each "
      "run's rows/s ÷ its own round's COPY drain in the same wire format; CPU is user/sys seconds; p99 batch is the "
      "median over the runs of each run's 99th-percentile batch latency.\n",
      artifacts.size(), artifacts.size() == 1 ? "" : "s", fmt::join(names, ", "));
  for (const auto& a : artifacts) write_artifact_section(out, a);
  if (artifacts.size() > 1) write_summary(out, artifacts);
  return out;
}

}  // namespace benchlab::results
