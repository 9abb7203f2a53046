#include "model/fanout.hpp"

#include <algorithm>
#include <map>

#include "model/figures.hpp"

namespace benchlab {

bool valid_fanout_job_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  const auto ok = [](char c, bool first) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '-'));
  };
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!ok(name[i], i == 0)) return false;
  return true;
}

namespace {

struct Span {
  double first = 0, last = 0;
  bool any = false;
  void add(double from, double to) {
    first = any ? std::min(first, from) : from;
    last = any ? std::max(last, to) : to;
    any = true;
  }
};

void finish_share(FanoutShare& s, const Span& span) {
  s.span_s = span.any ? std::max(0.0, span.last - span.first) : 0;
  s.rows_per_sec = s.span_s > 0 ? static_cast<double>(s.rows) / s.span_s : 0;
}

}  // namespace

void summarise_fanout(FanoutFigures& f) {
  f.rows = f.bytes = f.checksum = 0;
  f.reoffers = 0;
  f.workers.clear();
  f.hosts.clear();
  SetDigest digest{};
  bool any_digest = false;
  Span job;
  std::map<std::string, std::pair<FanoutShare, Span>> workers, hosts;
  double setup = 0, connection_time = 0, copy_time = 0;
  int done = 0;
  for (const FanoutPart& p : f.parts) {
    f.reoffers += p.reoffers;
    if (p.state != "done") continue;
    ++done;
    f.rows += p.rows;
    f.bytes += p.bytes;
    f.checksum += p.checksum;  // SetChecksum: a sum of the rows' hashes, mod 2^64
    if (p.digest) {
      digest.merge(*p.digest);
      any_digest = true;
    }
    job.add(p.claimed_at_s, p.confirmed_at_s);
    setup += p.setup_s;
    copy_time += p.read_s;
    for (const auto& [map, key] : {std::pair{&workers, p.worker}, std::pair{&hosts, p.host}}) {
      auto& [share, span] = (*map)[key];
      share.name = key;
      share.parts += 1;
      share.rows += p.rows;
      share.bytes += p.bytes;
      share.read_s += p.read_s;
      span.add(p.claimed_at_s, p.confirmed_at_s);
    }
    auto& w = workers[p.worker].first;
    w.host = p.host;
    w.connections = std::max(w.connections, p.connections);
  }
  if (any_digest) f.digest = digest;
  f.read_wall_s = job.any ? std::max(0.0, job.last - job.first) : 0;
  f.rows_per_sec = f.read_wall_s > 0 ? static_cast<double>(f.rows) / f.read_wall_s : 0;
  std::vector<double> rows, spans;
  for (auto& [name, entry] : workers) {
    finish_share(entry.first, entry.second);
    connection_time += entry.first.span_s * std::max(1, entry.first.connections);
    hosts[entry.first.host].first.connections += entry.first.connections;
    rows.push_back(static_cast<double>(entry.first.rows));
    spans.push_back(entry.first.span_s);
    f.workers.push_back(entry.first);
  }
  for (auto& [name, entry] : hosts) {
    finish_share(entry.first, entry.second);
    f.hosts.push_back(entry.first);
  }
  f.worker_rows_cv = coefficient_of_variation(rows);
  f.worker_span_cv = coefficient_of_variation(spans);
  f.overhead_per_part_s = done > 0 ? std::max(0.0, connection_time - copy_time) / done : 0;
  f.setup_per_part_s = done > 0 ? setup / done : 0;

  const bool complete = done == static_cast<int>(f.parts.size());
  if (f.expected_rows) f.rows_match = complete && f.rows == *f.expected_rows;
  if (f.expected_checksum) f.checksum_match = complete && f.checksum == *f.expected_checksum;
  if (f.expected_digest && f.digest) f.digest_match = complete && *f.digest == *f.expected_digest;
}

}  // namespace benchlab
