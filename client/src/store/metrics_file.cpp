#include "store/metrics_file.hpp"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "store/artifact_file.hpp"

namespace benchlab {

namespace {

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

}  // namespace

MetricsFile::MetricsFile(std::filesystem::path path, std::chrono::milliseconds interval, const std::string& command,
                         MetricLabels labels)
    : path_(std::move(path)), interval_(interval) {
  constant_.emplace_back("command", command);
  constant_.insert(constant_.end(), labels.begin(), labels.end());
  values_.set("benchlab_info", 1, {{"version", BENCHLAB_VERSION}});
  values_.set("benchlab_start_time_seconds", unix_now());
  values_.set("benchlab_finished", 0);
  write(false);  // throws here, in the caller, when the file cannot be written
  writer_ = std::thread([this] { writer_loop(); });
}

MetricsFile::~MetricsFile() {
  bool unfinished = false;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    unfinished = !finished_;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (unfinished) {
    try {
      update([](MetricValues& m) { m.set("benchlab_finished", 1); });
      write(true);
    } catch (...) {  // a destructor does not throw; the last good file stays
    }
  }
}

void MetricsFile::update(const std::function<void(MetricValues&)>& change) {
  std::lock_guard lock(mutex_);
  change(values_);
}

void MetricsFile::finish(int exit_code) {
  update([exit_code](MetricValues& m) {
    m.set("benchlab_finished", 1);
    m.set("benchlab_exit_code", exit_code);
  });
  try {
    write(true);
  } catch (...) {  // the command's own outcome matters more than its last metrics write
  }
}

void MetricsFile::discard() {
  std::lock_guard write_lock(write_mutex_);
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void MetricsFile::write(bool last) {
  std::lock_guard write_lock(write_mutex_);
  std::string text;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;  // the last write was made (or the file discarded): nothing after it
    if (last) finished_ = true;
    values_.set("benchlab_last_update_time_seconds", unix_now());
    text = values_.exposition(constant_);
  }
  // Not fsynced: a metrics file is rewritten in seconds and must not put the disk's
  // flush latency into the measurement it describes.
  write_atomically(path_, text, Durability::rename_only);
}

void MetricsFile::writer_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (wake_.wait_for(lock, interval_, [this] { return stop_; })) break;
    lock.unlock();
    try {
      write(false);
    } catch (...) {  // a full disk must not end the read; the next interval tries again
    }
    lock.lock();
  }
}

}  // namespace benchlab
