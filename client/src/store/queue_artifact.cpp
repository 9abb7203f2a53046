#include "store/queue_artifact.hpp"

#include <fmt/format.h>

#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"
#include "store/file_header.hpp"

namespace benchlab {

using Json = nlohmann::ordered_json;

Json queue_artifact_json(const QueueArtifact& a) {
  Json context = a.context;
  Json profiles = Json::array();
  for (const auto& [name, settings] : a.profile_settings) {
    Json s = Json::object();
    for (const auto& [k, v] : settings) s[k] = v;
    profiles.push_back(Json{{"profile", name}, {"settings", s}});
  }
  Json samples = Json::array();
  for (const auto& s : a.samples)
    samples.push_back(Json{{"profile", s.profile},
                           {"concurrency", s.concurrency},
                           {"jobs", s.jobs},
                           {"jobs_per_sec", s.jobs_per_sec},
                           {"exactly_once", s.exactly_once},
                           {"wall_s", s.wall_s},
                           {"acknowledged", s.acknowledged},
                           {"duplicate_acks", s.duplicate_acks},
                           {"succeeded_rows", s.succeeded_rows},
                           {"reclaimed", s.reclaimed},
                           {"error", s.error.empty() ? Json(nullptr) : Json(s.error)}});
  Json enqueue = Json::array();
  for (const auto& e : a.enqueue)
    enqueue.push_back(Json{{"profile", e.profile},
                           {"method", e.method},
                           {"rows", e.rows},
                           {"rows_per_sec", e.rows_per_sec},
                           {"rejected", e.rejected},
                           {"wall_s", e.wall_s}});
  Json crash = Json::array();
  for (const auto& c : a.crash_test)
    crash.push_back(Json{{"profile", c.profile},
                         {"synchronous_commit", c.synchronous_commit},
                         {"wal_writer_delay", c.wal_writer_delay},
                         {"crashes", c.crashes},
                         {"confirmed_commits", c.confirmed_commits},
                         {"lost_commits", c.lost_commits}});
  Json summary = Json::array();
  for (const auto& profile : a.options.profiles)
    for (const int c : a.options.concurrency) {
      const MeanStddev m = jobs_per_sec_of(a.samples, profile, c);
      if (m.count == 0) continue;
      summary.push_back(Json{{"profile", profile},
                             {"concurrency", c},
                             {"jobs_per_sec_mean", m.mean},
                             {"stddev", m.stddev},
                             {"samples", m.count}});
    }
  Json doc = file_document(file_kind::queue, kQueueSchemaVersion, std::move(context));
  const Json body{{"queue_options", Json{{"profiles", a.options.profiles},
                                         {"concurrency", a.options.concurrency},
                                         {"jobs", a.options.jobs},
                                         {"samples", a.options.samples},
                                         {"dequeue_batch", a.options.dequeue_batch},
                                         {"lease_ms", a.options.lease_ms},
                                         {"invalid_every", a.options.invalid_every},
                                         {"crash_test", a.options.crash_test},
                                         {"crashes", a.options.crashes}}},
                  {"status", Json{{"complete", a.complete}}},
                  {"profiles", profiles},
                  {"queue_samples", samples},
                  {"queue_summary", summary},  // derived from queue_samples
                  {"enqueue", enqueue},
                  {"crash_test", crash}};
  doc.update(body);
  return doc;
}

std::filesystem::path write_queue_artifact(const QueueArtifact& a, const std::filesystem::path& dir) {
  const std::filesystem::path file = fresh_result_path(dir, "queue");
  write_atomically(file, queue_artifact_json(a).dump(2) + "\n");
  return file;
}

void print_queue_tables(std::FILE* out, const QueueArtifact& a) {
  if (!a.samples.empty()) {
    fmt::print(out, "\ndequeue: {} jobs per sample, batch {}, mean ± standard deviation over the samples\n",
               a.options.jobs, a.options.dequeue_batch);
    fmt::print(out, "{:<14} {:>11} {:>13} {:>10} {:>8}  {}\n", "profile", "concurrency", "jobs/s mean", "stddev",
               "samples", "exactly once");
    for (const auto& profile : a.options.profiles)
      for (const int c : a.options.concurrency) {
        const MeanStddev m = jobs_per_sec_of(a.samples, profile, c);
        int asked = 0, exact = 0;
        std::string errors;
        for (const auto& s : a.samples)
          if (s.profile == profile && s.concurrency == c) {
            ++asked;
            exact += s.exactly_once ? 1 : 0;
            if (!s.error.empty()) errors = s.error;
          }
        if (asked == 0) continue;
        fmt::print(out, "{:<14} {:>11} {:>13.0f} {:>10.0f} {:>8}  {}/{}{}\n", profile, c, m.mean, m.stddev, m.count,
                   exact, asked, errors.empty() ? "" : "  FAILED: " + errors);
      }
  }
  if (!a.enqueue.empty()) {
    fmt::print(out, "\nenqueue: {} jobs each (savepoints: every {}th payload refused by the CHECK)\n", a.options.jobs,
               a.options.invalid_every);
    fmt::print(out, "{:<14} {:<18} {:>8} {:>9} {:>12}\n", "profile", "method", "rows", "refused", "rows/s");
    for (const auto& e : a.enqueue)
      fmt::print(out, "{:<14} {:<18} {:>8} {:>9} {:>12.0f}\n", e.profile, e.method, e.rows, e.rejected, e.rows_per_sec);
  }
  if (!a.crash_test.empty()) {
    fmt::print(out,
               "\ncrash test: the server SIGKILLed mid-run and restarted; confirmed commits whose effect is gone\n");
    fmt::print(out, "{:<14} {:<19} {:>8} {:>18} {:>13}\n", "profile", "synchronous_commit", "crashes",
               "confirmed commits", "lost commits");
    for (const auto& c : a.crash_test)
      fmt::print(out, "{:<14} {:<19} {:>8} {:>18} {:>13}\n", c.profile, c.synchronous_commit, c.crashes,
                 c.confirmed_commits, c.lost_commits);
  }
  std::fflush(out);
}

}  // namespace benchlab
