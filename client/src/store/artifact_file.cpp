#include "store/artifact_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "model/errors.hpp"

namespace benchlab {

namespace fs = std::filesystem;

void write_atomically(const fs::path& path, const std::string& content, Durability durability) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string hidden = path.filename().string();
  hidden.insert(0, 1, '.');
  hidden.append(".XXXXXX");
  std::string tmpl = (dir / hidden).string();
  // Close-on-exec: a worker or server forked while this file is open must not hold it.
  const int fd = mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw std::runtime_error(fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(err)));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) fail("set permissions of");
  if (durability == Durability::durable && ::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    throw std::runtime_error(fmt::format("cannot close {}: {}", path.string(), std::strerror(errno)));
  }
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    throw std::runtime_error(fmt::format("cannot rename into {}: {}", path.string(), std::strerror(err)));
  }
  // The rename itself is durable only once the directory is synced.
  if (durability != Durability::durable) return;
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

fs::path fresh_result_path(const fs::path& dir, const std::string& prefix) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  fs::path path = dir / fmt::format("{}-{}.json", prefix, stamp);
  for (int i = 1; fs::exists(path); ++i) path = dir / fmt::format("{}-{}-{}.json", prefix, stamp, i);
  return path;
}

bool ensure_writable_dir(const fs::path& dir) {
  std::error_code ec;
  bool created = false;
  if (!fs::exists(dir, ec)) {
    // Create only the missing tail; remember the top-most directory we made.
    created = fs::create_directories(dir, ec);
    if (ec) {
      throw SettingFailed(SettingFailed::Problem::results_dir_uncreatable, dir.string(), ec.message());
    }
  } else if (!fs::is_directory(dir, ec)) {
    throw SettingFailed(SettingFailed::Problem::results_dir_not_directory, dir.string());
  }
  std::string probe = (dir / ".benchlab-probe-XXXXXX").string();
  const int fd = mkstemp(probe.data());
  if (fd < 0) {
    const int err = errno;
    if (created) fs::remove(dir, ec);
    throw SettingFailed(SettingFailed::Problem::results_dir_unwritable, dir.string(), std::strerror(err));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return created;
}

}  // namespace benchlab
