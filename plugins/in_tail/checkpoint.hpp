// The tail input's state blob: one line per file, its identity and its acknowledged offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logagent::plugins::tail {

// Bytes at the start of a file that its fingerprint covers at most.
inline constexpr uint32_t kFingerprintBytes = 1024;

// A file is known by its device and inode, and, since inodes are reused after a delete, by
// a hash of its first bytes (fingerprint_len of them: fewer when the file was shorter).
struct FileIdentity {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint32_t fingerprint_len = 0;
  uint64_t fingerprint = 0;
  bool operator==(const FileIdentity&) const = default;
};

struct FileCheckpoint {
  FileIdentity id;
  uint64_t offset = 0;  // every line before it was acknowledged
  bool operator==(const FileCheckpoint&) const = default;
};

// FNV-1a (64 bits): cheap and good enough to tell two files' first bytes apart.
uint64_t fingerprint(std::string_view bytes) noexcept;

// Text, so that a person can read it: "logagent-tail 1\n", then per file
// "<dev> <ino> <fingerprint_len> <fingerprint, 16 hex digits> <offset>\n".
// Appends to `out` (cleared first) so that a caller can reuse its buffer.
void encode(const std::vector<FileCheckpoint>& files, std::string& out);

// The files of a blob written by encode; nothing when it is not one (the reason in *error).
// An empty blob is no file at all.
std::optional<std::vector<FileCheckpoint>> decode(std::string_view blob, std::string* error);

}  // namespace logagent::plugins::tail
