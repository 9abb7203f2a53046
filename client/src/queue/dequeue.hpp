// Draining a queue with `concurrency` workers, as queue libraries do. Each worker has its
// own connection; all are released together by a barrier and the clock starts
// then. A worker loops: claim up to `batch` jobs in one statement
// (FOR UPDATE SKIP LOCKED: state running, attempts + 1, a lease), then mark them
// succeeded — fenced by the attempt it claimed, so a worker whose lease ran out can
// never finish a job another worker took over — with no work between, until every
// job is done. A job whose lease ran out (its worker died) is claimed again.
// Structured concurrency: if one worker fails, its siblings stop at their next
// statement, every thread is joined and every connection closed, and the sample
// is reported failed (with the first error), never left hanging.
#pragma once

#include <cstdint>
#include <string>

#include "model/queue.hpp"

namespace benchlab::queue {

// The claim statement (parameters: lease in milliseconds, batch size); returns id, attempts.
[[nodiscard]] const char* claim_sql();
// The completion, fenced by the attempts claimed (parameters: bigint[] ids, int[]
// attempts, as array literals); returns the ids it finished.
[[nodiscard]] const char* complete_sql();

// Drains the queue as it is (seeded by the caller with `jobs` jobs) and checks
// exactly-once from the server's table and from the workers' acknowledgements.
QueueSample run_sample(const std::string& conninfo, int concurrency, std::uint64_t jobs, int batch, int lease_ms);

}  // namespace benchlab::queue
