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
#include <vector>

#include "process/byte_ring.hpp"
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

namespace {
// Message i of the ring test: a size from 0 to 3000 bytes (a quarter of the test's
// 4 KiB ring is 1 KiB: many go in chunks, many wrap), bytes from its number.
std::string ring_message(std::uint32_t i) {
  std::string m((i * 2654435761U) % 3001U, '\0');
  for (std::size_t k = 0; k < m.size(); ++k) m[k] = static_cast<char>((i * 31 + k * 7) & 0xFF);
  return m;
}
std::uint64_t fold(std::uint64_t h, std::uint32_t tag, std::string_view bytes) {
  h = (h ^ tag) * 0x100000001B3ULL;
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}
}  // namespace

TEST_CASE("shm: a byte ring hands every message to a forked consumer, in order, whole, through backpressure",
          "[shm][ring]") {
  constexpr std::uint32_t kMessages = 20000;
  constexpr std::size_t kCapacity = 4096;
  shm::SharedSegment segment(shm::ByteRing::footprint(kCapacity) + 64);
  segment.remove();
  shm::ByteRing& ring = *shm::ByteRing::create(segment.address(), kCapacity);
  auto* result = static_cast<std::uint64_t*>(
      static_cast<void*>(static_cast<char*>(segment.address()) + shm::ByteRing::footprint(kCapacity)));
  ChildProcess consumer = ChildProcess::spawn([&ring, result] {
    std::uint64_t h = 0xcbf29ce484222325ULL, count = 0, bad = 0;
    std::string assembled;
    shm::ByteRing::Record r;
    for (;;) {
      if (!ring.peek(r)) {
        if (ring.drained()) break;
        ring.wait_for_data(std::chrono::milliseconds(100));
        continue;
      }
      if (r.first)
        assembled.clear();
      else if (assembled.empty() && !r.bytes.empty())
        ++bad;  // a continuation without its start
      assembled.append(r.bytes);
      if (r.last) {
        bad += r.tag == static_cast<std::uint32_t>(count % 1000) ? 0 : 1;
        h = fold(h, r.tag, assembled);
        ++count;
      }
      ring.release();
    }
    result[0] = h;
    result[1] = count;
    result[2] = bad;
    _exit(0);
  });
  std::uint64_t expected = 0xcbf29ce484222325ULL;
  std::uint64_t waits = 0;
  for (std::uint32_t i = 0; i < kMessages; ++i) {
    const std::string m = ring_message(i);
    expected = fold(expected, i % 1000, m);
    std::size_t offset = 0;
    while (!ring.try_push(i % 1000, m, offset)) {
      ring.wait_for_space(std::chrono::milliseconds(100));
      ++waits;
    }
    if (i % 16 == 0) ring.flush();
    CHECK(ring.used() <= ring.capacity());
  }
  ring.close();
  const auto status = consumer.wait_interruptible();
  REQUIRE(status);
  CHECK(status->code == 0);
  CHECK(result[1] == kMessages);
  CHECK(result[2] == 0);
  CHECK(result[0] == expected);
  CHECK(waits > 0);  // the ring was full at times: the producer waited instead of growing
  std::size_t offset = 0;
  CHECK_THROWS_AS(ring.try_push(shm::ByteRing::kMaxTag + 1, "x", offset), std::invalid_argument);
}
