#include "run/concurrent_writer.hpp"

#include <fmt/format.h>

#include <random>
#include <stdexcept>

#include "model/errors.hpp"
#include "pg/connection.hpp"
#include "pg/error.hpp"

namespace benchlab {

namespace {

pg::SessionOptions writer_session() {
  pg::SessionOptions s;
  s.read_only = false;
  s.application_name = "benchclient-writer";
  return s;
}

constexpr auto kTick = std::chrono::milliseconds(10);

}  // namespace

ConcurrentWriter::ConcurrentWriter(const std::string& conninfo, const ReadSpec& spec, double rows_per_sec)
    : conninfo_(conninfo),
      relation_sql_(spec.relation_sql),
      key_sql_(spec.key_sql),
      lo_(spec.all.lo == kOpenStart ? 1 : spec.all.lo),
      hi_(spec.all.hi == kOpenEnd ? spec.all.lo : spec.all.hi),
      rows_per_sec_(rows_per_sec) {
  if (key_sql_.empty()) throw SettingFailed(SettingFailed::Problem::writer_needs_key);
  if (hi_ < lo_) hi_ = lo_;
  {
    // The first write here, so that a table we cannot write to fails the run now.
    pg::Connection conn = pg::Connection::open(conninfo_, writer_session());
    next_key_ =
        std::stoll(conn.query_value(fmt::format("SELECT coalesce(max({}), 0) + 1 FROM {}", key_sql_, relation_sql_)));
  }
  thread_ = std::thread([this] { loop(); });
}

ConcurrentWriter::~ConcurrentWriter() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void ConcurrentWriter::wait_for_commits(std::uint64_t count) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (commits_.load() < count) {
    {
      std::lock_guard lock(error_mutex_);
      if (!error_.empty()) throw SettingFailed(SettingFailed::Problem::writer_stopped, "", error_);
    }
    if (std::chrono::steady_clock::now() > deadline) throw SettingFailed(SettingFailed::Problem::writer_idle);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void ConcurrentWriter::loop() {
  try {
    pg::Connection conn = pg::Connection::open(conninfo_, writer_session());
    std::mt19937_64 random(12345);
    std::uniform_int_distribution<std::int64_t> in_range(lo_, hi_);
    double due = 0;
    auto next = std::chrono::steady_clock::now();
    while (!stop_.load()) {
      due += rows_per_sec_ * std::chrono::duration<double>(kTick).count();
      const auto rows = static_cast<std::int64_t>(due);
      if (rows > 0) {
        due -= static_cast<double>(rows);
        const std::int64_t updates = (rows + 1) / 2, inserts = rows - updates;  // one row: an update
        std::string ids;
        for (std::int64_t i = 0; i < updates; ++i) {
          if (i > 0) ids += ',';
          ids += std::to_string(in_range(random));
        }
        // Inserts past the last key (new keys: never inside a prefix read's range),
        // updates inside it (the rows every read of the range sees change).
        std::string sql = "BEGIN;";
        if (inserts > 0)
          sql += fmt::format(
              "INSERT INTO {0} ({1}, created_at, updated_at, category, payload, amount, is_active, source) "
              "SELECT g, now(), now(), 'writer', '{{}}'::jsonb, 0, true, 'concurrent-writer' "
              "FROM generate_series({2}::bigint, {3}::bigint) g;",
              relation_sql_, key_sql_, next_key_, next_key_ + inserts - 1);
        if (updates > 0)
          sql += fmt::format("UPDATE {} SET amount = amount + 0.01, updated_at = now() WHERE {} IN ({});",
                             relation_sql_, key_sql_, ids);
        sql += "COMMIT";
        conn.exec(sql);
        next_key_ += inserts;
        inserted_ += static_cast<std::uint64_t>(inserts);
        updated_ += static_cast<std::uint64_t>(updates);
        ++commits_;
      }
      next += kTick;
      std::this_thread::sleep_until(next);  // pacing: the rate, not a wait for a state
    }
  } catch (const std::exception& e) {
    std::lock_guard lock(error_mutex_);
    error_ = pg::one_line(e.what());
  }
}

}  // namespace benchlab
