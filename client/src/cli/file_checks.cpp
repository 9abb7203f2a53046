#include "cli/file_checks.hpp"

#include <unistd.h>

#include <stdexcept>

namespace benchlab::cli {

namespace fs = std::filesystem;

void check_writable_file(const std::string& option, const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const std::string what = option + " " + file.string() + ": ";
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw std::runtime_error(what + "is a directory; give a file name");
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error(what + "no directory " + dir.string() + "; give a file in an existing directory");
  if (::access(dir.c_str(), W_OK) != 0)
    throw std::runtime_error(what + dir.string() + " is not writable; choose another place");
}

}  // namespace benchlab::cli
