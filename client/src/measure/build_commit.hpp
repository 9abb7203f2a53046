// The commit benchclient was built from (git describe --always --dirty), in a file
// CMake generates: a new commit rewrites that file alone, so nothing else rebuilds.
#pragma once

namespace benchlab {

[[nodiscard]] const char* build_git_commit();

}  // namespace benchlab
