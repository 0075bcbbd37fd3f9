// inotify watches on folders and the reading of their events (see folder_watch.hpp).
#include "folder_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace logagent::plugins::tail {
namespace {

constexpr uint32_t kNameEvents = IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr uint32_t kDataEvents = IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB;
// Closed files written to are remembered by name up to this many; past it, all are checked.
constexpr size_t kMaxWrittenNames = 4096;

}  // namespace

FolderWatch::FolderWatch(Host host, bool enabled) : host_(host) {
  if (!enabled) return;
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) host_.warn(std::string("inotify is not available (") + std::strerror(errno) + "): polling only");
}

FolderWatch::~FolderWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void FolderWatch::watch(const std::string& folder) {
  if (fd_ < 0 || watched_.count(folder) != 0) return;
  const int wd = ::inotify_add_watch(fd_, folder.c_str(), kNameEvents | kDataEvents | IN_ONLYDIR);
  if (wd < 0) {
    // ENOENT: the folder of a glob does not exist yet, and its parent is not watched; the
    // scans find its files by polling. ENOSPC: fs.inotify.max_user_watches reached.
    if (failed_.insert(folder).second && errno != ENOENT) {
      host_.warn("cannot watch \"" + folder + "\" with inotify (" + std::strerror(errno) +
                 "): its files are polled every refresh_interval");
    }
    return;
  }
  failed_.erase(folder);
  watched_.insert(folder);
  folders_[wd] = folder;
}

void FolderWatch::drain(Changes& out) {
  out.names = out.data = out.overflowed = false;
  out.written.clear();
  if (fd_ < 0) return;
  alignas(inotify_event) char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: nothing more queued
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if ((event->mask & IN_Q_OVERFLOW) != 0) {
        out.names = out.data = out.overflowed = true;
        continue;
      }
      if ((event->mask & IN_IGNORED) != 0) {
        // The folder is gone (deleted, unmounted): watch it again when a scan sees it back.
        auto it = folders_.find(event->wd);
        if (it != folders_.end()) {
          watched_.erase(it->second);
          folders_.erase(it);
        }
        out.names = true;
        continue;
      }
      if ((event->mask & kNameEvents) != 0) out.names = true;
      if ((event->mask & kDataEvents) != 0) {
        out.data = true;
        auto it = folders_.find(event->wd);
        if (event->len == 0 || it == folders_.end() || out.overflowed) continue;
        if (out.written.size() >= kMaxWrittenNames) {
          out.overflowed = true;
          continue;
        }
        const std::string& folder = it->second;
        out.written.insert((folder == "/" ? folder : folder + "/") + event->name);  // name: NUL-padded
      }
    }
  }
}

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string fixed_folder_of_glob(const std::string& pattern) {
  const size_t wild = pattern.find_first_of("*?[");
  if (wild == std::string::npos) return folder_of(pattern);
  const size_t slash = pattern.rfind('/', wild);
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return pattern.substr(0, slash);
}

}  // namespace logagent::plugins::tail
