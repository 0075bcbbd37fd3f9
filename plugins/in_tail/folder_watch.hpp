// inotify on the folders of the tail input's files: tells the read loop at once that a file grew or a name changed.
#pragma once

#include <logagent/plugin.hpp>

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace logagent::plugins::tail {

// Watches folders, not files: one watch per folder covers every file in it (1,000 files in
// /var/log cost one watch), sees files that do not exist yet, and outlives renames. What an
// event says is only a hint: the input still stats and reads to find out what happened, and
// polls every refresh_interval besides, for filesystems where inotify reports nothing
// (NFS, FUSE) and for the moments between a watch failing and the next scan.
class FolderWatch {
 public:
  struct Changes {
    bool names = false;  // a file was created, renamed or deleted: the globs need expanding
    bool data = false;   // a file was written to or truncated
    // Paths written to, for files the input has closed (close_inactive); `overflowed` when
    // there were too many to keep or the kernel's queue overflowed: every closed file may
    // have changed.
    std::unordered_set<std::string> written;
    bool overflowed = false;
  };

  // Disabled (fd() < 0) when inotify cannot be had; the input then polls only.
  FolderWatch(Host host, bool enabled);
  ~FolderWatch();
  FolderWatch(const FolderWatch&) = delete;
  FolderWatch& operator=(const FolderWatch&) = delete;

  // The descriptor to poll for readability; -1 when disabled.
  int fd() const noexcept { return fd_; }

  // Starts watching `folder` unless it is watched already. A failure (the folder does not
  // exist yet, the user's watch limit) is warned about once and leaves polling to it.
  void watch(const std::string& folder);

  // Reads every event queued (never blocks) into `out`, cleared first.
  void drain(Changes& out);

 private:
  Host host_;
  int fd_ = -1;
  std::unordered_map<int, std::string> folders_;  // watch descriptor -> folder
  std::unordered_set<std::string> watched_;
  std::unordered_set<std::string> failed_;  // warned about; tried again at every scan
};

// The folder part of a path ("." for a bare name), and of a glob: the longest leading part
// without a wildcard, which is where a file the glob will match can appear.
std::string folder_of(const std::string& path);
std::string fixed_folder_of_glob(const std::string& pattern);

}  // namespace logagent::plugins::tail
