// --metrics-file: the command's metrics (model/metrics.hpp) rewritten atomically
// every interval while it runs, and once more when it ends, in node_exporter's
// textfile-collector convention: a reader (the collector, promtool, cat) sees
// either the previous file or the next one, never half of one, and the
// temporary file is a hidden one in the same directory, so a collector's *.prom
// glob never picks it up.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "model/metrics.hpp"

namespace benchlab {

class MetricsFile {
 public:
  // Writes the first file before it returns (throws a one-line std::runtime_error
  // when it cannot: the caller's bad input), then rewrites it every `interval`.
  // `command`: run, verify or queue, a label of every series, with `labels` (the user's).
  MetricsFile(std::filesystem::path path, std::chrono::milliseconds interval, const std::string& command,
              MetricLabels labels = {});
  // Stops the writer; a file not yet finished says finished 1 without an exit code.
  ~MetricsFile();
  MetricsFile(const MetricsFile&) = delete;
  MetricsFile& operator=(const MetricsFile&) = delete;

  // Changes the values under the file's lock (from any thread); the next write shows them.
  void update(const std::function<void(MetricValues&)>& change);
  // The command has ended with `exit_code`: the last write, at once.
  void finish(int exit_code);
  // The command turned out to be bad input: the file is removed (and not written again).
  void discard();

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  // Renders the values (under mutex_, briefly) and writes them (under write_mutex_
  // only: update() never waits for the disk). `last`: the command's last write.
  void write(bool last);
  void writer_loop();

  std::filesystem::path path_;
  std::chrono::milliseconds interval_;
  MetricLabels constant_;
  std::mutex write_mutex_;  // one write at a time, in order; taken before mutex_
  std::mutex mutex_;        // the values and flags below
  std::condition_variable wake_;
  bool stop_ = false;
  bool finished_ = false;
  MetricValues values_;
  std::thread writer_;
};

}  // namespace benchlab
