// Enqueueing the same jobs, measured seven ways (what batching saves): each method starts
// from an empty queue and commits `jobs` jobs.
//   per_transaction   one INSERT per transaction: a round trip and a commit per job
//   pipelined         prepared INSERTs in libpq pipeline mode, one transaction
//   multirow          one INSERT … SELECT FROM unnest(arrays)
//   copy              COPY … FROM STDIN
//   savepoints        one transaction, each job in its own savepoint; every
//                     invalid_every-th payload breaks the CHECK and is rolled back to
//                     its savepoint and reported, the others commit
//   savepoints_clean  the same batch with no invalid payload: the savepoints' own cost
//   outbox            per transaction, a business row and its job together
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/queue.hpp"

namespace benchlab::queue {

[[nodiscard]] const std::vector<std::string>& enqueue_methods();

// Runs one method against an empty queue; `rejected` counts the refused jobs. Throws
// if the queue then holds other than rows − rejected jobs (nothing may be lost).
EnqueueResult enqueue(const std::string& conninfo, const std::string& method, std::uint64_t jobs, int invalid_every);

}  // namespace benchlab::queue
