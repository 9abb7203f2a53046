// benchclient: measures PostgreSQL bulk-read client architectures.
#include <exception>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/diagnostics.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/mask_flags.hpp"
#include "cli/usage_error.hpp"
#include "model/mask.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"
#include "process/memory.hpp"

int main(int argc, char** argv) {
  namespace cli = benchlab::cli;
  // Out of the environment before anything starts, so no child process inherits the key.
  cli::take_mask_key_from_environment();
  benchlab::install_interrupt_handlers();
  benchlab::keep_freed_heap();
  // Every line benchclient prints about itself is scrubbed of the command line's secrets.
  cli::diagnose_command_line(std::vector<std::string>(argv, argv + argc));
  // The server's NOTICE chatter is not the user's business; its warnings are, in one line.
  cli::route_server_notices();
  try {
    return cli::run_app(argc, argv);
  } catch (const benchlab::Interrupted& e) {
    cli::print_note(std::string(e.what()) + "; stopped, everything it started is cleaned up");
    return e.exit_code();
  } catch (const benchlab::plan::EmptyTable& e) {
    cli::print_note(e.what());
    return cli::kExitOk;
  } catch (const cli::UsageError& e) {
    return cli::print_error(e.what(), cli::kExitUsage);
  } catch (const benchlab::MaskRefused& e) {
    return cli::print_error(e.what(), cli::kExitUsage);
  } catch (const benchlab::plan::OptionRefused& e) {
    return cli::print_error(cli::word(e), cli::kExitUsage);
  } catch (const std::exception& e) {
    // Connection errors are scrubbed where they are made; this is the last net.
    return cli::print_error(cli::error_message(e), cli::kExitError);
  }
}
