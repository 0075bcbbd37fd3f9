// One file the tail input knows: open (being read) or closed (inactive or released), with its identity and position.
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
  std::string path;                     // the name it was found by (kept when it is renamed)
  int fd = -1;                          // -1: closed; `position` is where reading resumes
  FileIdentity id;                      // guarded by the input's mutex (the ack thread reads it)
  uint64_t stream = 0;                  // its AckTracker stream; a new one after a truncation
  std::unique_ptr<LineSplitter> lines;  // while open

  // Change detection: what the last fstat (or, closed, the last scan) saw.
  uint64_t seen_size = 0;
  int64_t seen_mtime_ns = 0;
  // Monotonic time of the last new data (or of opening): the clock of close_inactive and
  // rotate_wait.
  int64_t last_data_ns = 0;
  // Monotonic time since which no scan found a name for it (renamed away or deleted); 0
  // while a scan finds it.
  int64_t gone_since_ns = 0;
  // Closed: the offset reading resumes at, and the size read up to (a partial last line is
  // read again), which tells whether it changed since.
  uint64_t position = 0;
  uint64_t closed_at_size = 0;
  uint64_t seen_round = 0;  // the last scan that found it
  bool behind = false;      // its round share ran out before its data

  bool open() const noexcept { return fd >= 0; }

  TailedFile() = default;
  TailedFile(const TailedFile&) = delete;
  TailedFile& operator=(const TailedFile&) = delete;
  ~TailedFile();

  // Closes the descriptor and drops the splitter (with whatever unfinished bytes it held).
  void close();
};

// The fingerprint of the first min(size, kFingerprintBytes) bytes of the open file, or of
// its first `len` bytes when len is given. Nothing when they cannot be read (the file
// shrank meanwhile: a length shorter than asked would be another identity).
std::optional<FileIdentity> identify(int fd, const struct stat& st, uint32_t len);
inline std::optional<FileIdentity> identify(int fd, const struct stat& st) {
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  return identify(fd, st, static_cast<uint32_t>(size < kFingerprintBytes ? size : kFingerprintBytes));
}

inline int64_t mtime_ns(const struct stat& st) {
  return int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace logagent::plugins::tail
