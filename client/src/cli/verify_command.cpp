#include "cli/verify_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "cli/diagnostics.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_builders.hpp"
#include "cli/usage_error.hpp"
#include "measure/build_commit.hpp"
#include "measure/host_facts.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"
#include "process/memory.hpp"
#include "report/verify_output.hpp"
#include "store/verify_json.hpp"
#include "verify/verify.hpp"

namespace benchlab::cli {

namespace {

// verify's metrics from its report (so far, or final).
void verify_metrics(const VerifyReport& r, MetricValues& m) {
  double differences = static_cast<double>(r.differences.size());
  if (r.null_key_differences)
    differences +=
        r.null_key_differences->compared
            ? static_cast<double>(r.null_key_differences->missing_in_target + r.null_key_differences->extra_in_target)
            : 1;  // too many to fetch: at least one differs
  m.set("benchlab_verify_rows_compared_total", static_cast<double>(r.source.rows), {{"side", "source"}});
  m.set("benchlab_verify_rows_compared_total", static_cast<double>(r.target.rows), {{"side", "target"}});
  m.set("benchlab_verify_segments_compared_total", static_cast<double>(r.segments_compared));
  m.set("benchlab_verify_segments_differing_total", static_cast<double>(r.segments_differing));
  m.set("benchlab_verify_rows_fetched_total", static_cast<double>(r.rows_fetched));
  m.set("benchlab_verify_differences", differences);
  m.set("benchlab_peak_rss_bytes", static_cast<double>(own_peak_rss_bytes()));
}

}  // namespace

VerifyCommand::VerifyCommand(CLI::App& app, std::string command)
    : verify_(app.add_subcommand(
          "verify",
          "reconcile a table across two servers (or two tables on one): report every row missing in, extra in or "
          "changed in the target; exit 0 equal, 1 different, 2 error")) {
  VerifyCommandOptions& o = options_;
  o.command = std::move(command);
  verify_->footer(kVerifyExitStatusHelp);
  verify_->add_option("--dsn", o.source_dsn, "the source server (libpq conninfo or URI)")->required();
  target_dsn_opt_ = verify_->add_option("--target-dsn", target_dsn_, "the target server (default: the source server)");
  verify_->add_option("--table", o.verify.table, "the table (schema.table; default: the standard table)");
  verify_->add_option("--target-table", o.verify.target_table,
                      "the target's table, if it has another name (default: --table)");
  verify_->add_option("--key", o.verify.key, "the integer key to compare rows by (default: the integer primary key)");
  add_integer_option(*verify_, "--segments", o.verify.segments, {1, 1 << 20, "segments", "64"},
                     "the first cut of the key range", "verify --segments");
  add_integer_option(*verify_, "--fetch-rows", o.verify.fetch_rows, {1, 100000000, "rows", "2000"},
                     "a differing segment of at most this many rows is fetched and compared key by key",
                     "verify --fetch-rows");
  add_integer_option(*verify_, "--max-differences", o.verify.max_differences,
                     {0, 1000000000, "rows (0: no limit)", "10000"},
                     "stop after this many differing rows (0: no limit)", "verify --max-differences");
  verify_
      ->add_option("--digest", digest_,
                   "how segments and rows are compared: xxh3 (sums of XXH3-64, fast, against accidents) or "
                   "sha256 (also sums of SHA-256 modulo 2^256, against a forged substitution; see docs/digest.md)")
      ->check(one_of("--digest", {"xxh3", "sha256"}))
      ->capture_default_str();
  mask_opt_ = verify_->add_option(
      "--mask", mask_,
      "compare these columns without fetching them: COL[:hash|:token],... as run takes it; then every row is "
      "compared by a hash the servers compute, and verify needs no mask key (docs/masking.md)");
  verify_->add_flag("--json", o.json, "print the result as JSON");
  verify_->add_flag("--measure-baseline", o.measure_baseline,
                    "also time hashing both tables once in parallel, and print the ratio");
  verify_->add_flag("--no-progress", quiet_, "no progress lines on stderr");
  metrics_.declare(*verify_, "verify ");
}

void VerifyCommand::validate() {
  VerifyCommandOptions& o = options_;
  if (*target_dsn_opt_) o.target_dsn = target_dsn_;
  o.progress = !quiet_;
  o.verify.digest = digest_ == "sha256" ? DigestAlgorithm::sha256 : DigestAlgorithm::xxh3;
  if (mask_opt_->count() > 0) {
    try {
      o.verify.masks = parse_mask_rules(mask_);
    } catch (const MaskRefused& e) {
      throw UsageError(e.what());
    }
  }
  if (!o.target_dsn && o.verify.target_table.empty())
    throw UsageError(
        "verify: give --target-dsn TARGET (another server) or --target-table TABLE (another table on the same "
        "server)");
}

int VerifyCommand::run() {
  const VerifyCommandOptions& o = options_;
  const std::string& target_dsn = o.target_dsn ? *o.target_dsn : o.source_dsn;
  const std::string started = utc_now("%Y-%m-%dT%H:%M:%SZ");
  VerifyReport report;
  std::optional<double> baseline;
  try {
    MetricsFile* metrics = metrics_.file();
    if (metrics != nullptr)
      metrics->update([](MetricValues& m) {
        for (const char* name : {"benchlab_verify_segments_compared_total", "benchlab_verify_segments_differing_total",
                                 "benchlab_verify_rows_fetched_total"})
          m.set(name, 0);
        m.set("benchlab_verify_differences", 0);
      });
    auto progress = [&o, metrics](const verify::VerifyProgress& now) {
      if (o.progress && !now.line.empty()) print_note("verify: " + now.line);
      if (metrics == nullptr) return;
      metrics->update([&](MetricValues& m) {
        verify_metrics(now.so_far, m);
        if (now.first_cut > 0) {
          m.set("benchlab_parts_done", static_cast<double>(now.first_cut_done));
          m.set("benchlab_parts_left", static_cast<double>(now.first_cut - now.first_cut_done));
        }
      });
    };
    report = verify::verify(o.source_dsn, target_dsn, o.verify, progress);
    // The rows with a NULL key are compared after the last segment: the file ends
    // with the figures verify prints.
    if (metrics != nullptr) metrics->update([&report](MetricValues& m) { verify_metrics(report, m); });
    if (o.measure_baseline && report.schema_differences.empty())
      baseline = verify::hash_both_once(o.source_dsn, target_dsn, o.verify);
  } catch (const Interrupted&) {
    throw;  // main() reports it with its own exit status
  } catch (const std::exception& e) {
    return print_error("verify: " + pg::one_line(error_message(e)), kExitUsage);
  }
  std::string out;
  if (o.json) {
    // Where it was measured, for `benchclient report`: the date, the command and the fingerprint.
    const FileContext context{started, o.command, read_host_facts(), build_facts(), {}};  // the server: source.server
    const nlohmann::ordered_json j = verify_document(report, baseline, context);
    out = j.dump(2) + "\n";
  } else {
    out = verify_summary(report);
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    return print_error("verify: cannot write to stdout", kExitUsage);
  }
  if (baseline && !o.json)
    std::cout << fmt::format("baseline: hashing both tables once, in parallel: {:.3f} s ({:.2f}x)\n", *baseline,
                             *baseline > 0 ? report.elapsed_s / *baseline : 0.0);
  return report.equal() ? 0 : 1;
}

}  // namespace benchlab::cli
