#include "cli/verify_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "measure/build_commit.hpp"
#include "measure/host_facts.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"
#include "report/verify_output.hpp"
#include "store/verify_json.hpp"
#include "verify/verify.hpp"

namespace benchlab::cli {

int run_verify_command(const VerifyCommandOptions& o) {
  const std::string& target_dsn = o.target_dsn ? *o.target_dsn : o.source_dsn;
  if (!o.target_dsn && o.verify.target_table.empty()) {
    std::cerr << "benchclient: error: verify: give --target-dsn TARGET (another server) or --target-table TABLE "
                 "(another table on the same server); see benchclient verify --help\n";
    return 2;
  }
  const std::string started = utc_now("%Y-%m-%dT%H:%M:%SZ");
  VerifyReport report;
  std::optional<double> baseline;
  try {
    auto progress = [&o](const std::string& line) {
      if (o.progress) std::cerr << "benchclient: verify: " << line << "\n";
    };
    report = verify::verify(o.source_dsn, target_dsn, o.verify, progress);
    if (o.measure_baseline && report.schema_differences.empty())
      baseline = verify::hash_both_once(o.source_dsn, target_dsn, o.verify);
  } catch (const Interrupted&) {
    throw;  // main() reports it with its own exit status
  } catch (const std::exception& e) {
    std::cerr << "benchclient: error: verify: " << pg::one_line(e.what()) << "\n";
    return 2;
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
    std::cerr << "benchclient: error: verify: cannot write to stdout\n";
    return 2;
  }
  if (baseline && !o.json)
    std::cout << fmt::format("baseline: hashing both tables once, in parallel: {:.3f} s ({:.2f}x)\n", *baseline,
                             *baseline > 0 ? report.elapsed_s / *baseline : 0.0);
  return report.equal() ? 0 : 1;
}

}  // namespace benchlab::cli
