// Checkpoints of inputs that keep positions: one small blob per instance, saved atomically.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace logagent::core {

// One instance's folder, service.state_dir/<id>, and its checkpoint file in it.
struct StateSlot {
  std::string id;
  std::string folder;                 // returned by host->state_dir; NUL-terminated as std::string is
  std::optional<std::string> loaded;  // the checkpoint found at open, if any

  std::mutex mutex;  // guards pending and dirty
  std::string pending;
  bool dirty = false;
};

// Inputs call save() from their ack path; nothing there may wait for a disk. save() only
// copies the blob; a writer thread writes the newest blob of each instance at most once
// per interval (several saves in between cost one write), as <folder>/checkpoint.tmp,
// fsync, rename over <folder>/checkpoint, fsync of the folder: a crash at any point leaves
// the previous checkpoint or the new one, never a mix. flush() writes what is left, at
// shutdown.
class CheckpointStore {
 public:
  static constexpr std::string_view kFileName = "checkpoint";

  CheckpointStore(std::string root, int64_t flush_interval_ns);
  ~CheckpointStore();
  CheckpointStore(const CheckpointStore&) = delete;
  CheckpointStore& operator=(const CheckpointStore&) = delete;

  // The slot of instance `id`: creates root (as needed) and root/<id> (mode 0700), reads
  // root/<id>/checkpoint if it exists. On failure returns nullptr and sets `error`.
  StateSlot* open(const std::string& id, std::string& error);
  // Replaces the slot's pending blob; written by the writer thread within the interval.
  void save(StateSlot& slot, std::string_view blob);
  // Writes every slot with a pending blob now, on the caller's thread. Returns false when a
  // write failed (logged).
  bool flush();

 private:
  void run();
  bool write_pending(StateSlot& slot);

  const std::string root_;
  const int64_t interval_ns_;

  std::mutex mutex_;  // guards slots_, stopping_, thread_
  std::condition_variable wake_;
  std::deque<std::unique_ptr<StateSlot>> slots_;
  bool stopping_ = false;
  std::thread thread_;      // started by the first save
  std::mutex write_mutex_;  // one writer at a time: the thread, or flush()
};

// Writes `bytes` to `path` atomically (temporary file, fsync, rename, fsync of the folder).
// Returns an empty string, or what failed.
std::string write_file_atomically(const std::string& folder, std::string_view name, std::string_view bytes);

}  // namespace logagent::core
