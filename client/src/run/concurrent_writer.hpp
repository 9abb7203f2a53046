// --concurrent-writes ROWS_PER_SEC (does each run read one snapshot?): a writer of its own connection
// that, while the strategies read, inserts rows past the table's last key and
// updates rows inside the range being read, in one small transaction every 10 ms,
// so every snapshot taken later sees a different table. Strategies that share one
// snapshot still match the server's figures in it exactly; the broken control
// (--no-shared-snapshot) drifts — the test that can fail.
// The writer changes the table for good: it runs on the standard table only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "model/read_spec.hpp"

namespace benchlab {

class ConcurrentWriter {
 public:
  // Starts writing at once; throws (naming the table) when its first write fails.
  ConcurrentWriter(const std::string& conninfo, const ReadSpec& spec, double rows_per_sec);
  ~ConcurrentWriter();  // stops and joins the writer
  ConcurrentWriter(const ConcurrentWriter&) = delete;
  ConcurrentWriter& operator=(const ConcurrentWriter&) = delete;
  ConcurrentWriter(ConcurrentWriter&&) = delete;
  ConcurrentWriter& operator=(ConcurrentWriter&&) = delete;

  [[nodiscard]] std::uint64_t commits() const { return commits_.load(); }
  [[nodiscard]] std::uint64_t rows_inserted() const { return inserted_.load(); }
  [[nodiscard]] std::uint64_t rows_updated() const { return updated_.load(); }
  // Waits until at least `count` transactions have committed (throws the writer's
  // error if it stopped, or after 30 s).
  void wait_for_commits(std::uint64_t count) const;

 private:
  void loop();
  std::string conninfo_;
  std::string relation_sql_, key_sql_;
  std::int64_t lo_, hi_;
  double rows_per_sec_;
  std::int64_t next_key_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> commits_{0}, inserted_{0}, updated_{0};
  mutable std::mutex error_mutex_;
  std::string error_;
  std::thread thread_;
};

}  // namespace benchlab
