// Peak memory and time of the naive strategy's decoding: one SELECT of N rows of
// the standard table, kept decoded in a DecodedRows that owns the PGresult.
// Usage (PG* environment, e.g. under `benchclient with-cluster --`):
//   decode_memory [rows=1000000] [text|binary]
#include <sys/resource.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "decode/decoded_rows.hpp"
#include "decode/row_decoder.hpp"
#include "pg/connection.hpp"

// Counts C++ heap allocations (operator new; the nothrow and array forms of
// libstdc++ go through it) to show that consume() allocates nothing per row.
static std::atomic<std::uint64_t> g_allocations{0};
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
  const long long rows = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const bool binary = argc > 2 && std::string(argv[2]) == "binary";
  benchlab::pg::SessionOptions options;
  options.read_only = false;
  const auto conn = benchlab::pg::Connection::open("", options);
  conn.exec("CREATE EXTENSION IF NOT EXISTS benchlab");
  conn.exec("SELECT benchlab.seed_records('public.records', " + std::to_string(rows) + ")");
  const long before = peak_rss_kib();

  const auto t0 = std::chrono::steady_clock::now();
  benchlab::DecodedRows kept;
  const PGresult* result = kept.adopt(conn.exec_params(
      "SELECT * FROM public.records WHERE id BETWEEN 1 AND " + std::to_string(rows), {}, binary ? 1 : 0));
  const auto t1 = std::chrono::steady_clock::now();
  const double c1 = cpu_ms();
  benchlab::RowDecoder decoder;
  decoder.consume_and_keep(result, kept);
  const auto t2 = std::chrono::steady_clock::now();
  const double c2 = cpu_ms();

  benchlab::RowDecoder plain;
  const std::uint64_t allocations_before = g_allocations.load();
  plain.consume(result);
  const std::uint64_t consume_allocations = g_allocations.load() - allocations_before;
  const auto t3 = std::chrono::steady_clock::now();
  const double c3 = cpu_ms();

  const auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf("format %s rows %llu\n", binary ? "binary" : "text", static_cast<unsigned long long>(kept.rows()));
  std::printf("PGresult %.1f MB, decoded columns %.1f MB, arena copies %.1f MB\n",
              static_cast<double>(PQresultMemorySize(result)) / 1e6, static_cast<double>(kept.decoded_bytes()) / 1e6,
              static_cast<double>(kept.copied_bytes()) / 1e6);
  std::printf("peak RSS before query %.1f MB, after keep %.1f MB\n", static_cast<double>(before) / 1024.0,
              static_cast<double>(peak_rss_kib()) / 1024.0);
  const auto per_row = [rows](double ms_) { return ms_ * 1e6 / static_cast<double>(rows); };
  std::printf(
      "fetch %.0f ms wall; consume_and_keep %.0f ms wall, %.0f ns/row CPU; consume %.0f ms wall, %.0f ns/row CPU; fold "
      "%llx\n",
      ms(t0, t1), ms(t1, t2), per_row(c2 - c1), ms(t2, t3), per_row(c3 - c2),
      static_cast<unsigned long long>(plain.value_fold()));
  std::printf("heap allocations during consume() of %llu rows (a fresh RowDecoder, warm-up included): %llu\n",
              static_cast<unsigned long long>(rows), static_cast<unsigned long long>(consume_allocations));
  return decoder.totals().checksum == plain.totals().checksum ? 0 : 1;
}
