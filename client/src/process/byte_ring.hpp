// A single-producer, single-consumer ring of variable-length records in shared
// memory, for one process to hand bytes to another without a syscall per record:
// the producer writes a record and publishes it by moving `head`; the consumer
// reads it in place and frees it by moving `tail`. Either side that finds nothing
// to do (consumer: empty; producer: no room) sleeps on a futex, and the other side
// wakes it only when it has said it sleeps (one load per record otherwise).
//
// A record is an 8-byte header (payload length, a 28-bit tag, first/last flags) and
// its payload, padded to 8 bytes. A message larger than a quarter of the ring goes
// as several chunks (first ... last), so any size fits in any ring; a record never
// wraps (a marker sends the reader back to the start).
//
// Everything here is plain bytes and address-free atomics, placement-constructed
// by the creator before fork(): no constructor or destructor runs in a child.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace benchlab::shm {

class ByteRing {
 public:
  static constexpr std::uint32_t kMaxTag = (1U << 28) - 1;

  // The bytes a ring of `capacity` data bytes takes (capacity: a multiple of 8, >= 64).
  [[nodiscard]] static std::size_t footprint(std::size_t capacity);
  // Constructs an empty ring in `memory` (footprint(capacity) bytes, 64-aligned).
  static ByteRing* create(void* memory, std::size_t capacity);

  // ---- producer ----
  // Writes as much of `message` from `offset` on as fits now, as chunks tagged
  // `tag`, advancing `offset`; true once the whole message is in the ring (an empty
  // message is one empty record). Never blocks. The records reach the consumer at
  // the next flush() (or wait_for_space, or close): a producer that writes many
  // publishes, and wakes a sleeping consumer, once per lump, not once per record.
  bool try_push(std::uint32_t tag, std::string_view message, std::size_t& offset);
  void flush();
  // Sleeps until the consumer frees space or `timeout` passes.
  void wait_for_space(std::chrono::nanoseconds timeout);
  // No more records will come; the consumer drains what is left, then sees closed.
  void close();

  // ---- consumer ----
  struct Record {
    std::uint32_t tag = 0;
    bool first = true;  // the message's first chunk
    bool last = true;   // its last chunk (first && last: the whole message)
    std::string_view bytes;
  };
  // The next record, read in place (valid until release()); false when empty.
  bool peek(Record& record);
  // Frees the record peek() returned (the producer sees the room in lumps; waiting
  // for data hands all of it back first).
  void release();
  // Sleeps until a record arrives, the ring is closed, or `timeout` passes.
  void wait_for_data(std::chrono::nanoseconds timeout);
  // Closed and every record consumed (the consumer asks).
  [[nodiscard]] bool drained() const;

  // Bytes in use (records, their headers and padding): for tests and figures.
  [[nodiscard]] std::size_t used() const;
  [[nodiscard]] std::size_t capacity() const { return static_cast<std::size_t>(capacity_); }

 private:
  ByteRing() = default;
  [[nodiscard]] char* data() { return reinterpret_cast<char*>(this + 1); }
  [[nodiscard]] const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  void publish(std::uint64_t head);
  void publish_tail();
  bool write_record(std::uint64_t& head, std::uint32_t tag, bool first, bool last, const char* bytes, std::size_t n);

  // A cache line per writer: what one side stores every record never shares a line
  // with what the other side reads, so records cross cores without the line bouncing.
  // The published indexes (each stored once per lump, read by the other side):
  alignas(64) std::atomic<std::uint64_t> head_{0};  // bytes ever written (producer)
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // bytes ever freed (consumer)
  // The sleeps and their wake-ups (written only around a sleep, or at close):
  alignas(64) std::atomic<std::uint32_t> data_seq_{0};  // bumped to wake a sleeping consumer
  std::atomic<std::uint32_t> consumer_sleeps_{0};
  std::atomic<std::uint32_t> closed_{0};
  alignas(64) std::atomic<std::uint32_t> space_seq_{0};  // bumped to wake a sleeping producer
  std::atomic<std::uint32_t> producer_sleeps_{0};
  // Producer-private: where the next record goes (head_ once flushed), and the tail
  // when a push last found no room.
  alignas(64) std::uint64_t unpublished_ = 0;
  std::uint64_t tail_seen_ = 0;
  // Consumer-private: where the peeked record ends, where the next one begins, and
  // how many records were released since tail was last stored.
  alignas(64) std::uint64_t peeked_end_ = 0;
  std::uint64_t read_at_ = 0;
  std::uint32_t unpublished_records_ = 0;
  alignas(64) std::uint64_t capacity_ = 0;  // read by both, written once
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "ring indexes must be address-free atomics");

}  // namespace benchlab::shm
