// benchclient: measures PostgreSQL bulk-read client architectures.
#include <cstdio>
#include <exception>

#include "cli/app.hpp"
#include "cli/exit_codes.hpp"
#include "cli/usage_error.hpp"
#include "process/interrupt.hpp"

int main(int argc, char** argv) {
  benchlab::install_interrupt_handlers();
  try {
    return benchlab::cli::run_app(argc, argv);
  } catch (const benchlab::Interrupted& e) {
    std::fprintf(stderr, "benchclient: %s; stopped, everything it started is cleaned up\n", e.what());
    return e.exit_code();
  } catch (const benchlab::cli::UsageError& e) {
    std::fprintf(stderr, "benchclient: error: %s\n", e.what());
    return benchlab::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "benchclient: error: %s\n", e.what());
    return benchlab::cli::kExitError;
  }
}
