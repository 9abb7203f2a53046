// `benchclient with-cluster [--profile P] -- CMD [ARGS...]`: runs CMD against a
// throwaway cluster (PGHOST/PGPORT/PGUSER/PGDATABASE exported), then tears the
// cluster down whatever CMD did. make test runs pg_regress and ctest this way.
#pragma once

#include <string>
#include <vector>

#include "cluster/throwaway_cluster.hpp"

namespace benchlab::cli {

int run_with_cluster(const cluster::ClusterOptions& options, const std::vector<std::string>& command);

}  // namespace benchlab::cli
