// The crash test (what a durability setting loses): workers claim and finish jobs, recording every
// commit the server confirmed (the claim's and the completion's); once a third of
// the jobs are done the whole server is SIGKILLed and restarted on the same data
// directory, and the confirmed commits whose effects are missing are counted. With
// synchronous_commit on the count must be 0; with it off, what is lost is what the
// WAL writer had not flushed (wal_writer_delay is the window). A server crash is
// not an OS crash: what the kernel's page cache held survives it (only a power cut
// would lose that, which this cannot simulate).
#pragma once

#include <string>

#include "model/queue.hpp"

namespace benchlab::cluster {
class ThrowawayCluster;
}

namespace benchlab::queue {

CrashResult crash_test(cluster::ThrowawayCluster& cluster, const std::string& conninfo, const QueueOptions& options);

}  // namespace benchlab::queue
