// The measurement harness: medians, latency percentiles, the Harness's figures.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli/progress_lines.hpp"
#include "measure/harness.hpp"
#include "measure/run_backends.hpp"
#include "model/latency_histogram.hpp"
#include "model/summary.hpp"

using benchlab::Harness;
using benchlab::HarnessOptions;
using benchlab::LatencyHistogram;
using benchlab::summarize;

TEST_CASE("summarize: median, min and max over runs", "[measure]") {
  auto s = summarize({3.0, 1.0, 2.0});
  CHECK(s.median == 2.0);
  CHECK(s.min == 1.0);
  CHECK(s.max == 3.0);
  CHECK(s.count == 3);

  s = summarize({4.0, 1.0, 3.0, 2.0});
  CHECK(s.median == 2.5);  // mean of the middle two
  CHECK(s.min == 1.0);
  CHECK(s.max == 4.0);

  s = summarize({7.5});
  CHECK(s.median == 7.5);
  CHECK(s.min == 7.5);

  s = summarize({});
  CHECK(s.count == 0);
  CHECK(s.median == 0.0);
}

TEST_CASE("LatencyHistogram: percentiles within the bucket precision", "[measure]") {
  LatencyHistogram h;
  for (std::uint64_t us = 1; us <= 1000; ++us) h.record(us * 1000);  // 1 µs .. 1 ms, uniform
  CHECK(h.total == 1000);
  const auto p50 = static_cast<double>(h.percentile(0.50));
  const auto p95 = static_cast<double>(h.percentile(0.95));
  const auto p99 = static_cast<double>(h.percentile(0.99));
  CHECK(p50 == Approx(500'000.0).epsilon(0.07));
  CHECK(p95 == Approx(950'000.0).epsilon(0.07));
  CHECK(p99 == Approx(990'000.0).epsilon(0.07));
  CHECK(h.percentile(1.0) == 1'000'000);  // capped at the true maximum
  CHECK(p50 <= p95);
  CHECK(p95 <= p99);

  LatencyHistogram empty;
  CHECK(empty.percentile(0.5) == 0);
}

TEST_CASE("LatencyHistogram: merging per-thread histograms equals one histogram", "[measure]") {
  LatencyHistogram a, b, all;
  for (std::uint64_t i = 1; i <= 500; ++i) {
    a.record(i * 10'000);
    all.record(i * 10'000);
  }
  for (std::uint64_t i = 501; i <= 1000; ++i) {
    b.record(i * 10'000);
    all.record(i * 10'000);
  }
  a.merge(b);
  CHECK(a.total == all.total);
  CHECK(a.max_ns == all.max_ns);
  for (double q : {0.5, 0.95, 0.99}) CHECK(a.percentile(q) == all.percentile(q));
}

TEST_CASE("Harness: batches from several threads, totals, clocks and RSS", "[measure]") {
  HarnessOptions options;
  options.label = "test";
  Harness h("", options);
  h.start();
  h.mark_query_sent();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  h.mark_first_row();
  h.mark_first_row();  // the first call wins
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 100; ++i) h.record_batch(10, 40, std::chrono::microseconds(100 + i));
      benchlab::DecodeTotals totals;
      totals.rows = 1000;
      totals.bytes = 4000;
      totals.checksum.add_row(7);
      h.add_totals(totals);
    });
  }
  for (auto& t : threads) t.join();
  // Burn a little CPU and memory so the accounting has something to see.
  std::vector<char> block(32 << 20, 1);
  volatile unsigned sum = 0;
  for (std::size_t i = 0; i < block.size(); i += 4096) sum = sum + static_cast<unsigned>(block[i]);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  h.add_pool_wait(std::chrono::milliseconds(2));
  h.note("fallback taken");
  h.note("fallback taken");
  const auto f = h.finish();
  CHECK(f.rows == 4000);
  CHECK(f.bytes == 16000);
  CHECK(f.checksum == 28);
  CHECK(f.batches == 400);
  CHECK(f.latency_p50_ms > 0.09);
  CHECK(f.latency_p99_ms < 0.25);
  REQUIRE(f.ttfr_ms.has_value());
  CHECK(*f.ttfr_ms >= 4.0);
  CHECK(f.wall_s > 0.03);
  CHECK(f.rows_per_sec == Approx(4000.0 / f.wall_s));
  REQUIRE(f.peak_rss_bytes.has_value());
  CHECK(*f.peak_rss_bytes >= (32u << 20));  // resident at finish(): its own last sample sees it
  CHECK(f.maxrss_bytes >= (32u << 20));
  CHECK(f.pool_wait_s == Approx(0.002));
  CHECK(f.notes.size() == 1);
  CHECK_FALSE(f.server_cpu_user_s.has_value());  // nothing charged it
}

TEST_CASE("Harness: times taken elsewhere (forked workers), their rows and RSS", "[measure]") {
  HarnessOptions options;
  options.label = "test";
  Harness h("", options);
  h.start();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Reported late and out of order, as the parent reads the slots: the earliest time wins.
  h.mark_query_sent(t0 + std::chrono::milliseconds(5));
  h.mark_first_row(t0 + std::chrono::milliseconds(9));
  h.mark_query_sent(t0 + std::chrono::milliseconds(2));
  h.mark_first_row(t0 + std::chrono::milliseconds(12));
  h.mark_first_row();  // now: later than both
  h.add_progress(500, 2000);
  h.add_worker_peak_rss(10u << 20);
  h.add_worker_peak_rss(14u << 20);
  const auto f = h.finish();
  REQUIRE(f.ttfr_ms.has_value());
  CHECK(*f.ttfr_ms == Approx(7.0).margin(0.01));
  CHECK(f.batches == 0);  // progress rows carry no latency
  CHECK(f.worker_peak_rss == std::vector<std::uint64_t>{10u << 20, 14u << 20});
  REQUIRE(f.worker_peak_rss_bytes.has_value());
  CHECK(*f.worker_peak_rss_bytes == (14u << 20));
  REQUIRE(f.parent_peak_rss_bytes.has_value());
  REQUIRE(f.peak_rss_bytes.has_value());
  CHECK(*f.parent_peak_rss_bytes <= *f.peak_rss_bytes);
}

TEST_CASE("Harness: the observer switched off samples nothing and charges no server CPU", "[measure]") {
  HarnessOptions options;
  options.observe = false;
  Harness h("", options);
  CHECK_FALSE(h.meter_server_cpu());
  h.start();
  h.add_server_cpu({1000, 2000});
  h.record_batch(5, 20, std::chrono::milliseconds(1));
  const auto f = h.finish();
  CHECK_FALSE(f.peak_rss_bytes.has_value());
  CHECK_FALSE(f.parent_peak_rss_bytes.has_value());
  CHECK_FALSE(f.worker_peak_rss_bytes.has_value());
  CHECK_FALSE(f.server_cpu_user_s.has_value());
  CHECK(f.batches == 1);
  CHECK_FALSE(f.ttfr_ms.has_value());
}

TEST_CASE("Harness: server CPU charged by connections is summed", "[measure]") {
  Harness h("", {});
  h.start();
  h.add_server_cpu({1000, 500});
  h.add_server_cpu({2000, 0});
  const auto f = h.finish();
  REQUIRE(f.server_cpu_user_s.has_value());
  CHECK(*f.server_cpu_user_s == Approx(0.003));
  CHECK(*f.server_cpu_sys_s == Approx(0.0005));
}

namespace {
benchlab::LiveProgress live_figures(std::string label, std::uint64_t rows, std::uint64_t expected, double rate,
                                    std::optional<std::uint64_t> rss, std::vector<benchlab::WorkerProgress> workers) {
  benchlab::LiveProgress now;
  now.label = std::move(label);
  now.rows = rows;
  now.expected_rows = expected;
  now.rows_per_sec = rate;
  now.peak_rss = rss;
  now.workers = std::move(workers);
  return now;
}
}  // namespace

TEST_CASE("Harness: the progress line shows each forked worker's rows and how far its share is read", "[measure]") {
  using benchlab::cli::progress_line;
  CHECK(progress_line(live_figures("multiprocessing run 1/3", 1500, 10000, 750, std::nullopt, {})) ==
        "  multiprocessing run 1/3: 1500 / 10000 rows, 750 rows/s");
  // Worker 1 has finished a part: its share is read through key 15000 (the part's upper bound).
  CHECK(progress_line(live_figures("multiprocessing run 1/3", 1500, 10000, 750, std::nullopt,
                                   {{1000, benchlab::WorkerProgress::kNotYet}, {500, 15000}})) ==
        "  multiprocessing run 1/3: 1500 / 10000 rows, 750 rows/s, workers 0:1000 1:500@15000");
  const std::string with_rss =
      progress_line(live_figures("x", 1, 2, 3, 16ULL << 20, {{7, benchlab::WorkerProgress::kNotYet}}));
  CHECK(with_rss.find("peak RSS 16.0 MiB, workers 0:7") != std::string::npos);
}

TEST_CASE("run backends: a read is an active FETCH, COPY or SELECT that is not a benchlab function", "[measure]") {
  using benchlab::RunBackend;
  const auto backend = [](std::string app, std::string state, std::string query) {
    return RunBackend{1, "client backend", std::move(app), std::move(state), std::move(query)};
  };
  CHECK(is_active_read(backend("benchclient", "active", "FETCH FORWARD 5000 FROM benchlab_cursor")));
  CHECK(is_active_read(backend("benchclient", "active", "  copy (SELECT 1) TO STDOUT")));
  CHECK(is_active_read(backend("benchclient", "active", "SELECT id FROM public.benchlab_records")));
  CHECK_FALSE(is_active_read(backend("benchclient", "idle in transaction", "FETCH FORWARD 5000 FROM c")));
  CHECK_FALSE(is_active_read(backend("benchclient", "active", "SELECT benchlab.backend_cpu()")));
  CHECK_FALSE(is_active_read(backend("benchclient", "active", "SELECT pg_export_snapshot()")));
  CHECK_FALSE(is_active_read(backend("benchclient", "active", "DECLARE c NO SCROLL CURSOR FOR SELECT 1")));

  const std::vector<RunBackend> coordinator_reading{backend("benchclient", "active", "FETCH FORWARD 10 FROM c")};
  CHECK(read_in_progress(coordinator_reading, "pooled_sync", 2));
  CHECK_FALSE(benchlab::read_in_progress({}, "naive", 2));
  // multiprocessing: only once its forked workers are connected and one reads.
  CHECK_FALSE(read_in_progress(coordinator_reading, "multiprocessing", 2));
  std::vector<RunBackend> workers{backend("benchclient", "idle in transaction", "SELECT pg_export_snapshot()"),
                                  backend("benchclient-worker", "active", "FETCH FORWARD 10 FROM c"),
                                  backend("benchclient-worker", "idle in transaction", "FETCH FORWARD 10 FROM c")};
  CHECK(read_in_progress(workers, "multiprocessing", 2));
  workers.pop_back();
  CHECK_FALSE(read_in_progress(workers, "multiprocessing", 2));
}
