#include "report/markdown_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "model/number_format.hpp"
#include "model/strategy_table.hpp"
#include "model/verdict_text.hpp"
#include "model/warnings.hpp"
#include "strategies/registry.hpp"

namespace benchlab {

namespace {

const std::string kNone(kMissing);

// Table cells must not break the row.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string row(const std::vector<std::string>& cells) {
  std::string s = "|";
  for (const auto& c : cells) s += " " + c + " |";
  return s + "\n";
}

std::string mark(std::optional<bool> ok) { return ok ? (*ok ? "✓" : "✗") : kNone; }

std::string median_of(const Summary& s, const char* format) {
  return s.count ? fmt::format(fmt::runtime(format), s.median) : std::string(kNone);
}

std::string stem_of(const std::string& file) {
  const auto dot = file.rfind(".json");
  return dot == std::string::npos ? file : file.substr(0, dot);
}

// The strategy table in Markdown: its cells escaped, its columns aligned as described.
std::string table_of(const StrategyTable& t) {
  std::vector<std::string> head;
  for (const auto& h : t.header) head.push_back(cell(h));
  std::string out = row(head) + "|";
  for (const Align a : t.align) out += a == Align::left ? ":--|" : "--:|";
  out += "\n";
  for (const auto& r : t.rows) {
    std::vector<std::string> cells;
    for (const auto& c : r) cells.push_back(cell(c));
    out += row(cells);
  }
  return out;
}

// The parts (units of work) of the multi-connection strategies: how many, and how
// unevenly the split cut them (coefficient of variation of part rows and part
// time, medians over the runs). Nothing when no strategy reported parts (the
// single-connection strategies, artifacts from before parts were recorded).
std::string skew_table(const SizeResult& size, const SizeSummary& summary) {
  std::string rows;
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategySummary& sum = summary.strategies.at(i);
    if (sum.part_rows_cv.count == 0 && sum.part_time_cv.count == 0) continue;
    rows += row({cell(size.strategies[i].strategy), fmt::format("{}", sum.parts), median_of(sum.part_rows_cv, "{:.2f}"),
                 median_of(sum.part_time_cv, "{:.2f}")});
  }
  if (rows.empty()) return {};
  return fmt::format(
             "\nSkew of the parts ({} split; pooled_sync: its batches): the coefficient of variation (σ ÷ mean) of "
             "the parts' rows and of their read times, medians over the runs; 0 is an even cut.\n\n",
             to_string(size.split)) +
         row({"strategy", "parts", "part rows CV", "part time CV"}) + "|:--|--:|--:|--:|\n" + rows;
}

// Runs the fallback chain recovered, each beside the same strategy's clean runs of
// the same artifact (make bench-recovery faults one run of three): what the fault
// cost, and how much of it was the work it threw away and the backoff.
std::string recovery_table(const SizeResult& size, const SizeSummary& summary) {
  std::string rows;
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategyResult& s = size.strategies[i];
    const StrategySummary& sum = summary.strategies.at(i);
    for (const RecoveredRun& recovered : sum.recovered) {
      const RunFigures& r = s.runs.at(recovered.run);
      const RecoveryFigures& rec = *r.recovery;
      std::vector<std::string> tiers;
      for (std::size_t t = 0; t < rec.tiers.size(); ++t)
        tiers.push_back(t < rec.tier_strategies.size() ? fmt::format("{} {}", rec.tiers[t], rec.tier_strategies[t])
                                                       : std::to_string(rec.tiers[t]));
      std::string clean_wall = kNone, spread = kNone, loss = kNone, explained = kNone, rest = kNone, restart = kNone;
      if (recovered.restart_s) restart = fmt::format("{:.3f}", *recovered.restart_s);
      if (recovered.loss_s) {
        const Summary& c = sum.clean_wall_s;
        clean_wall = fmt::format("{:.3f}", c.median);
        spread = fmt::format("±{:.3f}", (c.max - c.min) / 2);
        loss = fmt::format("{:+.3f}", *recovered.loss_s);
        explained = fmt::format("{:.3f} + {:.3f}", recovered.lost_work_s.value_or(0), rec.backoff_s);
        rest = fmt::format("{:+.3f}", recovered.rest_s.value_or(0));
      }
      rows += row({cell(s.strategy), fmt::format("{}", r.round), fmt::format("{}", fmt::join(tiers, " → ")),
                   fmt::format("{}", rec.faults.size()), fmt::format("{}", rec.rows_discarded),
                   fmt::format("{:.3f}", r.wall_s), clean_wall, spread, loss, explained, restart, rest,
                   fmt::format("{} / {}", mark(r.rows_match),
                               mark(r.digest_match == false ? std::optional(false) : r.checksum_match))});
    }
  }
  if (rows.empty()) return {};
  return "\nFaults and recovery: runs the fallback chain recovered (tiers: the workers of each attempt, and its "
         "strategy when the chain changed it), beside the "
         "median wall time of the same strategy's clean runs. The loss is explained by the work the fault threw "
         "away (rows discarded × the clean runs' time per row) plus the backoff; restart is measured: from the "
         "fault caught to the retry's first rows, less the backoff (connections, snapshot import, fork, first "
         "query); rest is the loss none of these explain, to be read against the clean runs' own spread (half their "
         "range).\n\n" +
         row({"strategy", "run", "tiers", "faults", "rows discarded", "wall s", "clean wall s", "clean spread s",
              "loss s", "lost work + backoff s", "restart s", "rest s", "rows / checksum"}) +
         "|:--|--:|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n" + rows;
}

}  // namespace

MarkdownReporter::MarkdownReporter(std::vector<std::string> files, std::vector<Chart> charts, std::string chart_dir,
                                   Mode mode)
    : files_(std::move(files)), charts_(std::move(charts)), chart_dir_(std::move(chart_dir)), mode_(mode) {
  out_ = "# benchclient report\n\n";
  // Only the read artifacts are named here; the other kinds head their own sections.
  if (files_.empty())
    out_ += "From the files named in the sections below.\n";
  else
    out_ += fmt::format(
        "From {} artifact{}: {}. Figures are medians over the measured runs. The strategy tables' columns — {}.\n",
        files_.size(), files_.size() == 1 ? "" : "s", fmt::join(files_, ", "), strategy_table_legend());
  intro_end_ = out_.size();
}

void MarkdownReporter::context(const Context& c) {
  any_split_ = false;
  const std::string file = current_ < files_.size() ? files_[current_] : fmt::format("artifact {}", current_ + 1);
  out_ += fmt::format("\n## {}\n\n", file);
  out_ += fmt::format("- **Date:** {}\n", c.date);
  out_ += fmt::format("- **Command:** `{}`\n", c.command.empty() ? "not recorded" : c.command);
  out_ += fmt::format("- **Fingerprint:** {}\n", fingerprint(c));
  out_ += fmt::format("- **Host:** {}, {} cores, {}B memory\n", c.host.cpu_model, c.host.cores,
                      si(static_cast<double>(c.host.memory_bytes)));
  out_ += fmt::format("- **PostgreSQL:** {}\n", c.server.version);
  if (c.target.throwaway)
    out_ += fmt::format("- **Server:** throwaway cluster, profile `{}`\n",
                        c.target.profile.empty() ? "?" : c.target.profile);
  else
    out_ += fmt::format("- **Server:** `{}`\n", c.target.dsn_redacted);
  for (const auto& p : c.profiles) {
    std::string line = fmt::format("- **Profile `{}`:** {}", p.name, p.description);
    std::string in_force;
    for (const auto& [k, v] : p.requested) {
      std::string actual = "?";
      for (const auto& [sk, sv] : p.settings)
        if (sk == k) actual = sv;
      in_force += in_force.empty() ? " (in force: " : ", ";
      in_force += k;
      in_force += " = ";
      in_force += actual;
    }
    if (!in_force.empty()) in_force += ")";
    out_ += line + in_force + "\n";
  }
  if (const ResourceFacts& r = c.resources; r.client_pinned || r.server_pinned || r.client_memory_bytes != 0) {
    std::string line = fmt::format("- **Resources:** client CPUs {}", r.client_cpus);
    if (!r.server_cpus.empty()) line += fmt::format(" · server CPUs {}", r.server_cpus);
    if (r.client_memory_bytes != 0)
      line += fmt::format(" · client memory {} ({})", format_bytes(r.client_memory_bytes), r.client_memory_mechanism);
    out_ += line + "\n";
  }
  std::string shape = fmt::format("- **Format:** {} · **workers:** {} · **runs:** {}", to_string(c.read.format),
                                  c.read.workers, c.schedule.runs);
  if (c.schedule.warmup > 0) shape += fmt::format(" (after {} warmup)", c.schedule.warmup);
  shape += fmt::format(" · **batch rows:** {}", c.read.batch_rows);
  out_ += shape + "\n";
  header_end_ = out_.size();  // finish() puts the status here, before the figures
}

void MarkdownReporter::size(const Context& c, const SizeResult& size, const SizeSummary& summary) {
  if (c.profiles.size() > 1 && !size.profile.empty())
    out_ += fmt::format("\n### {} rows, profile `{}`\n\n", size.limit, size.profile);
  else
    out_ += fmt::format("\n### {} rows\n\n", size.limit);
  // The artifact's own format first: the ratios are to it.
  std::vector<std::string> parts;
  for (const WireFormat f : {c.read.format, other_format(c.read.format)}) {
    if (const CeilingSummary* w = summary.ceiling(f))
      parts.push_back(
          fmt::format("{} {} rows/s ({:.1f} MB/s)", to_string(f), si(w->rows_per_sec.median), w->mb_per_sec.median));
  }
  if (parts.empty())
    out_ += "- Wire ceiling: not recorded\n";
  else
    out_ += fmt::format("- Wire ceiling (COPY … TO STDOUT, medians): {}; ratios below are to {}\n",
                        fmt::join(parts, ", "), to_string(c.read.format));
  if (const auto& s = size.server.scan)
    out_ += fmt::format("- server_scan (the server alone): {:.3f} s, CPU {:.3f}/{:.3f} s user/sys, {} rows\n",
                        s->elapsed_s, s->cpu_user_s, s->cpu_sys_s, s->rows);
  else
    out_ += "- server_scan: not measured\n";
  for (const auto& n : size.notes) out_ += fmt::format("- note: {}\n", n);
  if (summary.verdict)
    for (const auto& line : verdict_sentences(c, *summary.verdict)) out_ += fmt::format("- **Verdict:** {}\n", line);
  out_ += "\n" + table_of(strategy_table(size, summary, c.schedule.runs));
  bool split = false;
  for (std::size_t i = 0; i < size.strategies.size(); ++i)
    if (const auto line = worker_rss_line(size.strategies[i], summary.strategies.at(i))) {
      out_ += fmt::format("{}- Peak RSS of {}\n", split ? "" : "\n", *line);
      split = any_split_ = true;
    }
  bool errors = false;
  for (const auto& s : size.strategies)
    for (const auto& e : s.errors) {
      out_ += fmt::format("\n- **{}** error: {}", s.strategy, e);
      errors = true;
    }
  if (errors) out_ += "\n";
  where_the_time_went(c, size, summary);
  out_ += skew_table(size, summary);
  out_ += recovery_table(size, summary);
}

// Per row, the client's CPU, the server backends' CPU, and how close each strategy
// came to the rows/s its shape allows at that cost, and to what the cores allow.
void MarkdownReporter::where_the_time_went(const Context& c, const SizeResult& size, const SizeSummary& summary) {
  const StrategyTable table = bound_table(size, summary);
  if (table.rows.empty()) return;
  out_ += "\n" + bound_table_intro(c.bound_cores()) + "\n\n" + table_of(table);
}

void MarkdownReporter::finish(const Artifact& a) {
  std::string status;
  for (const auto& n : notices_of(a)) status += fmt::format("- **{}:** {}\n", n.warning ? "Warning" : "Status", n.text);
  out_.insert(std::min(header_end_, out_.size()), status);
  if (any_split_)
    out_ +=
        "\nPeak RSS (n×MiB + parent): the largest forked worker's own peak (ru_maxrss, which includes the pages "
        "it inherited at fork) and the parent's own sampled peak.\n";
  seen_.push_back(a);
  ++current_;
}

// The summary (results/README.md) shows the main sweep's throughput, memory and where its time went,
// the scaling series and the queue; the full report has every chart.
bool MarkdownReporter::is_key_chart(const Chart& c) const {
  std::string first_series;
  std::string last_split;
  for (const auto& x : charts_)
    if (x.section == "reads") {
      if (first_series.empty()) first_series = x.group;
      if (x.group == first_series && x.id.find("-time-split-") != std::string::npos) last_split = x.id;
    }
  if (c.section == "reads")
    return c.group == first_series &&
           (c.id.ends_with("-rows-per-sec") || c.id.ends_with("-peak-rss") || c.id == last_split);
  if (c.section == "scaling") return true;
  if (c.section == "queue") return c.id.ends_with("-jobs-per-sec") || c.id.ends_with("-crash-test");
  return false;
}

std::string MarkdownReporter::chart_link(const Chart& c) const {
  const std::string path = chart_dir_.empty() ? c.id + ".svg" : chart_dir_ + "/" + c.id + ".svg";
  return fmt::format("![{}]({})\n\n{}\n", c.title, path, c.caption);
}

void MarkdownReporter::queue(const Named<QueueArtifact>& q) {
  ++others_count_;
  const QueueArtifact& a = q.artifact;
  others_ += fmt::format("\n## {}\n\n- **Date:** {}\n- **Command:** `{}`\n- **Host:** {}, {} cores · benchlab {}\n\n",
                         q.file, a.context.date, a.context.command.empty() ? "not recorded" : a.context.command,
                         a.context.host.cpu_model, a.context.host.cores, short_commit(a.context.build.git_commit));
  const std::vector<QueueLevel> levels = queue_levels(a.samples, a.bounds);
  others_ += row(queue_level_headers()) + "|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const auto& l : levels) {
    std::vector<std::string> cells = queue_level_cells(l);
    cells.front() = cell(cells.front());  // the profile's name, escaped for a table cell
    others_ += row(cells);
  }
  std::string verdicts;
  for (const auto& l : levels)
    if (const std::string v = bound_verdict(l); !v.empty()) verdicts += "- " + v + "\n";
  if (!verdicts.empty())
    others_ +=
        "\nThe bound: per job two prepared UPDATEs by primary key on the same table, one connection, "
        "measured beside the samples (docs/queue.md).\n\n" +
        verdicts;
  if (!a.enqueue.empty()) {
    others_ += "\n" + row({"profile", "enqueue method", "jobs", "refused", "jobs/s"}) + "|:--|:--|--:|--:|--:|\n";
    for (const auto& e : a.enqueue)
      others_ += row({cell(e.profile), cell(e.method), fmt::format("{}", e.rows), fmt::format("{}", e.rejected),
                      si(e.rows_per_sec)});
  }
  if (!a.crash_test.empty()) {
    others_ += "\n" + row({"profile", "synchronous_commit", "crashes", "commits confirmed", "lost"}) +
               "|:--|:--|--:|--:|--:|\n";
    for (const auto& c : a.crash_test)
      others_ += row({cell(c.profile), cell(c.synchronous_commit), fmt::format("{}", c.crashes),
                      fmt::format("{}", c.confirmed_commits), fmt::format("{}", c.lost_commits)});
  }
}

void MarkdownReporter::faults(const Named<FaultsArtifact>& f) {
  ++others_count_;
  const auto& p = f.artifact.provenance;
  others_ += fmt::format("\n## {}\n\n- **Date:** {}\n- **Command:** `{}`\n- **Fingerprint:** {}\n\n", f.file, p.date,
                         p.command.empty() ? "not recorded" : p.command, fingerprint(p));
  others_ += fmt::format("Ctrl-C during a read of {} rows, {} times per strategy:\n\n", f.artifact.rows,
                         f.artifact.repetitions);
  others_ += row({"strategy", "SIGINT → exit (median)", "min … max", "SIGINT → backends gone (median)", "clean runs"}) +
             "|:--|--:|--:|--:|--:|\n";
  for (const auto& s : f.artifact.strategies)
    others_ += row({cell(s.name), fmt::format("{:.1f} ms", s.exit_ms.median),
                    fmt::format("{:.1f} … {:.1f} ms", s.exit_ms.min, s.exit_ms.max),
                    fmt::format("{:.1f} ms", s.backends_gone_ms.median), fmt::format("{}/{}", s.ok_runs, s.runs)});
}

void MarkdownReporter::verify(const Named<VerifyArtifact>& v) {
  ++others_count_;
  const auto& a = v.artifact;
  others_ += fmt::format("\n## {}\n\n- **Date:** {}\n- **Command:** `{}`\n- **Fingerprint:** {}\n\n", v.file,
                         a.provenance.date, a.provenance.command.empty() ? "not recorded" : a.provenance.command,
                         fingerprint(a.provenance));
  others_ +=
      row({"rows (source / target)", "rows differing", "segments differing", "verify", "hash both once", "ratio"}) +
      "|--:|--:|--:|--:|--:|--:|\n";
  others_ +=
      row({fmt::format("{} / {}", a.source_rows, a.target_rows), fmt::format("{}", a.differences),
           fmt::format("{} of {}", a.segments_differing, a.segments_compared), fmt::format("{:.2f} s", a.elapsed_s),
           a.baseline_s ? fmt::format("{:.2f} s", *a.baseline_s) : std::string(kNone),
           a.baseline_s ? fmt::format("{:.2f}×", a.elapsed_s / *a.baseline_s) : std::string(kNone)});
}

void MarkdownReporter::advise(const Named<AdviseArtifact>& n) {
  ++others_count_;
  const Context& c = n.artifact.context;
  const AdviseResult& a = n.artifact.result;
  others_ += fmt::format("\n## {}\n\n- **Date:** {}\n- **Command:** `{}`\n- **Host:** {}, {} cores · benchlab {}\n\n",
                         n.file, c.date, c.command.empty() ? "not recorded" : c.command, c.host.cpu_model, c.host.cores,
                         short_commit(c.build.git_commit));
  others_ += calibration_text(a.calibration) + "\n\n";
  for (const auto& note : a.calibration.notes) others_ += "- " + note + "\n";
  if (!a.calibration.notes.empty()) others_ += "\n";
  const StrategyTable predictions = predictions_table(a);
  if (!predictions.rows.empty()) others_ += "\n" + table_of(predictions);
  for (const auto& note : predictions.notes) others_ += "\n- " + note;
  others_ += (predictions.notes.empty() ? "\n" : "\n\n") + recommendation_text(a) + "\n";
  if (!a.check) return;
  others_ += "\nPredicted against measured (the whole table, median of each strategy's runs):\n\n" +
             table_of(check_table(a)) + "\n" + check_summary_text(a) + "\n";
}

void MarkdownReporter::advise_repeats(const std::vector<RepeatedCheck>& repeats) {
  others_ += "\n## advise: the same full reads, measured twice\n\n";
  for (const RepeatedCheck& r : repeats) others_ += repeated_check_text(r) + "\n\n";
}

void MarkdownReporter::fsync(const Named<FsyncArtifact>& f) {
  ++others_count_;
  others_ += fmt::format("\n## {}\n\npg_test_fsync, one 8 kB write: {} {:.0f} ops/s, {:.0f} µs per flush.\n", f.file,
                         f.artifact.method, f.artifact.ops_per_sec, f.artifact.usecs_per_op);
}

void MarkdownReporter::targets(const std::vector<TargetOutcome>& targets) {
  targets_ = fmt::format("\n## Targets\n\n{}\n\n", kTargetsLegend) + table_of(targets_overview(targets));
  if (mode_ == Mode::summary) {
    targets_ += "\nEvery finding, with the measured figures that explain it: the full report's Targets.\n";
    return;
  }
  for (const TargetOutcome& o : targets) {
    targets_ += fmt::format("\n### {}\n\n{}: **{}**.\n", cell(o.target.title), threshold_text(o.target),
                            outcome_status_text(o));
    if (!o.target.command.empty())
      targets_ += fmt::format("Artifacts whose command matches `` {} ``.\n", o.target.command);
    if (!o.findings.empty()) targets_ += "\n" + table_of(target_findings_table(o));
  }
}

void MarkdownReporter::close() {
  // The verdict and the charts open the document; in summary mode they are most of it.
  std::string head;
  const auto verdict = headline_verdict(seen_);
  if (!verdict.empty()) {
    head += "\n## Verdict\n\n";
    for (const auto& line : verdict) head += "- " + line + "\n";
  }
  head += targets_;
  if (!charts_.empty()) {
    head += "\n## Charts\n\n";
    for (const auto& c : charts_)
      if (mode_ == Mode::full || is_key_chart(c)) head += chart_link(c) + "\n";
  }
  if (mode_ == Mode::summary) {
    const std::size_t files = files_.size() + others_count_;
    out_ = fmt::format(
        "Generated by `benchclient report --summary` from {} files: every figure is derived from their raw runs "
        "(medians of the runs; ✓ every run read exactly the server's rows and checksum). Each chart names the "
        "artifact, "
        "the command and the machine it came from.\n",
        files);
    out_ += head;
    summary_series();
    out_ += others_;
    return;
  }
  std::vector<const Context*> contexts;
  for (const auto& a : seen_) contexts.push_back(&a.context);
  if (const std::string machine = measured_on(contexts); !machine.empty())
    head = fmt::format("\nMeasured on **{}**.\n", machine) + head;
  out_.insert(intro_end_, head);
  summary_across();
  out_ += others_;
}

// Per read series: each strategy's median rows/s at every size, and its peak RSS at
// the largest (results/README.md's table; the full report has every figure).
void MarkdownReporter::summary_series() {
  ReportSet set;
  for (std::size_t i = 0; i < seen_.size(); ++i)
    set.runs.push_back({i < files_.size() ? files_[i] : fmt::format("#{}", i + 1), seen_[i]});
  for (const auto& rs : read_series(set)) {
    if (rs.sizes.size() < 2) continue;  // a sweep; single sizes (a worker count, a budget) are in the full report
    out_ += fmt::format(
        "\n### {}\n\nrows/s, median of the runs (✓: every run read exactly the server's rows and "
        "checksum); peak RSS at {} rows. From {}.\n\n",
        rs.title, rows_count(rs.sizes.back()), [&] {
          std::vector<std::string> names;
          for (const auto* a : rs.artifacts) names.push_back("`" + a->file + "`");
          return fmt::format("{}", fmt::join(names, ", "));
        }());
    std::vector<std::string> header{"strategy"};
    for (const auto rows : rs.sizes) header.push_back(rows_count(rows) + " rows");
    header.push_back("peak RSS");
    out_ += row(header);
    std::string align = "|:--|";
    for (std::size_t i = 0; i <= rs.sizes.size(); ++i) align += "--:|";
    out_ += align + "\n";
    for (const auto& name : rs.strategies) {
      std::vector<std::string> cells{cell(name)};
      std::string rss = kNone;
      for (const auto rows : rs.sizes) {
        const SeriesPoint* p = rs.at(rows, name);
        if (p == nullptr) {
          cells.emplace_back(kNone);
          continue;
        }
        const StrategySummary& sum = *p->summary;
        const bool exact = sum.exact();
        cells.push_back(sum.rows_per_sec.count ? si(sum.rows_per_sec.median) + (exact ? " ✓" : " ✗")
                                               : std::string(kNone));
        if (rows == rs.sizes.back() && sum.peak_rss_bytes.count) rss = mib(sum.peak_rss_bytes.median);
      }
      cells.push_back(rss);
      out_ += row(cells);
    }
  }
}

void MarkdownReporter::summary_across() {
  // Side by side: several artifacts, or one that measured several profiles (--profile a,b).
  if (seen_.empty() || (seen_.size() < 2 && seen_.front().context.profiles.size() < 2)) return;
  struct Col {
    std::size_t artifact;
    const SizeResult* size;
    const SizeSummary* summary;
  };
  std::vector<Col> columns;
  std::vector<std::string> strategies;
  for (std::size_t i = 0; i < seen_.size(); ++i)
    for (std::size_t j = 0; j < seen_[i].report.sizes.size(); ++j) {
      const SizeResult& size = seen_[i].report.sizes[j];
      columns.push_back({i, &size, &seen_[i].summary.sizes.at(j)});
      for (const auto& s : size.strategies)
        if (std::find(strategies.begin(), strategies.end(), s.strategy) == strategies.end())
          strategies.push_back(s.strategy);
    }
  // The tables' usual order; names this benchclient does not know go last.
  const auto& known = strategy_names();
  auto rank = [&](const std::string& name) { return std::find(known.begin(), known.end(), name) - known.begin(); };
  std::stable_sort(strategies.begin(), strategies.end(),
                   [&](const std::string& x, const std::string& y) { return rank(x) < rank(y); });

  out_ += "\n## Summary: rows/s (median)\n\n";
  std::vector<std::string> header{"strategy"};
  for (const auto& c : columns) {
    const Context& ctx = seen_[c.artifact].context;
    const std::string stem =
        c.artifact < files_.size() ? stem_of(files_[c.artifact]) : fmt::format("#{}", c.artifact + 1);
    std::string head = fmt::format("{} · {} rows · {} · {} workers", stem, c.size->limit, to_string(ctx.read.format),
                                   ctx.read.workers);
    if (!c.size->profile.empty() && ctx.profiles.size() > 1) head += fmt::format(" · profile {}", c.size->profile);
    header.push_back(cell(head));
  }
  out_ += row(header);
  std::string align = "|:--|";
  for (std::size_t i = 0; i < columns.size(); ++i) align += "--:|";
  out_ += align + "\n";
  for (const auto& name : strategies) {
    std::vector<std::string> cells{cell(name)};
    for (const auto& c : columns) {
      const Context& ctx = seen_[c.artifact].context;
      const StrategyResult* s = c.size->strategy(name);
      if (s == nullptr) {
        cells.emplace_back(kNone);
        continue;
      }
      const StrategySummary& sum = *c.summary->of(*c.size, name);
      cells.push_back((sum.rows_per_sec.count ? si(sum.rows_per_sec.median) : std::string(kNone)) +
                      status_note(*s, sum, ctx.schedule.runs));
    }
    out_ += row(cells);
  }
  // The ceiling each column was judged against: text and binary differ.
  std::vector<std::string> ceiling{"*wire ceiling (COPY)*"};
  for (const auto& c : columns) {
    const CeilingSummary* w = c.summary->ceiling(seen_[c.artifact].context.read.format);
    ceiling.push_back(w ? fmt::format("*{}*", si(w->rows_per_sec.median)) : std::string(kNone));
  }
  out_ += row(ceiling);
}

}  // namespace benchlab
