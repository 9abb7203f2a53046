// Result files on disk: written atomically (a temporary file in the same
// directory, fsync, rename, fsync of the directory), so a reader never sees half
// an artifact, and a results directory checked writable before any work starts.
#pragma once

#include <filesystem>
#include <string>

namespace benchlab {

// durable: fsync of the file and of its directory, so the rename survives a crash;
// rename_only: atomic for readers, but left to the kernel to flush (files rewritten
// every few seconds, whose flushes would disturb what is being measured).
enum class Durability { durable, rename_only };

// Writes `content` to `path` atomically. Throws a one-line std::runtime_error.
void write_atomically(const std::filesystem::path& path, const std::string& content,
                      Durability durability = Durability::durable);

// dir/<prefix>-<UTC timestamp>.json, made unique with a -N suffix when taken.
[[nodiscard]] std::filesystem::path fresh_result_path(const std::filesystem::path& dir, const std::string& prefix);

// Checks that `dir` can take an artifact: creates it if missing, then creates and
// removes a probe file. Throws a one-line std::runtime_error otherwise. Returns
// true when it created the directory (so a failed run can remove it again).
bool ensure_writable_dir(const std::filesystem::path& dir);

}  // namespace benchlab
