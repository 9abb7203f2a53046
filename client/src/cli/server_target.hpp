// Where a run reads from: the user's server (--dsn, or the PG* environment with
// --dsn '') or, by default, a throwaway cluster that lives as long as this object.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/throwaway_cluster.hpp"

namespace benchlab::cli {

struct TargetOptions {
  std::optional<std::string> dsn;  // set: the user's server; unset: throwaway cluster
  cluster::ClusterOptions cluster;
  // --profile a,b: each profile measured in turn on a fresh throwaway cluster (its
  // first is cluster.profile); empty with --dsn.
  std::vector<std::string> profiles;
};

class ServerTarget {
 public:
  explicit ServerTarget(const TargetOptions& options);
  [[nodiscard]] const std::string& conninfo() const { return conninfo_; }
  [[nodiscard]] bool is_throwaway() const { return cluster_ != nullptr; }
  [[nodiscard]] const cluster::ThrowawayCluster* cluster() const { return cluster_.get(); }
  [[nodiscard]] cluster::ThrowawayCluster* cluster() { return cluster_.get(); }
  // Creates the extension if it is missing (the throwaway cluster always needs it;
  // on a user's server this needs the right to create it, and says so if not).
  void ensure_extension() const;

 private:
  std::unique_ptr<cluster::ThrowawayCluster> cluster_;
  std::string conninfo_;
};

// Creates the benchlab extension in the database of `conninfo` if it is missing;
// throws pg::SqlError naming what to do when it cannot.
void ensure_benchlab_extension(const std::string& conninfo);

}  // namespace benchlab::cli
