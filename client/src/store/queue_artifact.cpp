#include "store/queue_artifact.hpp"

#include <fmt/format.h>

#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"
#include "store/field_list.hpp"
#include "store/file_header.hpp"

namespace benchlab {

using json_fields::Json;

namespace {

using namespace json_fields;

auto options_fields() {
  using O = QueueOptions;
  return fields(field("profiles", &O::profiles), field("concurrency", &O::concurrency), field("jobs", &O::jobs),
                field("samples", &O::samples), field("dequeue_batch", &O::dequeue_batch),
                field("lease_ms", &O::lease_ms), field("invalid_every", &O::invalid_every),
                field("crash_test", &O::crash_test), field("crashes", &O::crashes));
}

auto sample_fields() {
  using S = QueueSample;
  return fields(field("profile", &S::profile).required(), field("concurrency", &S::concurrency).required(),
                field("jobs", &S::jobs), field("jobs_per_sec", &S::jobs_per_sec).required(),
                field("exactly_once", &S::exactly_once), field("wall_s", &S::wall_s),
                field("acknowledged", &S::acknowledged), field("duplicate_acks", &S::duplicate_acks),
                field("succeeded_rows", &S::succeeded_rows), field("reclaimed", &S::reclaimed),
                field("error", &S::error).null_if_default());
}

auto enqueue_fields() {
  using E = EnqueueResult;
  return fields(field("profile", &E::profile).required(), field("method", &E::method).required(),
                field("rows", &E::rows), field("rows_per_sec", &E::rows_per_sec).required(),
                field("rejected", &E::rejected), field("wall_s", &E::wall_s));
}

auto crash_fields() {
  using C = CrashResult;
  return fields(field("profile", &C::profile).required(), field("synchronous_commit", &C::synchronous_commit),
                field("wal_writer_delay", &C::wal_writer_delay), field("crashes", &C::crashes),
                field("confirmed_commits", &C::confirmed_commits).required(),
                field("lost_commits", &C::lost_commits).required());
}

}  // namespace

BENCHLAB_JSON_FROM_FIELDS(QueueOptions, options_fields())
BENCHLAB_JSON_FROM_FIELDS(QueueSample, sample_fields())
BENCHLAB_JSON_FROM_FIELDS(EnqueueResult, enqueue_fields())
BENCHLAB_JSON_FROM_FIELDS(CrashResult, crash_fields())

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

// Each profile's server settings: [{"profile": name, "settings": {name: value, …}}, …].
const auto kProfileSettings = Codec{[](const std::vector<std::pair<std::string, Settings>>& profiles) {
                                      Json out = Json::array();
                                      for (const auto& [name, settings] : profiles) {
                                        Json s = Json::object();
                                        for (const auto& [k, v] : settings) s[k] = v;
                                        out.push_back(Json{{"profile", name}, {"settings", s}});
                                      }
                                      return out;
                                    },
                                    [](const Json& j, std::vector<std::pair<std::string, Settings>>& profiles) {
                                      if (!j.is_array()) return;
                                      for (const auto& p : j) {
                                        if (!p.is_object()) continue;
                                        Settings settings;
                                        if (const auto s = p.find("settings"); s != p.end() && s->is_object())
                                          for (const auto& [k, v] : s->items())
                                            settings.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
                                        profiles.emplace_back(p.value("profile", ""), std::move(settings));
                                      }
                                    }};

// Everything after the header and its context.
auto body_fields() {
  using Q = QueueArtifact;
  return fields(field("queue_options", &Q::options), group("status", field("complete", &Q::complete)),
                field("profiles", &Q::profile_settings).as(kProfileSettings),
                field("queue_samples", &Q::samples).required(),
                derived("queue_summary",
                        [](const Q& a) {
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
                          return summary;
                        }),  // derived from queue_samples
                field("enqueue", &Q::enqueue), field("crash_test", &Q::crash_test));
}

}  // namespace

Json queue_artifact_json(const QueueArtifact& a) {
  Json doc = file_document(file_kind::queue, kQueueSchemaVersion, Json(a.context));
  write_fields(doc, a, body_fields());
  return doc;
}

void from_json(const Json& j, QueueArtifact& a) {
  need(j, "context", a.context);
  read_fields(j, a, body_fields());
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
