// --checkpoint FILE (resume an interrupted read): the part journal of one parallel read, as JSON.
// It records what the read is (strategy, table, key, split, format, digest, rows,
// every part's bounds, the table's schema) and, as parts are confirmed, each one's
// rows, bytes and checksum (and sha256 digest); every change is written atomically (a temporary file, fsync,
// rename), so a SIGKILL leaves the last whole state. Started again with the same
// file, the read skips the confirmed parts and ends with exactly the rows and
// checksum of an uninterrupted read — if it reads the same snapshot, which the file
// records (docs/faults.md). Resuming a different read is refused, naming what differs.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/figures.hpp"
#include "model/read_spec.hpp"
#include "model/schema.hpp"
#include "model/wire_format.hpp"
#include "run/recovery.hpp"

namespace benchlab {

inline constexpr int kCheckpointVersion = 1;

// What a checkpoint's read is; a resume must be the same read.
struct CheckpointFacts {
  std::string strategy;
  std::string table;  // as the plan named it
  std::string key;    // empty: split by ctid
  Split split = Split::key;
  WireFormat format = WireFormat::text;
  DigestAlgorithm digest = DigestAlgorithm::xxh3;  // sha256: each confirmed part keeps its digest
  std::uint64_t rows = 0;                          // the size read (the whole table: the server's count)
  std::vector<KeyRange> parts;
  TableSchema schema;
};

// A file that cannot be used (corrupt, another read's): one line naming the file.
struct CheckpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CheckpointFile final : public PartJournal {
 public:
  // Reads the file if it exists (a resume), else starts a new one; throws CheckpointError.
  explicit CheckpointFile(std::filesystem::path path);

  [[nodiscard]] bool resuming() const { return resuming_; }
  [[nodiscard]] bool complete() const { return complete_; }
  // The snapshot the earlier run read in (empty: none recorded).
  [[nodiscard]] const std::string& snapshot_id() const { return snapshot_id_; }
  [[nodiscard]] std::size_t confirmed_parts() const { return done_.size(); }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // What it holds now (parts confirmed in this run or before, of how many), and of
  // which read; nullopt before bind().
  struct Kept {
    std::size_t parts_done = 0, parts_total = 0;
    std::string strategy;
    std::uint64_t rows = 0;
  };
  [[nodiscard]] std::optional<Kept> kept() const;
  // The read about to run: a new file records it; a resume must match it, else
  // CheckpointError names every difference.
  void bind(const CheckpointFacts& facts);

  [[nodiscard]] std::vector<PartFigures> confirmed_before() const override;
  void started(const std::string& snapshot_id) override;
  void confirm(const PartFigures& part) override;
  void finished() override;

 private:
  void write() const;
  std::filesystem::path path_;
  mutable std::mutex mutex_;
  bool resuming_ = false;
  bool complete_ = false;
  std::string snapshot_id_;
  std::optional<CheckpointFacts> facts_;
  std::vector<PartFigures> before_;  // as the file had them when opened
  std::vector<PartFigures> done_;    // everything confirmed, in or before this run
};

}  // namespace benchlab
