#include "cli/with_cluster.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "process/child.hpp"
#include "process/interrupt.hpp"

namespace benchlab::cli {

int run_with_cluster(const cluster::ClusterOptions& options, const std::vector<std::string>& command) {
  cluster::ThrowawayCluster server(options);
  std::fprintf(stderr, "benchclient: throwaway cluster up (profile %s, socket %s)\n", server.profile().c_str(),
               server.socket_dir().c_str());
  const std::string host = server.socket_dir().string(), port = std::to_string(server.port()),
                    user = server.superuser();
  ChildProcess child = ChildProcess::spawn([&] {
    setenv("PGHOST", host.c_str(), 1);
    setenv("PGPORT", port.c_str(), 1);
    setenv("PGUSER", user.c_str(), 1);
    setenv("PGDATABASE", "postgres", 1);
    unsetenv("PGSERVICE");
    unsetenv("PGPASSWORD");
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
