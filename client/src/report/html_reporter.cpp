#include "report/html_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "charts/svg_chart.hpp"
#include "model/number_format.hpp"
#include "model/strategy_table.hpp"
#include "model/verdict_text.hpp"

namespace benchlab {

namespace {

using svg::escape;

constexpr const char* kStyle = R"(
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1b1b1b;background:#fafafa}
main{max-width:1240px;margin:0 auto;padding:16px}
h1{font-size:1.6rem;margin:.4rem 0}
h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
.measured{margin:.2rem 0 .6rem;color:#333}
.verdict{background:#eef5fb;border-left:4px solid #0072B2;padding:.6rem .9rem;margin:.8rem 0}
.verdict p,.notices p{margin:.2rem 0}
.notices{background:#fff6e5;border-left:4px solid #E69F00;padding:.6rem .9rem;margin:.8rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,360px),1fr));gap:12px;align-items:start}
figure.chart{margin:0;background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:8px;min-width:0}
figure.chart svg{display:block;width:100%;height:auto}
figcaption{font-size:.9rem;color:#333;margin-top:.3rem}
.prov{font-size:.78rem;color:#555;overflow-wrap:anywhere;margin-top:.3rem}
code{font-size:.85em;overflow-wrap:anywhere;word-break:break-word}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85rem;background:#fff;margin:.4rem 0}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right;white-space:nowrap}
th{white-space:normal;vertical-align:bottom}
th:first-child,td:first-child,th.l,td.l{text-align:left}
dl.machine{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:.9rem}
dl.machine dt{font-weight:600}
dl.machine dd{margin:0;overflow-wrap:anywhere}
nav a{margin-right:.8rem;display:inline-block}
h2,h3,h4,p,figcaption{overflow-wrap:anywhere}
@media (max-width:600px){main{padding:8px}figure.chart{padding:4px}}
)";

std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::string t = "<div class=\"scroll\"><table><thead><tr>";
  for (const auto& h : head) t += "<th>" + escape(h) + "</th>";
  t += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    t += "<tr>";
    for (const auto& c : r) t += "<td>" + escape(c) + "</td>";
    t += "</tr>\n";
  }
  return t + "</tbody></table></div>\n";
}

// The strategy table: its left-aligned columns after the first marked for the style.
std::string table(const StrategyTable& st) {
  auto open = [&](const char* tag, std::size_t i) {
    return i > 0 && st.align.at(i) == Align::left ? fmt::format("<{} class=\"l\">", tag) : fmt::format("<{}>", tag);
  };
  std::string t = "<div class=\"scroll\"><table><thead><tr>";
  for (std::size_t i = 0; i < st.header.size(); ++i) t += open("th", i) + escape(st.header[i]) + "</th>";
  t += "</tr></thead><tbody>\n";
  for (const auto& r : st.rows) {
    t += "<tr>";
    for (std::size_t i = 0; i < r.size(); ++i) t += open("td", i) + escape(r[i]) + "</td>";
    t += "</tr>\n";
  }
  return t + "</tbody></table></div>\n";
}

std::string provenance_html(const std::vector<std::string>& lines) {
  std::string out = "<div class=\"prov\">";
  for (const auto& l : lines) out += "<div><code>" + escape(l) + "</code></div>";
  return out + "</div>\n";
}

std::string figure(const Chart& c) {
  return fmt::format(
      "<figure class=\"chart\" id=\"chart-{}\" data-marks=\"{}\">\n{}<figcaption>{}</figcaption>\n{}"
      "</figure>\n",
      escape(c.id), c.marks, c.inline_svg, escape(c.caption), provenance_html(c.provenance));
}

std::string verdict_block(const std::vector<std::string>& lines) {
  if (lines.empty()) return {};
  std::string out = "<div class=\"verdict\">";
  for (const auto& l : lines) out += "<p>" + escape(l) + "</p>";
  return out + "</div>\n";
}

std::string command_or(const std::string& c) { return c.empty() ? "not recorded" : c; }

}  // namespace

HtmlReporter::HtmlReporter(std::vector<std::string> files, std::vector<Chart> charts)
    : files_(std::move(files)), charts_(std::move(charts)) {}

std::string HtmlReporter::file_label() const {
  return current_ < files_.size() ? files_[current_] : fmt::format("artifact {}", current_ + 1);
}

void HtmlReporter::context(const Context& c) {
  const std::string file = current_ < files_.size() ? files_[current_] : fmt::format("artifact {}", current_ + 1);
  measurements_ += fmt::format("<h3 id=\"artifact-{}\">{}</h3>\n", current_ + 1, escape(file));
  measurements_ += provenance_html({fmt::format("{} — {}", c.date, command_or(c.command)), fingerprint(c)});
  measurements_ += fmt::format("<p>{} · {} format · {} workers · {} runs · batch {} rows</p>\n", escape(c.table_name),
                               to_string(c.read.format), c.read.workers, c.schedule.runs, c.read.batch_rows);
  header_end_ = measurements_.size();  // finish() puts the status here, before the figures
  listed_.push_back({file, "reads", c.date, command_or(c.command), fingerprint(c)});
}

void HtmlReporter::size(const Context& c, const SizeResult& size, const SizeSummary& summary) {
  std::string head = fmt::format("{} rows", rows_count(size.limit));
  if (!size.profile.empty() && c.profiles.size() > 1) head += fmt::format(", profile {}", size.profile);
  measurements_ += fmt::format("<h4>{}</h4>\n", escape(head));
  if (summary.verdict) measurements_ += verdict_block(verdict_sentences(c, *summary.verdict));
  std::vector<std::string> ceilings;
  for (const WireFormat f : {c.read.format, other_format(c.read.format)})
    if (const CeilingSummary* w = summary.ceiling(f))
      ceilings.push_back(fmt::format("{} {} rows/s", to_string(f), si(w->rows_per_sec.median)));
  if (!ceilings.empty())
    measurements_ += fmt::format("<p>Wire ceiling (COPY drain, medians): {}.</p>\n",
                                 escape(fmt::format("{}", fmt::join(ceilings, ", "))));
  for (const auto& n : size.notes) {
    measurements_ += fmt::format("<p class=\"note\">Note: {}</p>\n", escape(n));
    notes_.push_back(
        fmt::format("{}{} rows: note: {}", files_.size() > 1 ? file_label() + ", " : "", rows_count(size.limit), n));
  }
  measurements_ += table(strategy_table(size, summary, c.schedule.runs));
  for (std::size_t i = 0; i < size.strategies.size(); ++i)
    if (const auto line = worker_rss_line(size.strategies[i], summary.strategies.at(i)))
      measurements_ += fmt::format("<p>Peak RSS of {}</p>\n", escape(*line));
  if (const StrategyTable bounds = bound_table(size, summary); !bounds.rows.empty())
    measurements_ += fmt::format("<p>{}</p>\n", escape(bound_table_intro(c.bound_cores()))) + table(bounds);
}

void HtmlReporter::finish(const Artifact& a) {
  // As the Markdown report: the status and the warnings under the artifact's heading,
  // and at the top of the page, where a reader starts.
  std::string status;
  for (const auto& n : notices_of(a)) {
    status += fmt::format("<p class=\"notice\"><strong>{}:</strong> {}</p>\n", n.warning ? "Warning" : "Status",
                          escape(n.text));
    notices_.push_back(fmt::format("{}{}: {}", files_.size() > 1 ? file_label() + ": " : "",
                                   n.warning ? "Warning" : "Status", n.text));
  }
  notices_.insert(notices_.end(), notes_.begin(), notes_.end());
  notes_.clear();
  measurements_.insert(std::min(header_end_, measurements_.size()), status);
  seen_.push_back(a);
  ++current_;
}

void HtmlReporter::queue(const Named<QueueArtifact>& q) {
  const QueueArtifact& a = q.artifact;
  others_ += fmt::format("<h3>{}</h3>\n", escape(q.file));
  others_ += provenance_html({fmt::format("{} — {}", a.context.date, command_or(a.context.command)),
                              fmt::format("{} · {} cores · benchlab {}", a.context.host.cpu_model, a.context.host.cores,
                                          short_commit(a.context.build.git_commit))});
  listed_.push_back({q.file, "queue", a.context.date, command_or(a.context.command),
                     fmt::format("{} · {} cores · benchlab {}", a.context.host.cpu_model, a.context.host.cores,
                                 short_commit(a.context.build.git_commit))});
  std::vector<std::vector<std::string>> rows;
  const std::vector<QueueLevel> levels = queue_levels(a.samples, a.bounds);
  for (const auto& l : levels) rows.push_back(queue_level_cells(l));
  others_ += table(queue_level_headers(), rows);
  for (const auto& l : levels)
    if (const std::string v = bound_verdict(l); !v.empty()) others_ += fmt::format("<p>{}</p>\n", escape(v));
  rows.clear();
  for (const auto& e : a.enqueue)
    rows.push_back({e.profile, e.method, std::to_string(e.rows), std::to_string(e.rejected), si(e.rows_per_sec)});
  if (!rows.empty()) others_ += table({"profile", "enqueue method", "jobs", "refused", "jobs/s"}, rows);
  rows.clear();
  for (const auto& c : a.crash_test)
    rows.push_back({c.profile, c.synchronous_commit, std::to_string(c.crashes), std::to_string(c.confirmed_commits),
                    std::to_string(c.lost_commits)});
  if (!rows.empty()) others_ += table({"profile", "synchronous_commit", "crashes", "confirmed", "lost"}, rows);
}

void HtmlReporter::faults(const Named<FaultsArtifact>& f) {
  const auto& p = f.artifact.provenance;
  others_ += fmt::format("<h3>{}</h3>\n", escape(f.file));
  others_ += provenance_html({fmt::format("{} — {}", p.date, command_or(p.command)), fingerprint(p)});
  listed_.push_back({f.file, "faults (Ctrl-C)", p.date, command_or(p.command), fingerprint(p)});
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : f.artifact.strategies)
    rows.push_back({s.name, fmt::format("{:.1f} ms", s.exit_ms.median),
                    fmt::format("{:.1f} … {:.1f}", s.exit_ms.min, s.exit_ms.max),
                    fmt::format("{:.1f} ms", s.backends_gone_ms.median), fmt::format("{}/{}", s.ok_runs, s.runs)});
  others_ += table({"strategy", "SIGINT → exit (median)", "min … max", "SIGINT → backends gone", "clean"}, rows);
}

void HtmlReporter::verify(const Named<VerifyArtifact>& v) {
  const auto& a = v.artifact;
  others_ += fmt::format("<h3>{}</h3>\n", escape(v.file));
  others_ += provenance_html(
      {fmt::format("{} — {}", a.provenance.date, command_or(a.provenance.command)), fingerprint(a.provenance)});
  listed_.push_back({v.file, "verify", a.provenance.date, command_or(a.provenance.command), fingerprint(a.provenance)});
  others_ += table(
      {"rows (source / target)", "equal", "rows differing", "segments differing", "verify", "hash both once", "ratio"},
      {{fmt::format("{} / {}", a.source_rows, a.target_rows), a.equal ? "yes" : "no", std::to_string(a.differences),
        fmt::format("{} of {}", a.segments_differing, a.segments_compared), fmt::format("{:.2f} s", a.elapsed_s),
        a.baseline_s ? fmt::format("{:.2f} s", *a.baseline_s) : std::string(kMissing),
        a.baseline_s ? fmt::format("{:.2f}×", a.elapsed_s / *a.baseline_s) : std::string(kMissing)}});
}

void HtmlReporter::advise(const Named<AdviseArtifact>& n) {
  const Context& c = n.artifact.context;
  const AdviseResult& a = n.artifact.result;
  const std::string machine =
      fmt::format("{} · {} cores · benchlab {}", c.host.cpu_model, c.host.cores, short_commit(c.build.git_commit));
  others_ += fmt::format("<h3>{}</h3>\n", escape(n.file));
  others_ += provenance_html({fmt::format("{} — {}", c.date, command_or(c.command)), machine});
  listed_.push_back({n.file, "advise", c.date, command_or(c.command), machine});
  others_ += fmt::format("<p>{}</p>\n", escape(calibration_text(a.calibration)));
  for (const auto& note : a.calibration.notes) others_ += fmt::format("<p>{}</p>\n", escape(note));
  const StrategyTable predictions = predictions_table(a);
  if (!predictions.rows.empty()) others_ += table(predictions);
  others_ += fmt::format("<p>{}</p>\n", escape(recommendation_text(a)));
  if (!a.check) return;
  others_ += table(check_table(a));
  others_ += fmt::format("<p>{}</p>\n", escape(check_summary_text(a)));
}

void HtmlReporter::advise_repeats(const std::vector<RepeatedCheck>& repeats) {
  others_ += "<h3>advise: the same full reads, measured twice</h3>\n";
  for (const RepeatedCheck& r : repeats) others_ += fmt::format("<p>{}</p>\n", escape(repeated_check_text(r)));
}

void HtmlReporter::fsync(const Named<FsyncArtifact>& f) {
  others_ += fmt::format("<h3>{}</h3>\n<p>pg_test_fsync, one 8 kB write: {} {:.0f} ops/s, {:.0f} µs per flush.</p>\n",
                         escape(f.file), f.artifact.method, f.artifact.ops_per_sec, f.artifact.usecs_per_op);
  listed_.push_back({f.file, "pg_test_fsync", "", "pg_test_fsync -s 2", ""});
}

void HtmlReporter::targets(const std::vector<TargetOutcome>& targets) {
  targets_ =
      fmt::format("<section id=\"targets\">\n<h2>Targets</h2>\n<p>{}</p>\n", escape(std::string(kTargetsLegend))) +
      table(targets_overview(targets));
  for (const TargetOutcome& o : targets) {
    targets_ += fmt::format("<h3>{}</h3>\n<p>{}: <strong>{}</strong>.</p>\n", escape(o.target.title),
                            escape(threshold_text(o.target)), escape(outcome_status_text(o)));
    if (!o.target.command.empty())
      targets_ += fmt::format("<p>Artifacts whose command matches <code>{}</code>.</p>\n", escape(o.target.command));
    if (!o.findings.empty()) targets_ += table(target_findings_table(o));
  }
  targets_ += "</section>\n";
}

void HtmlReporter::close() {
  out_ =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>benchlab report</title>\n"
      "<style>";
  out_ += kStyle;
  out_ += "</style>\n</head>\n<body>\n<main>\n<h1>benchlab report</h1>\n";
  std::vector<const Context*> contexts;
  for (const auto& a : seen_) contexts.push_back(&a.context);
  if (const std::string machine = measured_on(contexts); !machine.empty())
    out_ += fmt::format("<p class=\"measured\">Measured on <strong>{}</strong>.</p>\n", escape(machine));
  // One artifact (a run's own report): its status and warnings first. Several: where they are.
  if (!notices_.empty()) {
    out_ += "<div class=\"notices\">";
    if (files_.size() <= 1)
      for (const auto& n : notices_) out_ += "<p>" + escape(n) + "</p>";
    else
      out_ += fmt::format(
          "<p>{} status, warning and note lines about these artifacts: each under its artifact in <a "
          "href=\"#measurements\">Every measurement</a>.</p>",
          notices_.size());
    out_ += "</div>\n";
  }
  out_ += verdict_block(headline_verdict(seen_));
  out_ += targets_;
  if (!seen_.empty()) {
    const Context& c = seen_.front().context;
    out_ += "<dl class=\"machine\">";
    out_ += fmt::format("<dt>CPU</dt><dd>{}, {} cores, {}B memory</dd>", escape(c.host.cpu_model), c.host.cores,
                        si(static_cast<double>(c.host.memory_bytes)));
    out_ += fmt::format("<dt>Kernel</dt><dd>{}</dd>", escape(c.host.kernel));
    out_ += fmt::format("<dt>PostgreSQL</dt><dd>{}</dd>", escape(c.server.version));
    out_ += fmt::format("<dt>benchlab</dt><dd>{} ({})</dd>", escape(short_commit(c.build.git_commit)),
                        escape(c.build.compiler));
    out_ += fmt::format("<dt>Artifacts</dt><dd>{} files, listed at the end</dd>", listed_.size());
    out_ += "</dl>\n";
  }
  struct Section {
    const char* id;
    const char* title;
  };
  const Section sections[] = {{"reads", "Reads: which architecture, and why"},
                              {"scaling", "Scaling with workers"},
                              {"recovery", "Faults and recovery"},
                              {"faults", "Ctrl-C"},
                              {"verify", "verify across two servers"},
                              {"queue", "Job queue and crash test"},
                              {"advise", "advise: predicted before reading"}};
  out_ += "<nav>";
  for (const auto& s : sections)
    if (std::any_of(charts_.begin(), charts_.end(), [&](const Chart& c) { return c.section == s.id; }))
      out_ += fmt::format("<a href=\"#{}\">{}</a>", s.id, s.id);
  if (!targets_.empty()) out_ += "<a href=\"#targets\">targets</a>";
  out_ += "<a href=\"#measurements\">tables</a><a href=\"#artifacts\">artifacts</a></nav>\n";
  for (const auto& s : sections) {
    std::string body, group;
    bool open = false;
    for (const auto& c : charts_) {
      if (c.section != s.id) continue;
      if (c.group != group || !open) {
        if (open) body += "</div>\n";
        group = c.group;
        body += fmt::format("<h3>{}</h3>\n<div class=\"charts\">\n", escape(group));
        open = true;
      }
      body += figure(c);
    }
    if (open) body += "</div>\n";
    if (!body.empty()) out_ += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", s.id, s.title, body);
  }
  const std::string legend =
      seen_.empty() ? "" : fmt::format("<p>The strategy tables' columns — {}.</p>\n", escape(strategy_table_legend()));
  out_ +=
      "<section id=\"measurements\">\n<h2>Every measurement</h2>\n" + legend + measurements_ + others_ + "</section>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : listed_) rows.push_back({l.file, l.kind, l.date, l.command, l.fingerprint});
  out_ += "<section id=\"artifacts\">\n<h2>Artifacts</h2>\n" +
          table({"file", "kind", "date", "command", "fingerprint"}, rows) + "</section>\n";
  out_ += "</main>\n</body>\n</html>\n";
}

std::string html_report(const ReportSet& set, const std::vector<Chart>& charts) {
  std::vector<std::string> names;
  for (const auto& a : set.runs) names.push_back(a.file);
  HtmlReporter html(std::move(names), charts);
  report_set(set, {&html});
  return html.document();
}

std::string html_report(const ReportSet& set) { return html_report(set, build_charts(set)); }

}  // namespace benchlab
