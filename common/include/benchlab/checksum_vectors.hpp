// The checksum's and the digest's test vectors (regress/data/checksum_vectors.tsv,
// hashes from the reference xxhsum and Python's hashlib): one reader for every program that uses them — the client's
// tests and its decoding micro-benchmarks. The file's own header says its format.
// Pure C++ (no PostgreSQL or libpq headers).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace benchlab {

struct ChecksumVectors {
  using Row = std::vector<std::optional<std::string>>;  // nullopt: NULL
  struct Set {
    std::string name;
    std::vector<std::string> members;  // names of rows (a name may repeat)
    std::uint64_t rows = 0;
    std::uint64_t sum = 0;
    std::string sha256;  // the set digest, 64 hex digits (empty: the file has none)
  };
  std::map<std::string, Row> rows;
  std::map<std::string, std::uint64_t> row_hashes;
  std::map<std::string, std::string> row_sha256;  // the row digests, 64 hex digits (a row without one: absent)
  std::vector<std::string> row_order;             // as the file lists them
  std::vector<Set> sets;
};

namespace checksum_vectors_detail {

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

inline std::string unhex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd number of hex digits: " + hex);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace checksum_vectors_detail

// Throws std::runtime_error naming the file and the line it cannot read.
inline ChecksumVectors load_checksum_vectors(const std::string& path) {
  using checksum_vectors_detail::split;
  using checksum_vectors_detail::unhex;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the checksum test vectors " + path);
  ChecksumVectors v;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto bad = [&](const std::string& what) {
      return std::runtime_error(path + ":" + std::to_string(number) + ": " + what);
    };
    const auto fields = split(line, '\t');
    // kind, name, values, expected[, sha256]
    if (fields.size() != 4 && fields.size() != 5) throw bad("expected 4 or 5 tab-separated fields");
    const std::string sha256 = fields.size() == 5 ? fields[4] : std::string();
    if (!sha256.empty() && sha256.size() != 64) throw bad("a sha256 digest is not 64 hex digits");
    if (fields[0] == "row") {
      ChecksumVectors::Row row;
      if (!fields[2].empty()) {
        for (const auto& col : split(fields[2], ',')) {
          if (col == "N")
            row.emplace_back(std::nullopt);
          else if (!col.empty() && col[0] == 'x')
            row.emplace_back(unhex(col.substr(1)));
          else
            throw bad("a value is neither N nor x<hex>");
        }
      }
      v.rows[fields[1]] = row;
      v.row_hashes[fields[1]] = std::stoull(fields[3], nullptr, 16);
      if (!sha256.empty()) v.row_sha256[fields[1]] = sha256;
      v.row_order.push_back(fields[1]);
    } else if (fields[0] == "set") {
      ChecksumVectors::Set s;
      s.name = fields[1];
      if (!fields[2].empty()) s.members = split(fields[2], ',');
      const auto colon = fields[3].find(':');
      if (colon == std::string::npos) throw bad("a set's expected value is not <rows>:<sum>");
      s.rows = std::stoull(fields[3].substr(0, colon));
      s.sum = std::stoull(fields[3].substr(colon + 1), nullptr, 16);
      s.sha256 = sha256;
      v.sets.push_back(s);
    } else {
      throw bad("kind is neither row nor set");
    }
  }
  return v;
}

}  // namespace benchlab
