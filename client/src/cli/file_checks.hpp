// Checks of an output file named on the command line, made before anything starts.
#pragma once

#include <filesystem>
#include <string>

namespace benchlab::cli {

// `option FILE` (--markdown, --output): its directory must exist and take a file.
// Throws a one-line std::runtime_error naming the option and the fix.
void check_writable_file(const std::string& option, const std::filesystem::path& file);

}  // namespace benchlab::cli
