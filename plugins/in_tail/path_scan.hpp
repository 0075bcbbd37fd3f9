// Which files the tail input follows: `paths` globs expanded, `exclude` applied, problems warned about once.
#pragma once

#include <logagent/plugin.hpp>

#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

namespace logagent::plugins::tail {

struct FoundFile {
  std::string path;
  struct stat st;
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
  std::set<std::string> warned_;   // paths and patterns warned about
  std::set<std::string> matched_;  // patterns that matched a file once
};

}  // namespace logagent::plugins::tail
