// benchclient: measures PostgreSQL bulk-read client architectures.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/usage_error.hpp"
#include "model/secrets.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"

int main(int argc, char** argv) {
  benchlab::install_interrupt_handlers();
  try {
    return benchlab::cli::run_app(argc, argv);
  } catch (const benchlab::Interrupted& e) {
    std::fprintf(stderr, "benchclient: %s; stopped, everything it started is cleaned up\n", e.what());
    return e.exit_code();
  } catch (const benchlab::plan::EmptyTable& e) {
    std::fprintf(stderr, "benchclient: %s\n", e.what());
    return benchlab::cli::kExitOk;
  } catch (const benchlab::cli::UsageError& e) {
    std::fprintf(stderr, "benchclient: error: %s\n",
                 benchlab::scrub_arguments(e.what(), std::vector<std::string>(argv, argv + argc)).c_str());
    return benchlab::cli::kExitUsage;
  } catch (const benchlab::plan::OptionRefused& e) {
    std::fprintf(stderr, "benchclient: error: %s\n", benchlab::cli::word(e).c_str());
    return benchlab::cli::kExitUsage;
  } catch (const std::exception& e) {
    // Connection errors are scrubbed where they are made; this is the last net.
    const std::string line =
        benchlab::scrub_arguments(benchlab::cli::error_message(e), std::vector<std::string>(argv, argv + argc));
    std::fprintf(stderr, "benchclient: error: %s\n", line.c_str());
    return benchlab::cli::kExitError;
  }
}
