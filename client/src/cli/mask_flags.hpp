// --mask COL[:hash|:token],… and its key (--mask-key-file FILE or BENCHLAB_MASK_KEY),
// for every command that reads rows (run, verify, advise). The key is taken out of
// the environment as benchclient starts, so no child process (the throwaway
// cluster's postgres, pg_ctl, a worker's exec) inherits it; only with-cluster's
// command gets it back, as the user asked.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "model/mask.hpp"

namespace benchlab::cli {

inline constexpr const char* kMaskKeyVariable = "BENCHLAB_MASK_KEY";

// Reads BENCHLAB_MASK_KEY and removes it from the environment: main() calls it first.
void take_mask_key_from_environment();
// What BENCHLAB_MASK_KEY held as benchclient started (empty: unset or empty).
const std::string& mask_key_from_environment();

struct MaskFlags {
  std::string mask, key_file;
  CLI::Option* mask_opt = nullptr;
  CLI::Option* key_file_opt = nullptr;
};

// Declares --mask and --mask-key-file on `app`.
void add_mask_options(CLI::App& app, MaskFlags& flags);

// The rules and the key the flags give (none: no --mask). Throws UsageError in one
// line: a bad list, --mask-key-file without --mask, no key, an empty or unreadable file.
// `mask_given`, `key_file_given`: how the command counts its options (run's are declared on plan too).
void apply_mask_flags(const MaskFlags& flags, bool mask_given, bool key_file_given, std::vector<MaskRule>& rules,
                      MaskKey& key);
void apply_mask_flags(const MaskFlags& flags, std::vector<MaskRule>& rules, MaskKey& key);

}  // namespace benchlab::cli
