// The queue's bound (model/queue.hpp, QueueBound): the same jobs claimed and finished
// by one connection that already knows their ids — two prepared UPDATEs by primary
// key per job, each its own transaction, the same writes as a claim and a completion
// — so that the dequeue samples can be read as a fraction of what this server, at
// this moment, can do at all.
#pragma once

#include <cstdint>
#include <string>

#include "model/queue.hpp"

namespace benchlab::queue {

// Drains the queue as it is (seeded by the caller with `jobs` jobs, all queued);
// throws if a job is not claimed and finished exactly once.
QueueBound measure_bound(const std::string& conninfo, std::uint64_t jobs, int lease_ms);

}  // namespace benchlab::queue
