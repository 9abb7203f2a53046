#include "cli/with_cluster_command.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/mask_flags.hpp"
#include "cli/server_target.hpp"
#include "cli/usage_error.hpp"
#include "process/child.hpp"
#include "process/interrupt.hpp"

namespace benchlab::cli {

WithClusterCommand::WithClusterCommand(CLI::App& app, RunCommand& run, std::vector<std::string> argv)
    : with_cluster_(app.add_subcommand(
          "with-cluster",
          "run a command against a throwaway cluster (PGHOST/PGPORT/PGUSER/PGDATABASE set), then remove it")),
      run_(run),
      argv_(std::move(argv)) {
  TargetFlags& flags = run.target_flags();
  with_cluster_->footer(kWithClusterExitStatusHelp);
  with_cluster_->add_option("command", command_, "the command and its arguments, after --")->required();
  // One value per occurrence: a list option would otherwise take `--` as the end of
  // its values and leave the command's own dash options to be parsed as ours.
  with_cluster_->add_option("--profile", flags.profiles, "settings profile (see benchclient --help)")
      ->delimiter(',')
      ->allow_extra_args(false);
  with_cluster_->add_option("--pg-set", flags.pg_set, "a server setting name=value (repeatable)")
      ->allow_extra_args(false);
  with_cluster_->add_option("--server-cpus", flags.server_cpus, "pin the server to these CPUs");
}

void WithClusterCommand::validate() {
  if (run_.target().profiles.size() > 1) throw UsageError("with-cluster starts one cluster: give one --profile");
  // The command as the shell gave it: CLI11 reads "[a,b]" as a list, and a test
  // filter such as "[db]" must reach the command unchanged.
  if (const auto dashes = std::find(argv_.begin() + 1, argv_.end(), "--"); dashes != argv_.end())
    command_.assign(dashes + 1, argv_.end());
}

int WithClusterCommand::run() {
  cluster::ThrowawayCluster server(run_.target().cluster);
  // The cluster is benchclient's own: what every benchclient command run in it needs
  // (verify, plan, schema, a run with --dsn '') is there from the start.
  ensure_benchlab_extension(server.conninfo());
  print_note(fmt::format("throwaway cluster up (profile {}, socket {}, database postgres with the benchlab extension)",
                         server.profile(), server.socket_dir().string()));
  const std::string host = server.socket_dir().string(), port = std::to_string(server.port()),
                    user = server.superuser();
  const std::vector<std::string>& command = command_;
  ChildProcess child = ChildProcess::spawn([&] {
    setenv("PGHOST", host.c_str(), 1);
    setenv("PGPORT", port.c_str(), 1);
    setenv("PGUSER", user.c_str(), 1);
    setenv("PGDATABASE", "postgres", 1);
    unsetenv("PGSERVICE");
    unsetenv("PGPASSWORD");
    // The mask key was taken out of benchclient's environment (so the cluster did
    // not inherit it); the command the user runs in the cluster gets it back.
    if (const std::string& key = mask_key_from_environment(); !key.empty()) setenv(kMaskKeyVariable, key.c_str(), 1);
    // Should benchclient be killed outright, the command goes with it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    exec_or_die(command);
  });
  for (;;) {
    if (auto st = child.wait_interruptible()) return st->code;
    // Interrupted: pass the signal on, let the command finish its own cleanup,
    // then the cluster goes down as `server` unwinds.
    child.stop(pending_signal(), std::chrono::seconds(20));
    throw_if_interrupted();
  }
}

}  // namespace benchlab::cli
