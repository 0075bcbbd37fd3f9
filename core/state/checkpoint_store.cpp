// The checkpoint writer: coalesced, atomic, off the threads that acknowledge batches.
#include "state/checkpoint_store.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace logagent::core {
namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

std::string write_file_atomically(const std::string& folder, std::string_view name, std::string_view bytes) {
  const std::string path = folder + "/" + std::string(name);
  const std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_text("cannot create", temporary);
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string error = errno_text("cannot write", temporary);
      ::close(fd);
      return error;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  // The data must be on disk before the rename makes it the checkpoint, or a crash could
  // leave a renamed, empty file.
  if (::fsync(fd) != 0) {
    std::string error = errno_text("cannot fsync", temporary);
    ::close(fd);
    return error;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) return errno_text("cannot rename onto", path);
  // And the rename itself must be on disk before the positions it records are relied on.
  int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

CheckpointStore::CheckpointStore(std::string root, int64_t flush_interval_ns)
    : root_(std::move(root)), interval_ns_(flush_interval_ns) {}

CheckpointStore::~CheckpointStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  flush();
}

StateSlot* CheckpointStore::open(const std::string& id, std::string& error) {
  std::lock_guard lock(mutex_);
  for (auto& slot : slots_) {
    if (slot->id == id) return slot.get();
  }
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  if (ec) {
    error = "cannot create the state folder " + root_ + ": " + ec.message();
    return nullptr;
  }
  const std::string folder = root_ + "/" + id;
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
    error = errno_text("cannot create the instance's state folder", folder);
    return nullptr;
  }
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = "the instance's state folder " + folder + " is not a folder";
    return nullptr;
  }
  if (::access(folder.c_str(), R_OK | W_OK | X_OK) != 0) {
    error = errno_text("cannot use the instance's state folder", folder);
    return nullptr;
  }
  auto slot = std::make_unique<StateSlot>();
  slot->id = id;
  slot->folder = folder;
  const std::string file = folder + "/" + std::string(kFileName);
  if (::access(file.c_str(), F_OK) == 0) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      error = errno_text("cannot read the checkpoint", file);
      return nullptr;
    }
    std::ostringstream text;
    text << in.rdbuf();
    slot->loaded = text.str();
  }
  slots_.push_back(std::move(slot));
  return slots_.back().get();
}

void CheckpointStore::save(StateSlot& slot, std::string_view blob) {
  {
    std::lock_guard lock(slot.mutex);
    slot.pending.assign(blob);
    slot.dirty = true;
  }
  std::lock_guard lock(mutex_);
  if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
}

bool CheckpointStore::write_pending(StateSlot& slot) {
  std::string blob;
  {
    std::lock_guard lock(slot.mutex);
    if (!slot.dirty) return true;
    blob.swap(slot.pending);
    slot.dirty = false;
  }
  std::string error = write_file_atomically(slot.folder, kFileName, blob);
  if (error.empty()) return true;
  spdlog::error("checkpoint of \"{}\" not saved: {}; retrying", slot.id, error);
  std::lock_guard lock(slot.mutex);
  if (!slot.dirty) {  // keep it for the next round unless a newer one came meanwhile
    slot.pending.swap(blob);
    slot.dirty = true;
  }
  return false;
}

bool CheckpointStore::flush() {
  std::lock_guard writing(write_mutex_);
  std::vector<StateSlot*> slots;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : slots_) slots.push_back(s.get());
  }
  bool ok = true;
  for (StateSlot* slot : slots) ok = write_pending(*slot) && ok;
  return ok;
}

void CheckpointStore::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Waiting first bounds the rate: at most one write per instance per interval.
    wake_.wait_for(lock, std::chrono::nanoseconds(interval_ns_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace logagent::core
