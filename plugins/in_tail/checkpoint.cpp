// Encoding and decoding of the tail input's state blob (see checkpoint.hpp).
#include "checkpoint.hpp"

#include <charconv>
#include <cinttypes>
#include <cstdio>

namespace logagent::plugins::tail {
namespace {

constexpr std::string_view kHeader = "logagent-tail 1\n";

// Reads one unsigned number in `base` followed by `end`, advancing `rest` past both.
bool take(std::string_view& rest, uint64_t& value, int base, char end) {
  const char* first = rest.data();
  const char* last = rest.data() + rest.size();
  auto [ptr, ec] = std::from_chars(first, last, value, base);
  if (ec != std::errc{} || ptr == first || ptr == last || *ptr != end) return false;
  rest.remove_prefix(static_cast<size_t>(ptr - first) + 1);
  return true;
}

}  // namespace

uint64_t fingerprint(std::string_view bytes) noexcept {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void encode(const std::vector<FileCheckpoint>& files, std::string& out) {
  out.assign(kHeader);
  char line[128];
  for (const FileCheckpoint& f : files) {
    int len = std::snprintf(line, sizeof line, "%" PRIu64 " %" PRIu64 " %" PRIu32 " %016" PRIx64 " %" PRIu64 "\n",
                            f.id.dev, f.id.ino, f.id.fingerprint_len, f.id.fingerprint, f.offset);
    out.append(line, static_cast<size_t>(len));
  }
}

std::optional<std::vector<FileCheckpoint>> decode(std::string_view blob, std::string* error) {
  std::vector<FileCheckpoint> files;
  if (blob.empty()) return files;
  if (!blob.starts_with(kHeader)) {
    if (error) *error = "it does not start with \"logagent-tail 1\"";
    return std::nullopt;
  }
  std::string_view rest = blob.substr(kHeader.size());
  for (size_t line = 2; !rest.empty(); ++line) {
    FileCheckpoint f;
    uint64_t len = 0;
    if (!take(rest, f.id.dev, 10, ' ') || !take(rest, f.id.ino, 10, ' ') || !take(rest, len, 10, ' ') ||
        len > kFingerprintBytes || !take(rest, f.id.fingerprint, 16, ' ') || !take(rest, f.offset, 10, '\n')) {
      if (error) *error = "line " + std::to_string(line) + " is not \"<dev> <ino> <length> <fingerprint> <offset>\"";
      return std::nullopt;
    }
    f.id.fingerprint_len = static_cast<uint32_t>(len);
    files.push_back(f);
  }
  return files;
}

}  // namespace logagent::plugins::tail
