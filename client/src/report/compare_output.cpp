#include "report/compare_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "model/memory_plan.hpp"
#include "store/report_set.hpp"

namespace benchlab {

namespace {

using Json = nlohmann::ordered_json;

bool resumed(const RunFigures& r) { return r.recovery && r.recovery->parts_from_checkpoint > 0; }

// The runs' rows/s, less any run resumed from a --checkpoint.
std::vector<double> rates(const StrategyResult& s) {
  std::vector<double> out;
  for (const auto& r : s.runs)
    if (!resumed(r)) out.push_back(r.rows_per_sec);
  return out;
}

bool has(const std::vector<SizeKey>& sizes, const SizeKey& k) {
  return std::find(sizes.begin(), sizes.end(), k) != sizes.end();
}

// An artifact of one profile (or none: --dsn) keys its sizes by rows alone, so that
// two such artifacts compare whatever profile each ran on (a different profile is
// named among the context's differences); with several, the profile is part of it.
bool one_profile(const Artifact& a) {
  for (const auto& s : a.report.sizes)
    if (s.profile != a.report.sizes.front().profile) return false;
  return true;
}

SizeKey key_of(const Artifact& a, const SizeResult& s) { return {s.limit, one_profile(a) ? "" : s.profile}; }

const SizeResult* size_at(const Artifact& a, const SizeKey& k) {
  for (const auto& s : a.report.sizes)
    if (key_of(a, s) == k) return &s;
  return nullptr;
}

// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? std::string() : items.front();
  return fmt::format("{} and {}", fmt::join(items.begin(), items.end() - 1, ", "), items.back());
}

std::string sizes_list(const std::vector<SizeKey>& sizes) {
  std::vector<std::string> out;
  for (const auto& s : sizes) out.push_back(to_string(s));
  return and_list(out);
}

// The items left out, those of one reason (and, for strategies, one size) together:
// "100000 and 1000000 rows (only in new); naive and copy_stream at 500000 rows (only in base)".
std::string not_compared_text(const std::vector<NotCompared>& items) {
  std::vector<std::string> groups;
  std::vector<bool> done(items.size(), false);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (done[i]) continue;
    const NotCompared& x = items[i];
    const bool whole = x.strategy.empty();
    std::vector<std::string> names;
    for (std::size_t j = i; j < items.size(); ++j) {
      const NotCompared& y = items[j];
      if (done[j] || y.why != x.why || y.strategy.empty() != whole || (!whole && !(y.size == x.size))) continue;
      names.push_back(whole ? to_string(y.size) : y.strategy);
      done[j] = true;
    }
    groups.push_back(whole ? fmt::format("{} rows ({})", and_list(names), x.why)
                           : fmt::format("{} at {} rows ({})", and_list(names), to_string(x.size), x.why));
  }
  return fmt::format("{}", fmt::join(groups, "; "));
}

// The PostgreSQL major version: 15 of 150020 (10 and later), 9.6 of 90624.
std::string pg_major(int version_num) {
  if (version_num <= 0) return {};
  if (version_num >= 100000) return std::to_string(version_num / 10000);
  return fmt::format("{}.{}", version_num / 10000, version_num / 100 % 100);
}

std::string status_of(const Artifact& a) {
  if (!a.complete) return std::string(kIncompleteArtifact);
  if (a.report.interrupted_signal != 0)
    return fmt::format("interrupted by signal {}: its figures are what was measured", a.report.interrupted_signal);
  if (!a.report.strict_failure.empty()) return "stopped by the strict policy: its figures are what was measured";
  return {};
}

Json nullable_profile(const std::string& p) { return p.empty() ? Json(nullptr) : Json(p); }

}  // namespace

std::string ContextDifference::text() const { return fmt::format("{} {} vs {}", what, base, fresh); }

std::string to_string(const SizeKey& size) {
  return size.profile.empty() ? std::to_string(size.rows) : fmt::format("{} ({})", size.rows, size.profile);
}

std::vector<SizeKey> sizes_of(const Artifact& a) {
  std::vector<SizeKey> out;
  for (const auto& s : a.report.sizes)
    if (!has(out, key_of(a, s))) out.push_back(key_of(a, s));
  return out;
}

std::vector<std::string> dataset_differences(const Artifact& base, const Artifact& fresh) {
  std::vector<std::string> out;
  const Context &b = base.context, &n = fresh.context;
  auto differ = [&](const char* what, const std::string& x, const std::string& y) {
    if (x != y) out.push_back(fmt::format("{} {} vs {}", what, x, y));
  };
  differ("table", b.table_name, n.table_name);
  const auto whole = [](const Context& c) { return c.read.all_rows ? "the whole table" : "a row count"; };
  differ("rows", whole(b), whole(n));
  differ("format", std::string(to_string(b.read.format)), std::string(to_string(n.read.format)));
  differ("workers", std::to_string(b.read.workers), std::to_string(n.read.workers));
  differ("batch_rows", std::to_string(b.read.batch_rows), std::to_string(n.read.batch_rows));
  differ("split", std::string(to_string(b.read.split)), std::string(to_string(n.read.split)));
  return out;
}

std::vector<ContextDifference> context_differences(const Artifact& base, const Artifact& fresh) {
  std::vector<ContextDifference> out;
  const Context &b = base.context, &n = fresh.context;
  // Unknown on either side (an older artifact): nothing to say.
  auto differ = [&](std::string what, const std::string& x, const std::string& y, bool like) {
    if (x != y && !x.empty() && !y.empty()) out.push_back({std::move(what), x, y, like});
  };
  // Not like for like: a run that stopped before its last size/profile is no whole
  // measurement (of either side, even both), and the figures below would move with
  // the code unchanged.
  if (!base.complete || !fresh.complete)
    out.push_back(
        {"run", base.complete ? "complete" : "incomplete", fresh.complete ? "complete" : "incomplete", false});
  differ("machine", b.host.cpu_model, n.host.cpu_model, false);
  differ("CPU count", b.host.cores ? std::to_string(b.host.cores) : "",
         n.host.cores ? std::to_string(n.host.cores) : "", false);
  // The CPUs a side was pinned to (--client-cpus, --server-cpus): its CPU count, in effect.
  if (b.resources.client_pinned || n.resources.client_pinned)
    differ("client CPUs", b.resources.client_cpus, n.resources.client_cpus, false);
  if (b.resources.server_pinned || n.resources.server_pinned)
    differ("server CPUs", b.resources.server_cpus, n.resources.server_cpus, false);
  const auto where = [](const Context& c) {
    return server_on_this_host(c.target) ? "on the client's machine" : "on another host";
  };
  differ("server", where(b), where(n), false);
  const std::string bmajor = pg_major(b.server.version_num), nmajor = pg_major(n.server.version_num);
  differ("PostgreSQL major version", bmajor, nmajor, false);
  // Named; the verdicts stand.
  const auto version = [](const std::string& v) { return v.substr(0, v.find(' ')); };
  if (bmajor == nmajor) differ("PostgreSQL version", version(b.server.version), version(n.server.version), true);
  if (b.build.git_commit != n.build.git_commit)
    differ("benchlab commit", short_commit(b.build.git_commit), short_commit(n.build.git_commit), true);
  differ("benchlab extension", b.server.extension_version, n.server.extension_version, true);
  differ("settings profile", b.target.throwaway ? (b.target.profile.empty() ? "default" : b.target.profile) : "--dsn",
         n.target.throwaway ? (n.target.profile.empty() ? "default" : n.target.profile) : "--dsn", true);
  const auto settings = [&](const char* what, const auto& x, const auto& y) {
    if (x.empty() || y.empty()) return;  // not recorded on one side
    std::map<std::string, std::pair<std::string, std::string>> all;
    for (const auto& [k, v] : x) all[k].first = v;
    for (const auto& [k, v] : y) all[k].second = v;
    for (const auto& [k, v] : all)
      if (v.first != v.second)
        out.push_back({fmt::format("{} {}", what, k), v.first.empty() ? "(not set)" : v.first,
                       v.second.empty() ? "(not set)" : v.second, true});
  };
  settings("server setting", b.server.settings, n.server.settings);
  settings("session setting", b.server.session_settings, n.server.session_settings);
  differ("memory", b.host.memory_bytes ? format_bytes(b.host.memory_bytes) : "",
         n.host.memory_bytes ? format_bytes(n.host.memory_bytes) : "", true);
  differ("client memory cap", b.resources.client_memory_bytes ? format_bytes(b.resources.client_memory_bytes) : "none",
         n.resources.client_memory_bytes ? format_bytes(n.resources.client_memory_bytes) : "none", true);
  differ("kernel", b.host.kernel, n.host.kernel, true);
  differ("compiler", b.build.compiler, n.build.compiler, true);
  differ("libpq", b.build.libpq_version ? std::to_string(b.build.libpq_version) : "",
         n.build.libpq_version ? std::to_string(n.build.libpq_version) : "", true);
  // The unlike first: they are what the reader must see.
  std::stable_partition(out.begin(), out.end(), [](const ContextDifference& d) { return !d.like_for_like; });
  return out;
}

Comparison compare_artifacts(const Artifact& base, const Artifact& fresh, double threshold) {
  Comparison out;
  const std::vector<SizeKey> bsizes = sizes_of(base), nsizes = sizes_of(fresh);
  for (const auto& k : bsizes)
    if (!has(nsizes, k)) out.not_compared.push_back({k, "", "only in base"});
  for (const auto& k : nsizes)
    if (!has(bsizes, k)) out.not_compared.push_back({k, "", "only in new"});
  for (const auto& k : bsizes) {
    if (!has(nsizes, k)) continue;
    out.sizes.push_back(k);
    const SizeResult &bs = *size_at(base, k), &ns = *size_at(fresh, k);
    auto skip = [&](const std::string& strategy, std::string why) {
      out.not_compared.push_back({k, strategy, std::move(why)});
    };
    for (const auto& s : bs.strategies) {
      const StrategyResult* other = ns.strategy(s.strategy);
      if (other == nullptr) {
        skip(s.strategy, "only in base");
        continue;
      }
      if (is_unshared_control(s.strategy)) {
        skip(s.strategy, "a control without a shared snapshot: never compared");
        continue;
      }
      const std::vector<double> b = rates(s), n = rates(*other);
      if (b.empty() || n.empty()) {
        const bool base_side = b.empty();
        const StrategyResult& empty = base_side ? s : *other;
        const char* side = base_side ? "base" : "new";
        skip(s.strategy, empty.runs.empty() ? fmt::format("no run in {}", side)
                                            : fmt::format("resumed from a --checkpoint in {}: not a measurement of "
                                                          "the whole read",
                                                          side));
        continue;
      }
      CompareRow row;
      row.strategy = s.strategy;
      row.rows = k.rows;
      row.profile = k.profile;  // empty: one profile a side
      out.rows.push_back(judge(row, b, n, threshold));
    }
    for (const auto& s : ns.strategies)
      if (bs.strategy(s.strategy) == nullptr) skip(s.strategy, "only in new");
  }
  return out;
}

bool CompareHeader::like_for_like() const {
  return std::all_of(context.begin(), context.end(), [](const ContextDifference& d) { return d.like_for_like; });
}

CompareHeader compare_header(const Artifact& base, const Artifact& fresh, const std::string& base_name,
                             const std::string& new_name, double threshold, bool force,
                             const std::vector<std::string>& forced_differences) {
  CompareHeader h;
  h.base_name = base_name;
  h.new_name = new_name;
  h.base_fingerprint = fingerprint(base.context);
  h.new_fingerprint = fingerprint(fresh.context);
  h.base_status = status_of(base);
  h.new_status = status_of(fresh);
  h.threshold = threshold;
  h.force = force;
  h.forced_differences = forced_differences;
  h.context = context_differences(base, fresh);
  return h;
}

std::string compare_markdown(const Comparison& c, const CompareHeader& h) {
  std::string out = fmt::format("# benchclient compare\n\n`{}` (base) → `{}` (new), rows/s; threshold {:.0f} %.\n\n",
                                h.base_name, h.new_name, h.threshold * 100);
  out += fmt::format("- **Base:** {}{}\n", h.base_fingerprint, h.base_status.empty() ? "" : "; " + h.base_status);
  out += fmt::format("- **New:** {}{}\n", h.new_fingerprint, h.new_status.empty() ? "" : "; " + h.new_status);
  std::vector<std::string> unlike, named;
  for (const auto& d : h.context) (d.like_for_like ? named : unlike).push_back(d.text());
  if (!unlike.empty())
    out += fmt::format(
        "- **Not like for like{}:** {}. The figures below would differ with the code unchanged, so their verdicts are "
        "no verdict on the code{}.\n",
        h.force ? " (compared with --force)" : "", fmt::join(unlike, "; "), h.force ? "" : " (exit 2 unless --force)");
  if (!named.empty()) out += fmt::format("- **Also differs:** {}.\n", fmt::join(named, "; "));
  out += fmt::format("- **Compared:** {} rows.\n", sizes_list(c.sizes));
  if (!c.not_compared.empty()) out += fmt::format("- **Not compared:** {}.\n", not_compared_text(c.not_compared));
  if (!h.forced_differences.empty())
    out += fmt::format("\n**Compared with --force although the datasets differ:** {}.\n",
                       fmt::join(h.forced_differences, "; "));
  out +=
      "\nThe ratio is new ÷ base of the median rows/s; the interval is a 95 % bootstrap interval of that ratio "
      "from the individual runs (seeded: the same artifacts give the same interval). With three runs a side it "
      "can only tell changes larger than the runs' own spread; smaller ones are \"within noise\".\n\n";
  out +=
      "| strategy | rows | base rows/s | new rows/s | ratio | 95 % interval | runs | verdict |\n"
      "|:--|--:|--:|--:|--:|:--|--:|:--|\n";
  for (const auto& r : c.rows)
    out += fmt::format("| {}{} | {} | {:.0f} | {:.0f} | {:.3f} | {:.3f} … {:.3f} | {} / {} | {}{} |\n", r.strategy,
                       r.profile.empty() ? "" : " (" + r.profile + ")", r.rows, r.base_median, r.new_median, r.ratio,
                       r.interval.lo, r.interval.hi, r.base_runs, r.new_runs, to_string(r.verdict),
                       r.regression ? " — **regression**" : "");
  std::size_t regressions = 0;
  for (const auto& r : c.rows) regressions += r.regression ? 1 : 0;
  std::vector<std::string> unlike_what;
  for (const auto& d : h.context)
    if (!d.like_for_like) unlike_what.push_back(d.what);
  const std::string caveat = unlike_what.empty()
                                 ? ""
                                 : fmt::format(" Not like for like ({}): the difference may be that, not the code.",
                                               fmt::join(unlike_what, ", "));
  out += regressions == 0 ? fmt::format("\nNo regression beyond the threshold.{}\n", caveat)
                          : fmt::format("\n**{} regression{} beyond the threshold.**{}\n", regressions,
                                        regressions == 1 ? "" : "s", caveat);
  return out;
}

std::string compare_json(const Comparison& c, const CompareHeader& h) {
  Json list = Json::array();
  bool any = false;
  for (const auto& r : c.rows) {
    any = any || r.regression;
    list.push_back({{"strategy", r.strategy},
                    {"rows", r.rows},
                    {"profile", nullable_profile(r.profile)},
                    {"base_median_rows_per_sec", r.base_median},
                    {"new_median_rows_per_sec", r.new_median},
                    {"ratio", r.ratio},
                    {"interval", {r.interval.lo, r.interval.hi}},
                    {"base_runs", r.base_runs},
                    {"new_runs", r.new_runs},
                    {"verdict", to_string(r.verdict)},
                    {"regression", r.regression}});
  }
  Json context = Json::array();
  for (const auto& d : h.context)
    context.push_back({{"what", d.what}, {"base", d.base}, {"new", d.fresh}, {"like_for_like", d.like_for_like}});
  Json sizes = Json::array();
  for (const auto& s : c.sizes) sizes.push_back({{"rows", s.rows}, {"profile", nullable_profile(s.profile)}});
  Json skipped = Json::array();
  for (const auto& x : c.not_compared)
    skipped.push_back({{"rows", x.size.rows},
                       {"profile", nullable_profile(x.size.profile)},
                       {"strategy", x.strategy.empty() ? Json(nullptr) : Json(x.strategy)},
                       {"why", x.why}});
  const auto status = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  const Json j{{"base", h.base_name},
               {"new", h.new_name},
               {"base_fingerprint", h.base_fingerprint},
               {"new_fingerprint", h.new_fingerprint},
               {"base_incomplete", status(h.base_status)},
               {"new_incomplete", status(h.new_status)},
               {"threshold", h.threshold},
               {"method", "ratio of medians, 95% percentile bootstrap (10000 resamples, seeded)"},
               {"like_for_like", h.like_for_like()},
               {"forced", h.force},
               {"context_differences", context},
               {"forced_differences", h.forced_differences},
               {"sizes_compared", sizes},
               {"not_compared", skipped},
               {"regression", any},
               {"comparisons", list}};
  return j.dump(2) + "\n";
}

}  // namespace benchlab
