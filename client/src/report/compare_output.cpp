#include "report/compare_output.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace benchlab {

namespace {

std::string rows_asked(const Artifact& a) {
  if (a.context.read.all_rows) return "all";
  return fmt::format("{}", fmt::join(a.context.read.row_counts, ","));
}

std::vector<double> rates(const StrategyResult& s) {
  std::vector<double> out;
  for (const auto& r : s.runs) out.push_back(r.rows_per_sec);
  return out;
}

}  // namespace

std::vector<std::string> dataset_differences(const Artifact& base, const Artifact& fresh) {
  std::vector<std::string> out;
  const Context &b = base.context, &n = fresh.context;
  auto differ = [&](const char* what, const std::string& x, const std::string& y) {
    if (x != y) out.push_back(fmt::format("{} {} vs {}", what, x, y));
  };
  differ("table", b.table_name, n.table_name);
  differ("rows", rows_asked(base), rows_asked(fresh));
  differ("format", std::string(to_string(b.read.format)), std::string(to_string(n.read.format)));
  differ("workers", std::to_string(b.read.workers), std::to_string(n.read.workers));
  differ("batch_rows", std::to_string(b.read.batch_rows), std::to_string(n.read.batch_rows));
  differ("split", std::string(to_string(b.read.split)), std::string(to_string(n.read.split)));
  return out;
}

std::vector<CompareRow> compare_artifacts(const Artifact& base, const Artifact& fresh, double threshold) {
  std::vector<CompareRow> out;
  for (const auto& bs : base.report.sizes)
    for (const auto& ns : fresh.report.sizes) {
      if (bs.limit != ns.limit || bs.profile != ns.profile) continue;  // the same size on the same profile
      for (const auto& s : bs.strategies) {
        const StrategyResult* other = ns.strategy(s.strategy);
        if (other == nullptr || s.runs.empty() || other->runs.empty()) continue;
        CompareRow row;
        row.strategy = s.strategy;
        row.rows = bs.limit;
        row.profile = bs.profile;
        out.push_back(judge(row, rates(s), rates(*other), threshold));
      }
    }
  return out;
}

std::string compare_markdown(const std::vector<CompareRow>& rows, const std::string& base_name,
                             const std::string& new_name, double threshold, const std::vector<std::string>& forced) {
  std::string out = fmt::format("# benchclient compare\n\n`{}` (base) → `{}` (new), rows/s; threshold {:.0f} %.\n",
                                base_name, new_name, threshold * 100);
  if (!forced.empty())
    out += fmt::format("\n**Compared with --force although the datasets differ:** {}.\n", fmt::join(forced, "; "));
  out +=
      "\nThe ratio is new ÷ base of the median rows/s; the interval is a 95 % bootstrap interval of that ratio "
      "from the individual runs (seeded: the same artifacts give the same interval). With three runs a side it "
      "can only tell changes larger than the runs' own spread; smaller ones are \"within noise\".\n\n";
  out +=
      "| strategy | rows | base rows/s | new rows/s | ratio | 95 % interval | runs | verdict |\n"
      "|:--|--:|--:|--:|--:|:--|--:|:--|\n";
  for (const auto& r : rows)
    out += fmt::format("| {}{} | {} | {:.0f} | {:.0f} | {:.3f} | {:.3f} … {:.3f} | {} / {} | {}{} |\n", r.strategy,
                       r.profile.empty() ? "" : " (" + r.profile + ")", r.rows, r.base_median, r.new_median, r.ratio,
                       r.interval.lo, r.interval.hi, r.base_runs, r.new_runs, to_string(r.verdict),
                       r.regression ? " — **regression**" : "");
  std::size_t regressions = 0;
  for (const auto& r : rows) regressions += r.regression ? 1 : 0;
  out += regressions == 0
             ? "\nNo regression beyond the threshold.\n"
             : fmt::format("\n**{} regression{} beyond the threshold.**\n", regressions, regressions == 1 ? "" : "s");
  return out;
}

std::string compare_json(const std::vector<CompareRow>& rows, const std::string& base_name, const std::string& new_name,
                         double threshold, const std::vector<std::string>& forced) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  bool any = false;
  for (const auto& r : rows) {
    any = any || r.regression;
    list.push_back(
        {{"strategy", r.strategy},
         {"rows", r.rows},
         {"profile", r.profile.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.profile)},
         {"base_median_rows_per_sec", r.base_median},
         {"new_median_rows_per_sec", r.new_median},
         {"ratio", r.ratio},
         {"interval", {r.interval.lo, r.interval.hi}},
         {"base_runs", r.base_runs},
         {"new_runs", r.new_runs},
         {"verdict", to_string(r.verdict)},
         {"regression", r.regression}});
  }
  const nlohmann::ordered_json j{{"base", base_name},
                                 {"new", new_name},
                                 {"threshold", threshold},
                                 {"method", "ratio of medians, 95% percentile bootstrap (10000 resamples, seeded)"},
                                 {"forced_differences", forced},
                                 {"regression", any},
                                 {"comparisons", list}};
  return j.dump(2) + "\n";
}

}  // namespace benchlab
