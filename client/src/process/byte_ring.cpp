#include "process/byte_ring.hpp"

#include <cstring>
#include <new>
#include <stdexcept>

#include "process/futex.hpp"

namespace benchlab::shm {

namespace {

constexpr std::uint32_t kFirst = 1U << 28;
constexpr std::uint32_t kLast = 1U << 29;
constexpr std::uint32_t kWrap = 1U << 30;
constexpr std::size_t kHeader = 8;

constexpr std::uint64_t padded(std::size_t n) { return (n + 7) & ~std::uint64_t{7}; }

}  // namespace

std::size_t ByteRing::footprint(std::size_t capacity) { return sizeof(ByteRing) + capacity; }

ByteRing* ByteRing::create(void* memory, std::size_t capacity) {
  // A record's length is 32 bits: chunks (a quarter of the ring at most) must fit it.
  if (capacity < 64 || capacity % 8 != 0 || capacity > (std::size_t{1} << 32))
    throw std::invalid_argument("a ring's capacity is a multiple of 8, from 64 bytes to 4 GiB");
  if (reinterpret_cast<std::uintptr_t>(memory) % 64 != 0) throw std::invalid_argument("a ring starts 64-aligned");
  auto* ring = new (memory) ByteRing();
  ring->capacity_ = capacity;
  return ring;
}

bool ByteRing::write_record(std::uint64_t& h, std::uint32_t tag, bool first, bool last, const char* bytes,
                            std::size_t n) {
  const std::uint64_t cap = capacity_;
  const std::uint64_t t = tail_.load(std::memory_order_acquire);
  const std::uint64_t size = kHeader + padded(n);
  const std::uint64_t pos = h % cap;
  const std::uint64_t to_end = cap - pos;
  const std::uint64_t waste = size > to_end ? to_end : 0;  // a record never wraps: skip to the start
  if (cap - (h - t) < waste + size) {
    tail_seen_ = t;  // wait_for_space sleeps only while the tail still stands here
    return false;
  }
  if (waste > 0) {
    const std::uint32_t marker[2] = {0, kWrap};
    std::memcpy(data() + pos, marker, sizeof marker);
    h += waste;
  }
  char* at = data() + h % cap;
  const std::uint32_t header[2] = {static_cast<std::uint32_t>(n), tag | (first ? kFirst : 0) | (last ? kLast : 0)};
  std::memcpy(at, header, sizeof header);
  if (n > 0) std::memcpy(at + kHeader, bytes, n);
  h += size;  // published by the caller: one store and one wake check per push
  return true;
}

void ByteRing::publish(std::uint64_t head) {
  // Dekker with wait_for_data: the consumer says it sleeps, then looks at head; we
  // move head, then look whether it sleeps. With both seq_cst one of us sees the other.
  head_.store(head, std::memory_order_seq_cst);
  if (consumer_sleeps_.load(std::memory_order_seq_cst) != 0) {
    data_seq_.fetch_add(1, std::memory_order_seq_cst);
    futex_wake_all(data_seq_);
  }
}

bool ByteRing::try_push(std::uint32_t tag, std::string_view message, std::size_t& offset) {
  if (tag > kMaxTag) throw std::invalid_argument("ring record tag out of range");
  // A chunk never exceeds a quarter of the ring, so it fits once the consumer has
  // caught up, wherever the head stands.
  const std::size_t max_chunk = (capacity_ / 4 - kHeader) & ~std::size_t{7};
  bool whole = false;
  std::uint64_t& h = unpublished_;
  if (message.empty()) {
    whole = write_record(h, tag, true, true, nullptr, 0);
  } else {
    while (offset < message.size()) {
      const std::size_t n = std::min(message.size() - offset, max_chunk);
      if (!write_record(h, tag, offset == 0, offset + n == message.size(), message.data() + offset, n)) break;
      offset += n;
    }
    whole = offset == message.size();
  }
  return whole;
}

void ByteRing::flush() {
  if (unpublished_ != head_.load(std::memory_order_relaxed)) publish(unpublished_);  // only this side writes head
}

void ByteRing::wait_for_space(std::chrono::nanoseconds timeout) {
  flush();  // a consumer that cannot see the records cannot free their room
  const std::uint32_t seq = space_seq_.load(std::memory_order_acquire);
  producer_sleeps_.store(1, std::memory_order_seq_cst);
  if (tail_.load(std::memory_order_seq_cst) == tail_seen_) futex_wait(space_seq_, seq, timeout);
  producer_sleeps_.store(0, std::memory_order_relaxed);
}

void ByteRing::close() {
  flush();
  closed_.store(1, std::memory_order_seq_cst);
  data_seq_.fetch_add(1, std::memory_order_seq_cst);
  futex_wake_all(data_seq_);
}

bool ByteRing::peek(Record& record) {
  const std::uint64_t cap = capacity_;
  std::uint64_t t = read_at_;
  const std::uint64_t h = head_.load(std::memory_order_acquire);
  if (t == h) return false;
  std::uint32_t header[2];
  std::memcpy(header, data() + t % cap, sizeof header);
  if ((header[1] & kWrap) != 0) {
    t += cap - t % cap;  // the record after the marker was published with it
    std::memcpy(header, data() + t % cap, sizeof header);
  }
  const std::uint32_t n = header[0];
  record.tag = header[1] & kMaxTag;
  record.first = (header[1] & kFirst) != 0;
  record.last = (header[1] & kLast) != 0;
  record.bytes = std::string_view(data() + t % cap + kHeader, n);
  peeked_end_ = t + kHeader + padded(n);
  return true;
}

void ByteRing::release() {
  read_at_ = peeked_end_;
  // The room goes back in lumps: one store the producer reads, and one wake check,
  // per 64 records or an eighth of the ring, not per record.
  if (++unpublished_records_ >= 64 || read_at_ - tail_.load(std::memory_order_relaxed) >= capacity_ / 8) publish_tail();
}

void ByteRing::publish_tail() {
  unpublished_records_ = 0;
  if (tail_.load(std::memory_order_relaxed) == read_at_) return;  // only this side writes tail
  tail_.store(read_at_, std::memory_order_seq_cst);
  if (producer_sleeps_.load(std::memory_order_seq_cst) != 0) {
    space_seq_.fetch_add(1, std::memory_order_seq_cst);
    futex_wake_all(space_seq_);
  }
}

void ByteRing::wait_for_data(std::chrono::nanoseconds timeout) {
  publish_tail();  // a producer waiting for room must get it before this side sleeps
  const std::uint32_t seq = data_seq_.load(std::memory_order_acquire);
  consumer_sleeps_.store(1, std::memory_order_seq_cst);
  if (head_.load(std::memory_order_seq_cst) == read_at_ && closed_.load(std::memory_order_seq_cst) == 0)
    futex_wait(data_seq_, seq, timeout);
  consumer_sleeps_.store(0, std::memory_order_relaxed);
}

bool ByteRing::drained() const {
  // closed is stored after the last head: seen closed, the head read next is final.
  if (closed_.load(std::memory_order_acquire) == 0) return false;
  return head_.load(std::memory_order_acquire) == read_at_;
}

std::size_t ByteRing::used() const {
  return static_cast<std::size_t>(head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire));
}

}  // namespace benchlab::shm
