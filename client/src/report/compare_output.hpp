// `benchclient compare`: what differs between two artifacts — their datasets (refused
// unless --force), the sizes and strategies each has, and the context they were
// measured in (machine, PostgreSQL, settings, commit) — and the comparison as
// Markdown or JSON. docs/compare.md says which differences stop a comparison from
// being like for like, and why.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/compare.hpp"
#include "model/context.hpp"

namespace benchlab {

// Why two artifacts are not of the same dataset (table, whole table or not, format,
// workers, split, batch size), one item each; empty: comparable. The sizes are not a
// dataset difference: the sizes both have are compared, the others named.
[[nodiscard]] std::vector<std::string> dataset_differences(const Artifact& base, const Artifact& fresh);

// One thing the two artifacts' contexts differ in. Not like for like (`like_for_like`
// false): an incomplete run on either side (it stopped before every size/profile
// was measured), another machine (CPU model), another CPU count (the host's, or the CPUs
// the client or server was pinned to), another PostgreSQL major version, or the
// server on this machine in one and elsewhere in the other — the figures would differ
// with the code unchanged. The rest (the commit, a PostgreSQL minor version, server
// settings, the kernel, memory, compiler, libpq) is named and the verdicts stand.
struct ContextDifference {
  std::string what;  // "machine", "CPU count", "PostgreSQL major version", "server setting work_mem", ...
  std::string base, fresh;
  bool like_for_like = true;
  [[nodiscard]] std::string text() const;  // "machine Intel(R) Xeon(R) vs AMD EPYC"
};
[[nodiscard]] std::vector<ContextDifference> context_differences(const Artifact& base, const Artifact& fresh);

// A size (rows, and the profile when the artifact has several) as the output names it.
struct SizeKey {
  std::uint64_t rows = 0;
  std::string profile;
  friend bool operator==(const SizeKey&, const SizeKey&) = default;
};
[[nodiscard]] std::string to_string(const SizeKey& size);
[[nodiscard]] std::vector<SizeKey> sizes_of(const Artifact& artifact);

// What is left out of a comparison: a whole size (`strategy` empty) or one strategy
// at a size in both, and why ("only in base", "no run in new", "a control …").
struct NotCompared {
  SizeKey size;
  std::string strategy;
  std::string why;
};

struct Comparison {
  std::vector<SizeKey> sizes;  // in both: compared
  std::vector<CompareRow> rows;
  std::vector<NotCompared> not_compared;
};

// Per strategy and size present in both, judged at `threshold` (0.05: 5 %). A control
// (NAME/unshared) is not compared, and a run resumed from a --checkpoint is left out
// (its rate is not a measurement of the whole read).
[[nodiscard]] Comparison compare_artifacts(const Artifact& base, const Artifact& fresh, double threshold);

// What the output says besides the rows: the files' names, fingerprints and state,
// the threshold, the dataset differences compared under --force, the context's.
struct CompareHeader {
  std::string base_name, new_name;
  std::string base_fingerprint, new_fingerprint;
  std::string base_status, new_status;  // empty: complete; else "interrupted by signal 2", …
  double threshold = 0.05;
  bool force = false;                           // --force: compared although not like for like, or other datasets
  std::vector<std::string> forced_differences;  // the datasets' differences --force compared anyway
  std::vector<ContextDifference> context;
  [[nodiscard]] bool like_for_like() const;
};
[[nodiscard]] CompareHeader compare_header(const Artifact& base, const Artifact& fresh, const std::string& base_name,
                                           const std::string& new_name, double threshold, bool force,
                                           const std::vector<std::string>& forced_differences);

[[nodiscard]] std::string compare_markdown(const Comparison& comparison, const CompareHeader& header);
[[nodiscard]] std::string compare_json(const Comparison& comparison, const CompareHeader& header);

}  // namespace benchlab
