// The shared memory segment's RAII: a private name containing "benchlab", mode
// 0600, visible while the owner lives and gone after — also on exception; the
// worker slots are shared with a forked child.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <stdexcept>
#include <string>

#include "process/child.hpp"
#include "process/shared_segment.hpp"
#include "strategies/worker_slots.hpp"

using namespace benchlab;

namespace {
bool exists(const std::string& name) {
  struct stat st {};
  return stat(("/dev/shm/" + name).c_str(), &st) == 0;
}
unsigned mode_of(const std::string& name) {
  struct stat st {};
  if (stat(("/dev/shm/" + name).c_str(), &st) != 0) return 0;
  return st.st_mode & 0777u;
}
}  // namespace

TEST_CASE("shm: the segment exists while owned, private, and is removed on scope exit", "[shm]") {
  std::string name;
  {
    shm::SharedSegment segment(4096);
    name = segment.name();
    CHECK(name.find("benchlab") != std::string::npos);
    CHECK(exists(name));
    CHECK(mode_of(name) == 0600u);
    CHECK(segment.size() >= 4096);
    const auto* bytes = static_cast<const unsigned char*>(segment.address());
    CHECK(bytes[0] == 0);
    CHECK(bytes[4095] == 0);
  }
  CHECK_FALSE(exists(name));
}

TEST_CASE("shm: the segment is removed when an exception unwinds", "[shm]") {
  std::string name;
  try {
    shm::SharedSegment segment(1024);
    name = segment.name();
    REQUIRE(exists(name));
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  REQUIRE_FALSE(name.empty());
  CHECK_FALSE(exists(name));
}

TEST_CASE("shm: two segments get different names, and remove() is idempotent", "[shm]") {
  shm::SharedSegment a(64), b(64);
  CHECK(a.name() != b.name());
  a.remove();
  CHECK_FALSE(exists(a.name()));
  a.remove();
  CHECK(exists(b.name()));
}

TEST_CASE("shm: worker slots written by a forked child are read by the parent", "[shm]") {
  shm::WorkerSlots slots(3);
  REQUIRE(slots.size() == 3);
  CHECK(slots[2].status.load() == 0);
  CHECK_THROWS_AS(slots[3], std::out_of_range);
  shm::WorkerSlot& slot = slots[1];
  ChildProcess child = ChildProcess::spawn([&slot] {
    slot.totals.rows = 42;
    slot.totals.checksum.add_row(7);
    slot.latency.record(1000);
    slot.set_error(shm::SlotError::sql, std::string(2000, 'x'));
    slot.status.store(static_cast<std::int32_t>(shm::SlotStatus::done), std::memory_order_release);
    _exit(0);
  });
  const auto status = child.wait_interruptible();
  REQUIRE(status);
  CHECK(status->code == 0);
  CHECK(slot.status.load(std::memory_order_acquire) == static_cast<std::int32_t>(shm::SlotStatus::done));
  CHECK(slot.totals.rows == 42);
  CHECK(slot.totals.checksum.rows == 1);
  CHECK(slot.latency.total == 1);
  CHECK(std::strlen(slot.error) == shm::WorkerSlot::kErrorBytes - 1);  // truncated, terminated
  CHECK(slots[0].totals.rows == 0);
}
