// Expands the tail input's globs with glob(3) and filters them with fnmatch(3) (see path_scan.hpp).
#include "path_scan.hpp"

#include <fnmatch.h>
#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace logagent::plugins::tail {

void PathScan::expand(std::vector<FoundFile>& out) {
  out.clear();
  seen_.clear();
  for (const std::string& pattern : paths_) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == GLOB_NOMATCH) {
      // A pattern that matched before is between a rotation's rename and create, or its
      // files were deleted: worth a debug line, not a warning at every rotation.
      if (matched_.count(pattern) != 0) {
        if (warned_.insert(pattern).second)
          host_.debug("paths pattern \"" + pattern + "\" matches no file at the moment");
      } else {
        warn_once(pattern,
                  "paths pattern \"" + pattern + "\" matches no file (yet); looking again every refresh_interval");
      }
    } else if (rc != 0) {
      warn_once(pattern, "paths pattern \"" + pattern +
                             "\" cannot be expanded: " + (rc == GLOB_NOSPACE ? "out of memory" : std::strerror(errno)));
    } else {
      ok(pattern);
      matched_.insert(pattern);
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string path = g.gl_pathv[i];
        if (excluded(path)) continue;
        struct stat st;
        if (::stat(path.c_str(), &st) != 0) {
          // Gone since glob(3) listed it (a rotation's rename, a delete): not worth a word.
          if (errno != ENOENT) warn_once(path, "cannot read \"" + path + "\": " + std::strerror(errno) + "; skipped");
          continue;
        }
        if (!S_ISREG(st.st_mode)) {
          warn_once(path, "\"" + path + "\" is " + (S_ISDIR(st.st_mode) ? "a directory" : "not a regular file") +
                              "; skipped");
          continue;
        }
        // Two patterns (or a link) may name one file: it is followed once, by its first name.
        if (seen_.insert(DevIno::of(st)).second) out.push_back(FoundFile{std::move(path), st});
      }
    }
    ::globfree(&g);
  }
}

bool PathScan::excluded(const std::string& path) const {
  const size_t slash = path.rfind('/');
  const char* name = path.c_str() + (slash == std::string::npos ? 0 : slash + 1);
  for (const std::string& pattern : exclude_) {
    const bool whole = pattern.find('/') != std::string::npos;
    if (::fnmatch(pattern.c_str(), whole ? path.c_str() : name, whole ? FNM_PATHNAME : 0) == 0) return true;
  }
  return false;
}

void PathScan::warn_once(const std::string& path, const std::string& message) {
  if (warned_.insert(path).second) host_.warn(message);
}

}  // namespace logagent::plugins::tail
