// The job-queue workload on a fresh throwaway cluster per profile (or on the user's
// server): enqueue measured seven ways, dequeue samples per concurrency (exactly once
// checked), and with crash_test the confirmed commits a killed server lost.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cluster/throwaway_cluster.hpp"
#include "model/queue.hpp"
#include "store/queue_artifact.hpp"

namespace benchlab::queue {

struct Workload {
  std::optional<std::string> dsn;   // set: the user's server, once (no crash test)
  cluster::ClusterOptions cluster;  // each of options.profiles on a fresh cluster of these options
  QueueOptions options;
  std::string command;  // the command line, for the artifact
};

// Fills `artifact` as it measures, so an interruption (Interrupted, thrown on) leaves
// what was measured in it. `say`: one progress line, told after what it says of is
// in the artifact (the metrics file reads the artifact then).
void run_workload(const Workload& workload, QueueArtifact& artifact,
                  const std::function<void(const std::string&)>& say);

}  // namespace benchlab::queue
