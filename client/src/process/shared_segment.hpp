// A private POSIX shared memory segment (Boost.Interprocess) owned by RAII:
// created before fork() under a unique name containing "benchlab", mode 0600,
// mapped into the creator, and unlinked by the destructor — on normal exit, on
// exception and on interruption (signals only set a flag; the code unwinds).
// Forked children inherit the mapping: they never open it by name.
#pragma once

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include <cstddef>
#include <string>

namespace benchlab::shm {

class SharedSegment {
 public:
  // Creates and maps `bytes` bytes (zero-filled). Throws std::runtime_error.
  explicit SharedSegment(std::size_t bytes);
  ~SharedSegment();
  SharedSegment(const SharedSegment&) = delete;
  SharedSegment& operator=(const SharedSegment&) = delete;
  SharedSegment(SharedSegment&&) = delete;
  SharedSegment& operator=(SharedSegment&&) = delete;

  [[nodiscard]] void* address() const { return region_.get_address(); }
  [[nodiscard]] std::size_t size() const { return region_.get_size(); }
  // The name under /dev/shm (without the leading slash).
  [[nodiscard]] const std::string& name() const { return name_; }
  // Unlinks the name now (the mapping stays valid until destruction). Idempotent.
  void remove() noexcept;

 private:
  static std::string unique_name();
  std::string name_;
  bool linked_ = false;
  boost::interprocess::shared_memory_object object_;
  boost::interprocess::mapped_region region_;
};

}  // namespace benchlab::shm
