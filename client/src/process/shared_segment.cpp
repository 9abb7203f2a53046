#include "process/shared_segment.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <boost/interprocess/exceptions.hpp>
#include <chrono>
#include <cstring>
#include <random>
#include <stdexcept>

namespace benchlab::shm {

namespace bip = boost::interprocess;

std::string SharedSegment::unique_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  const auto clock = static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
  return fmt::format("benchlab-{}-{}-{:08x}{:04x}", getpid(), counter++, random(), clock & 0xFFFFu);
}

SharedSegment::SharedSegment(std::size_t bytes) {
  if (bytes == 0) throw std::invalid_argument("shared memory segment of 0 bytes");
  bip::permissions owner_only;
  owner_only.set_permissions(0600);
  try {
    name_ = unique_name();
    object_ = bip::shared_memory_object(bip::create_only, name_.c_str(), bip::read_write, owner_only);
    linked_ = true;
    object_.truncate(static_cast<bip::offset_t>(bytes));
    region_ = bip::mapped_region(object_, bip::read_write, 0, bytes);
  } catch (const bip::interprocess_exception& e) {
    remove();
    throw std::runtime_error(fmt::format("cannot create shared memory segment {}: {}", name_, e.what()));
  }
  std::memset(region_.get_address(), 0, region_.get_size());
}

SharedSegment::~SharedSegment() { remove(); }

void SharedSegment::remove() noexcept {
  if (!linked_) return;
  linked_ = false;
  bip::shared_memory_object::remove(name_.c_str());
}

}  // namespace benchlab::shm
