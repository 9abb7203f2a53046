#include "cli/mask_flags.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "cli/usage_error.hpp"

namespace benchlab::cli {
namespace {

std::string& environment_key() {
  static std::string key;
  return key;
}

}  // namespace

void take_mask_key_from_environment() {
  if (char* key = std::getenv(kMaskKeyVariable); key != nullptr) {
    environment_key() = key;
    // unsetenv only unlinks the entry: the bytes stay where the kernel put the
    // environment, readable in /proc/PID/environ for the whole run. Overwritten first.
    for (char* c = key; *c != '\0'; ++c) *c = 'x';
  }
  unsetenv(kMaskKeyVariable);
}

const std::string& mask_key_from_environment() { return environment_key(); }

void add_mask_options(CLI::App& app, MaskFlags& flags) {
  flags.mask_opt = app.add_option(
      "--mask", flags.mask,
      "mask these columns where they are decoded, before a value reaches shared memory, a file or the screen: "
      "COL[:hash|:token],... (hash by default: HMAC-SHA-256; token: a short stable token); the key comes from "
      "--mask-key-file or BENCHLAB_MASK_KEY (docs/masking.md)");
  flags.key_file_opt = app.add_option("--mask-key-file", flags.key_file,
                                      "the key of --mask, read from this file (one trailing newline dropped); "
                                      "else BENCHLAB_MASK_KEY");
}

void apply_mask_flags(const MaskFlags& flags, std::vector<MaskRule>& rules, MaskKey& key) {
  apply_mask_flags(flags, flags.mask_opt != nullptr && flags.mask_opt->count() > 0,
                   flags.key_file_opt != nullptr && flags.key_file_opt->count() > 0, rules, key);
}

void apply_mask_flags(const MaskFlags& flags, bool masked, bool key_file, std::vector<MaskRule>& rules, MaskKey& key) {
  if (!masked) {
    if (key_file) throw UsageError("--mask-key-file is the key of --mask: give --mask COL too, or drop it");
    return;
  }
  try {
    rules = parse_mask_rules(flags.mask);
  } catch (const MaskRefused& e) {
    throw UsageError(e.what());
  }
  std::string bytes;
  if (key_file) {
    if (flags.key_file.empty()) throw UsageError("--mask-key-file: give a file name");
    std::ifstream in(flags.key_file, std::ios::binary);
    if (!in)
      throw UsageError(fmt::format("--mask-key-file {}: cannot read it: {}", flags.key_file, std::strerror(errno)));
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw UsageError(fmt::format("--mask-key-file {}: cannot read it", flags.key_file));
    if (!bytes.empty() && bytes.back() == '\n') bytes.pop_back();
    if (!bytes.empty() && bytes.back() == '\r') bytes.pop_back();
    if (bytes.empty())
      throw UsageError(
          fmt::format("--mask-key-file {}: the file is empty; put the key in it (e.g. openssl rand "
                      "-hex 32 > {})",
                      flags.key_file, flags.key_file));
  } else {
    bytes = mask_key_from_environment();
    if (bytes.empty())
      throw UsageError(
          "--mask needs a key: set BENCHLAB_MASK_KEY or give --mask-key-file FILE (e.g. openssl rand -hex 32 > FILE)");
  }
  key = std::make_shared<const std::string>(std::move(bytes));
}

}  // namespace benchlab::cli
