// Which files the tail input follows: `paths` globs expanded, `exclude` applied, problems warned about once.
#pragma once

#include <logagent/plugin.hpp>

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace logagent::plugins::tail {

struct FoundFile {
  std::string path;
  struct stat st;
};

// A file's device and inode, as a key: how files are told apart before fingerprints.
struct DevIno {
  uint64_t dev = 0;
  uint64_t ino = 0;
  bool operator==(const DevIno&) const = default;
  static DevIno of(const struct stat& st) {
    return DevIno{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  }
};
struct DevInoHash {
  size_t operator()(const DevIno& k) const noexcept { return std::hash<uint64_t>{}(k.ino * 31 + k.dev); }
};

class PathScan {
 public:
  PathScan(Host host, std::vector<std::string> paths, std::vector<std::string> exclude)
      : host_(host), paths_(std::move(paths)), exclude_(std::move(exclude)) {}

  // Replaces `out` with the regular files the globs match now and `exclude` does not, each
  // once, in glob order. A pattern matching nothing or a match that is not a regular file
  // is warned about, once until it changes: the scan runs every refresh_interval.
  void expand(std::vector<FoundFile>& out);

  // A path matches an `exclude` pattern: one with a '/' is matched against the whole path
  // ('*' stops at '/', as in the globs), one without against the file name alone.
  bool excluded(const std::string& path) const;

  // Warns `message` unless the same was already said about `path`; ok() forgets it, so a
  // problem that comes back is told again.
  void warn_once(const std::string& path, const std::string& message);
  void ok(const std::string& path) { warned_.erase(path); }

 private:
  Host host_;
  std::vector<std::string> paths_;
  std::vector<std::string> exclude_;
  std::set<std::string> warned_;                 // paths and patterns warned about
  std::set<std::string> matched_;                // patterns that matched a file once
  std::unordered_set<DevIno, DevInoHash> seen_;  // expand's, kept to reuse its memory
};

}  // namespace logagent::plugins::tail
