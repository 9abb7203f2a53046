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
                field("crash_test", &O::crash_test), field("crashes", &O::crashes),
                field("payload_bytes", &O::payload_bytes));
}

auto sample_fields() {
  using S = QueueSample;
  return fields(field("profile", &S::profile).required(), field("concurrency", &S::concurrency).required(),
                field("payload_bytes", &S::payload_bytes), field("jobs", &S::jobs),
                field("jobs_per_sec", &S::jobs_per_sec).required(), field("claim_us", &S::claim_us),
                field("complete_us", &S::complete_us), field("wal_bytes_per_job", &S::wal_bytes_per_job),
                field("seed_wal_bytes_per_job", &S::seed_wal_bytes_per_job),
                field("exactly_once", &S::exactly_once), field("wall_s", &S::wall_s),
                field("acknowledged", &S::acknowledged), field("duplicate_acks", &S::duplicate_acks),
                field("succeeded_rows", &S::succeeded_rows), field("reclaimed", &S::reclaimed),
                field("error", &S::error).null_if_default());
}

auto bound_fields() {
  using B = QueueBound;
  return fields(field("profile", &B::profile).required(), field("payload_bytes", &B::payload_bytes),
                field("jobs", &B::jobs), field("jobs_per_sec", &B::jobs_per_sec).required(),
                field("wall_s", &B::wall_s), field("claim_us", &B::claim_us), field("complete_us", &B::complete_us),
                field("wal_bytes_per_job", &B::wal_bytes_per_job));
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
BENCHLAB_JSON_FROM_FIELDS(QueueBound, bound_fields())
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
                field("queue_samples", &Q::samples).required(), field("queue_bound", &Q::bounds),
                derived("queue_summary",
                        [](const Q& a) {
                          Json summary = Json::array();
                          for (const QueueLevel& l : queue_levels(a.samples, a.bounds)) {
                            if (l.jobs_per_sec.count == 0) continue;
                            summary.push_back(queue_level_json(l));
                          }
                          return summary;
                        }),  // derived from queue_samples and queue_bound
                field("enqueue", &Q::enqueue), field("crash_test", &Q::crash_test));
}

}  // namespace

Json queue_level_json(const QueueLevel& l) {
  Json level{{"profile", l.profile},
             {"payload_bytes", l.payload_bytes},
             {"concurrency", l.concurrency},
             {"jobs_per_sec_mean", l.jobs_per_sec.mean},
             {"stddev", l.jobs_per_sec.stddev},
             {"samples", l.jobs_per_sec.count},
             {"wal_bytes_per_job", l.wal_bytes_per_job}};
  if (l.bound.count > 0) {
    level["bound_jobs_per_sec"] = l.bound.mean;
    level["fraction_of_bound"] = l.fraction_of_bound;
  }
  return level;
}

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
    fmt::print(out,
               "\ndequeue: {} jobs per sample, batch {}, mean ± standard deviation over the samples; the bound: two "
               "UPDATEs by primary key per job, one connection, measured beside them\n",
               a.options.jobs, a.options.dequeue_batch);
    fmt::print(out, "{:<14} {:>9} {:>11} {:>13} {:>10} {:>9} {:>9} {:>11} {:>12}  {}\n", "profile", "payload",
               "concurrency", "jobs/s mean", "stddev", "bound", "of bound", "WAL B/job", "seed WAL B/j", "exactly once");
    const auto levels = queue_levels(a.samples, a.bounds);
    for (const QueueLevel& l : levels) {
      std::string errors;
      for (const auto& s : a.samples)
        if (s.profile == l.profile && s.concurrency == l.concurrency && s.payload_bytes == l.payload_bytes &&
            !s.error.empty())
          errors = s.error;
      fmt::print(out, "{:<14} {:>9} {:>11} {:>13.0f} {:>10.0f} {:>9} {:>9} {:>11.0f} {:>12.0f}  {}/{}{}\n", l.profile,
                 payload_label(l.payload_bytes), l.concurrency, l.jobs_per_sec.mean, l.jobs_per_sec.stddev,
                 l.bound.count > 0 ? fmt::format("{:.0f}", l.bound.mean) : "-",
                 l.bound.count > 0 ? fmt::format("{:.2f}", l.fraction_of_bound) : "-", l.wal_bytes_per_job,
                 l.seed_wal_bytes_per_job, l.exactly_once, l.samples, errors.empty() ? "" : "  FAILED: " + errors);
    }
    for (const QueueLevel& l : levels)
      if (const std::string v = bound_verdict(l); !v.empty()) fmt::print(out, "{}\n", v);
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
