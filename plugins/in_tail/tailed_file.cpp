// Per-file state of the tail input: closing and fingerprinting (see tailed_file.hpp).
#include "tailed_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace logagent::plugins::tail {

TailedFile::~TailedFile() { close(); }

void TailedFile::close() {
  lines.reset();  // before the descriptor goes: nothing reads it any more
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::optional<FileIdentity> identify(int fd, const struct stat& st, uint32_t len) {
  char head[kFingerprintBytes];
  if (len > kFingerprintBytes) return std::nullopt;
  size_t got = 0;
  while (got < len) {
    const ssize_t n = ::pread(fd, head + got, len - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    got += static_cast<size_t>(n);
  }
  FileIdentity id;
  id.dev = static_cast<uint64_t>(st.st_dev);
  id.ino = static_cast<uint64_t>(st.st_ino);
  id.fingerprint_len = len;
  id.fingerprint = fingerprint(std::string_view(head, len));
  return id;
}

}  // namespace logagent::plugins::tail
