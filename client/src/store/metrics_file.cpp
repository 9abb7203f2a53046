#include "store/metrics_file.hpp"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "store/artifact_file.hpp"

namespace benchlab {

namespace {

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

}  // namespace

MetricsFile::MetricsFile(std::filesystem::path path, std::chrono::milliseconds interval, const std::string& command)
    : path_(std::move(path)), interval_(interval) {
  values_.set("benchlab_info", 1, {{"command", command}, {"version", BENCHLAB_VERSION}});
  values_.set("benchlab_start_time_seconds", unix_now());
  values_.set("benchlab_finished", 0);
  {
    std::lock_guard lock(mutex_);
    write_locked();  // throws here, in the caller, when the file cannot be written
  }
  writer_ = std::thread([this] { writer_loop(); });
}

MetricsFile::~MetricsFile() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    if (!finished_) {
      values_.set("benchlab_finished", 1);
      try {
        write_locked();
      } catch (...) {  // a destructor does not throw; the last good file stays
      }
    }
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void MetricsFile::update(const std::function<void(MetricValues&)>& change) {
  std::lock_guard lock(mutex_);
  change(values_);
}

void MetricsFile::finish(int exit_code) {
  std::lock_guard lock(mutex_);
  finished_ = true;
  values_.set("benchlab_finished", 1);
  values_.set("benchlab_exit_code", exit_code);
  try {
    write_locked();
  } catch (...) {  // the command's own outcome matters more than its last metrics write
  }
}

void MetricsFile::discard() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void MetricsFile::write_locked() {
  values_.set("benchlab_last_update_time_seconds", unix_now());
  // Not fsynced: a metrics file is rewritten in seconds and must not put the disk's
  // flush latency into the measurement it describes.
  write_atomically(path_, values_.exposition(), Durability::rename_only);
}

void MetricsFile::writer_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (wake_.wait_for(lock, interval_, [this] { return stop_; })) break;
    if (finished_) continue;
    try {
      write_locked();
    } catch (...) {  // a full disk must not end the read; the next interval tries again
    }
  }
}

}  // namespace benchlab
