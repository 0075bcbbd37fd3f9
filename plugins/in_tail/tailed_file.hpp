// One file the tail input follows: its descriptor, identity, stream id and line splitter.
#pragma once

#include "checkpoint.hpp"

#include <logagent/line_splitter.hpp>

#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace logagent::plugins::tail {

struct TailedFile {
  std::string path;  // the name it was found by
  int fd = -1;
  FileIdentity id;      // guarded by the input's mutex (the ack thread reads it)
  uint64_t stream = 0;  // its AckTracker stream; a new one after a truncation
  std::unique_ptr<LineSplitter> lines;

  TailedFile() = default;
  TailedFile(const TailedFile&) = delete;
  TailedFile& operator=(const TailedFile&) = delete;
  ~TailedFile();
};

// The fingerprint of the first min(size, kFingerprintBytes) bytes of the open file, or of
// its first `len` bytes when len is given. Nothing when they cannot be read (the file
// shrank meanwhile: a length shorter than asked would be another identity).
std::optional<FileIdentity> identify(int fd, const struct stat& st, uint32_t len);
inline std::optional<FileIdentity> identify(int fd, const struct stat& st) {
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  return identify(fd, st, static_cast<uint32_t>(size < kFingerprintBytes ? size : kFingerprintBytes));
}

}  // namespace logagent::plugins::tail
