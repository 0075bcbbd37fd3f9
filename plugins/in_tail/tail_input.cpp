// The tail input: follows files matched by globs, one event per line, resuming at acknowledged offsets.
//
// One thread (run) does everything but acknowledgements: expands the globs, opens, reads,
// closes and releases files, and waits for inotify, a timer or stop(). The agent's
// acknowledgement thread only moves positions (ack) under mutex_ and hands the state blob
// to the host's store, which writes it on a thread of its own.
#include "checkpoint.hpp"
#include "folder_watch.hpp"
#include "path_scan.hpp"
#include "tail_options.hpp"
#include "tailed_file.hpp"

#include <logagent/ack_tracker.hpp>
#include <logagent/clock.hpp>
#include <logagent/line_splitter.hpp>
#include <logagent/plugin.hpp>
#include <logagent/regex.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace logagent::plugins::tail {
namespace {

// A file that never runs dry (a steady writer) must not hold up the others in a round.
constexpr uint64_t kMaxBytesPerRound = 8 << 20;

using logagent::monotonic_ns;  // timers
using logagent::realtime_ns;   // event times

}  // namespace

class TailInput final : public logagent::Input {
 public:
  TailInput(Host host, const Config& config)
      : host_(host),
        options_(read_options(config)),
        scan_(host, options_.paths, options_.exclude),
        watch_(host, options_.inotify && !options_.exit_on_eof),
        wakeup_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (wakeup_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
    try {
      const std::string folder = host.state_dir();  // throws HostError when it cannot be used
      std::string error;
      auto saved = decode(host.load_state(), &error);
      if (!saved) {
        throw ConfigError("the checkpoint " + folder + "/checkpoint is not one of this input: " + error +
                          "; remove it to read the files afresh");
      }
      saved_ = std::move(*saved);
      if (!options_.path_field.empty()) path_key_ = host.intern(options_.path_field);
      if (!options_.offset_field.empty()) offset_key_ = host.intern(options_.offset_field);
      if (!options_.multiline.empty()) {
        std::string why;
        multiline_ = Regex::compile(options_.multiline, why);
        if (!multiline_) throw OptionError("multiline", "multiline is not a valid PCRE2 pattern: " + why);
        scratch_.emplace(*multiline_);
        limit_hits_ = host.counter("multiline_limit_hits");
      }
      truncations_ = host.counter("truncations");
      files_counter_ = host.counter("files_opened");
      released_counter_ = host.counter("files_released");
      inactive_counter_ = host.counter("files_closed_inactive");
    } catch (...) {
      ::close(wakeup_);
      throw;
    }
  }
  ~TailInput() override { ::close(wakeup_); }

  Status run() override {
    bool first = true;
    int64_t next_poll = 0;
    FolderWatch::Changes changes;
    while (!stopping()) {
      const int64_t now = monotonic_ns();
      // A full round looks at every file: at start, every refresh_interval (the polling
      // that inotify cannot replace), when names changed, when a timer of some file is due.
      // Between them, inotify's reports of writes lead to the files written to.
      const bool full = first || now >= next_poll || now >= next_deadline_ || changes.names || changes.overflowed;
      if (full) {
        scan(first, now);
        next_poll = now + options_.refresh_ns;
        first = false;
      } else if (changes.data) {
        reopen_written(changes, now);
      }
      bool more = false;  // a file still had data when its round share ran out
      next_deadline_ = std::numeric_limits<int64_t>::max();
      for (size_t i = 0; i < files_.size() && !stopping(); ++i) {
        TailedFile& f = *files_[i];
        if (!f.open()) continue;
        if (!full && !f.behind && changes.written.count(f.path) == 0) {
          // Not looked at in this round: keep its timers.
          next_deadline_ = std::min(next_deadline_, deadline_of(f));
          continue;
        }
        if (!service(f, now)) return Status::Ok();  // the agent is aborting
        more = more || f.behind;
      }
      drop_gone(now);
      if (options_.exit_on_eof && !more) return finish_at_eof();
      if (!more && !wait(std::min(next_poll, next_deadline_))) break;
      watch_.drain(changes);
    }
    // Stopped: the lines read are already handed on; an unfinished one is left for the next
    // run, which resumes at its start.
    return Status::Ok();
  }

  void stop() noexcept override {
    stop_.store(true);
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wakeup_, &one, sizeof one);
  }

  // On the agent's acknowledgement thread; save_state only copies.
  void ack(uint64_t cookie, Status /*status*/) noexcept override {
    std::lock_guard lock(mutex_);
    if (tracker_.ack(cookie).empty()) return;
    save_locked();
  }

 private:
  bool stopping() const noexcept { return stop_.load(std::memory_order_relaxed) || host_.should_stop(); }

  // Waits until the monotonic `deadline`, inotify or stop(); false when stop() came.
  bool wait(int64_t deadline) {
    pollfd fds[2] = {{wakeup_, POLLIN, 0}, {watch_.fd(), POLLIN, 0}};
    const int64_t left = deadline - monotonic_ns();
    const int ms = left <= 0 ? 0 : static_cast<int>(std::min<int64_t>((left + 999'999) / 1'000'000, 60'000));
    ::poll(fds, watch_.fd() >= 0 ? 2 : 1, ms);
    return !((fds[0].revents & POLLIN) != 0 || stopping());
  }

  // exit_on_eof: every file is read to its end. A pending multiline record goes out whole.
  // A last line without newline goes out marked partial; its offset stays at its start, so
  // a later run reads it again whole.
  Status finish_at_eof() {
    for (auto& f : files_) {
      if (!f->open()) continue;
      f->lines->close_record(realtime_ns());  // a record's end is the end of its file here
      f->lines->finish(realtime_ns(), false);
      if (!f->lines->flush()) break;
    }
    return Status::Ok();
  }

  // ---- Finding files ----------------------------------------------------------------------

  // Expands the globs: opens the files not known yet, reopens known closed ones that
  // changed, and notes which known files no name leads to any more.
  void scan(bool at_start, int64_t now) {
    scan_.expand(found_);
    ++scan_round_;
    bool added = false;
    for (const FoundFile& found : found_) {
      if (options_.inotify) watch_.watch(folder_of(found.path));
      if (TailedFile* known = find(found.st)) {
        known->seen_round = scan_round_;
        if (!known->open()) maybe_reopen(*known, found.path, found.st, now);
        continue;
      }
      if (too_old(found, now)) continue;
      const int fd = ::open(found.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0) {
        scan_.warn_once(found.path, "cannot open \"" + found.path + "\": " + std::strerror(errno) + "; skipped");
        continue;
      }
      struct stat st;
      std::optional<FileIdentity> id;
      if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(id = identify(fd, st)) || find(st) != nullptr) {
        ::close(fd);  // replaced between stat and open, or now a name of a known file
        continue;
      }
      scan_.ok(found.path);
      if (add_file(found.path, fd, st, *id, at_start, now)) added = true;
    }
    if (options_.inotify) {
      for (const std::string& pattern : options_.paths) watch_.watch(fixed_folder_of_glob(pattern));
    }
    for (auto& f : files_) {
      if (f->seen_round == scan_round_) {
        f->gone_since_ns = 0;
      } else if (f->gone_since_ns == 0) {
        f->gone_since_ns = now;
        host_.debug("\"" + f->path + "\" has no name matching paths any more (rotated or deleted)");
      }
    }
    if (added) {
      // Positions of new files are saved at once, so a file nothing is written to before a
      // restart is not taken for a file never seen (read_from "end" would skip its lines).
      std::lock_guard lock(mutex_);
      save_locked();
    }
  }

  // The known file with st's device and inode (a scan asks for each file it finds: a hash
  // lookup, so that 1,000 files cost 1,000 lookups, not a million comparisons).
  TailedFile* find(const struct stat& st) const {
    const auto it = by_dev_ino_.find(DevIno::of(st));
    return it == by_dev_ino_.end() ? nullptr : it->second;
  }

  // ignore_older: a file not modified for that long is left unopened (and looked at again
  // at every scan), unless a checkpoint says it was being read.
  bool too_old(const FoundFile& found, int64_t /*now*/) {
    if (options_.ignore_older_ns <= 0) return false;
    if (realtime_ns() - mtime_ns(found.st) <= options_.ignore_older_ns) {
      ignored_.erase(found.path);
      return false;
    }
    for (const FileCheckpoint& saved : saved_) {
      if (saved.id.dev == static_cast<uint64_t>(found.st.st_dev) &&
          saved.id.ino == static_cast<uint64_t>(found.st.st_ino)) {
        return false;
      }
    }
    if (ignored_.insert(found.path).second) {
      host_.debug("\"" + found.path + "\" was last modified longer ago than ignore_older: not opened");
    }
    return true;
  }

  bool add_file(const std::string& path, int fd, const struct stat& st, const FileIdentity& id, bool at_start,
                int64_t now) {
    auto file = std::make_unique<TailedFile>();
    file->path = path;
    file->fd = fd;
    file->id = id;
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t offset = at_start && !options_.from_beginning ? size : 0;
    for (auto it = saved_.begin(); it != saved_.end(); ++it) {
      if (it->id.dev != id.dev || it->id.ino != id.ino) continue;
      const auto same = it->id.fingerprint_len <= size ? identify(fd, st, it->id.fingerprint_len) : std::nullopt;
      if (same && same->fingerprint == it->id.fingerprint) {
        offset = it->offset;
        if (offset > size) {
          host_.info("\"" + path +
                     "\" is shorter than its checkpoint (truncated while stopped): reading it from the start");
          offset = 0;
        }
      } else {
        host_.info("\"" + path + "\" has the device and inode of a checkpoint but other first bytes (a new file " +
                   "in a reused inode): reading it from the start");
        offset = 0;
      }
      saved_.erase(it);  // one file per checkpoint
      break;
    }
    if (::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
      scan_.warn_once(path, "cannot seek in \"" + path + "\": " + std::strerror(errno) + "; skipped");
      return false;  // file's destructor closes fd
    }
    file->seen_size = size;
    file->seen_mtime_ns = mtime_ns(st);
    file->last_data_ns = now;
    file->seen_round = scan_round_;
    TailedFile* raw = file.get();
    {
      std::lock_guard lock(mutex_);
      raw->stream = next_stream_++;
      tracker_.start(raw->stream, offset);
      files_.push_back(std::move(file));
      by_dev_ino_[DevIno{raw->id.dev, raw->id.ino}] = raw;
    }
    raw->lines = make_splitter(*raw, offset);
    host_.add(files_counter_, 1);
    host_.debug("following \"" + path + "\" from offset " + std::to_string(offset));
    return true;
  }

  // A closed file (inactive, or released after a rotation but still matched) that changed
  // since it was closed is opened again, where reading stopped.
  void maybe_reopen(TailedFile& f, const std::string& path, const struct stat& st, int64_t now) {
    if (static_cast<uint64_t>(st.st_size) == f.closed_at_size && mtime_ns(st) == f.seen_mtime_ns) return;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      scan_.warn_once(path, "cannot open \"" + path + "\" again: " + std::strerror(errno));
      return;
    }
    struct stat now_st;
    if (::fstat(fd, &now_st) != 0 || static_cast<uint64_t>(now_st.st_dev) != f.id.dev ||
        static_cast<uint64_t>(now_st.st_ino) != f.id.ino) {
      ::close(fd);  // the name leads elsewhere now: the next scan sorts it out
      return;
    }
    f.fd = fd;
    f.seen_size = static_cast<uint64_t>(now_st.st_size);
    f.seen_mtime_ns = mtime_ns(now_st);
    f.last_data_ns = now;
    uint64_t offset = f.position;
    if (f.seen_size < f.position || !same_start(f, now_st)) {
      host_.info("\"" + path + "\" was replaced or truncated while closed: reading it again from the start");
      host_.add(truncations_, 1);
      new_stream(f);
      offset = 0;
    }
    ::lseek(fd, static_cast<off_t>(offset), SEEK_SET);
    f.lines = make_splitter(f, offset);
    host_.debug("\"" + f.path + "\" changed: reading it again from offset " + std::to_string(offset));
  }

  // Closed files that inotify saw written to: stat them by name, reopen those that changed.
  void reopen_written(const FolderWatch::Changes& changes, int64_t now) {
    for (auto& f : files_) {
      if (f->open() || f->gone_since_ns != 0) continue;
      if (!changes.overflowed && changes.written.count(f->path) == 0) continue;
      struct stat st;
      if (::stat(f->path.c_str(), &st) != 0) continue;
      if (static_cast<uint64_t>(st.st_dev) == f->id.dev && static_cast<uint64_t>(st.st_ino) == f->id.ino) {
        maybe_reopen(*f, f->path, st, now);
      }
    }
  }

  // Forgets closed files no name leads to any more (rotated out of the globs, deleted).
  // Not at the first scan that misses one: a rotation renaming app.log.1 to app.log.2
  // between glob(3) listing the folder and stat(2) hides the file from that one scan, and a
  // file forgotten then would be found again as new and read twice. So: missed by two
  // scans, and for rotate_wait.
  void drop_gone(int64_t now) {
    std::lock_guard lock(mutex_);
    const size_t before = files_.size();
    std::erase_if(files_, [this, now](const std::unique_ptr<TailedFile>& f) {
      if (f->open() || f->gone_since_ns == 0) return false;
      if (scan_round_ - f->seen_round < 2 || now < f->gone_since_ns + options_.rotate_wait_ns) return false;
      tracker_.forget(f->stream);
      by_dev_ino_.erase(DevIno{f->id.dev, f->id.ino});
      return true;
    });
    if (files_.size() != before) save_locked();
  }

  // ---- Reading ---------------------------------------------------------------------------

  std::unique_ptr<LineSplitter> make_splitter(TailedFile& file, uint64_t offset) {
    LineSplitterOptions o = options_.lines;
    o.start_offset = offset;
    o.offset_key = offset_key_;
    if (multiline_) o.record_start = [this](std::string_view line) { return starts_record(line); };
    TailedFile* f = &file;
    o.cookie_for = [this, f](uint64_t end) {
      std::lock_guard lock(mutex_);  // before emit: the ack may come before emit returns
      tracker_.record(++cookie_, f->stream, end);
      return cookie_;
    };
    if (path_key_ != LOGAGENT_NO_KEY) {
      o.before_emit = [this, f](Batch& batch) {
        // One copy of the path per batch, borrowed by each of its events.
        char* copy = batch.alloc(f->path.size());
        f->path.copy(copy, f->path.size());  // bytes, not a C string: no terminator wanted
        const std::string_view path(copy, f->path.size());
        for (uint32_t e = 0, n = batch.size(); e < n; ++e) batch.set_borrowed(e, path_key_, path);
      };
    }
    return std::make_unique<LineSplitter>(host_, std::move(o));
  }

  // multiline: does the line start a record? One that the pattern cannot decide within its
  // match limit (catastrophic backtracking) starts one: joining it to unrelated lines would
  // be worse than cutting a record. Counted, and warned about once.
  bool starts_record(std::string_view line) {
    switch (multiline_->match(line, *scratch_)) {
      case MatchResult::Matched:
        return true;
      case MatchResult::NoMatch:
        return false;
      default:
        host_.add(limit_hits_, 1);
        if (!limit_warned_) {
          limit_warned_ = true;
          host_.warn(
              "the multiline pattern hit its match limit on a line (counted in multiline_limit_hits); such "
              "lines start a record");
        }
        return true;
    }
  }

  // Reads what an open file has now (up to its share of a round), then, at its end, runs
  // its timers: release after a delete or a rotation, close when inactive. False when the
  // agent is aborting.
  bool service(TailedFile& f, int64_t now) {
    f.behind = false;
    struct stat st;
    if (::fstat(f.fd, &st) != 0) return true;
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    const bool changed = size != f.seen_size || mtime_ns(st) != f.seen_mtime_ns;
    f.seen_size = size;
    f.seen_mtime_ns = mtime_ns(st);
    if (changed) {
      // copytruncate: shorter than what was read, or, when it grew past that again between
      // two looks, other first bytes.
      if (size < f.lines->read_offset() || !same_start(f, st)) truncated(f, st);
      longer_fingerprint(f, st);
    }
    if (f.lines->read_offset() < size && !read_file(f)) return false;
    if (f.behind) return true;
    if (f.lines->record_pending() && now >= f.last_data_ns + options_.multiline_timeout_ns) {
      f.lines->close_record(realtime_ns());  // multiline_timeout: no new line came to end it
      if (!f.lines->flush()) return false;
    }
    if (st.st_nlink == 0) return release(f, "deleted");  // read to its end: nothing more can come
    if (now >= file_deadline(f)) {
      if (f.gone_since_ns != 0) return release(f, "rotated");
      close_inactive(f);
      return true;
    }
    next_deadline_ = std::min(next_deadline_, deadline_of(f));
    return true;
  }

  // When the file's next timer fires: its pending record's multiline_timeout, or
  // file_deadline.
  int64_t deadline_of(const TailedFile& f) const {
    const int64_t file = file_deadline(f);
    if (!f.lines || !f.lines->record_pending()) return file;
    return std::min(file, f.last_data_ns + options_.multiline_timeout_ns);
  }
  // rotate_wait after it went away, else close_inactive.
  int64_t file_deadline(const TailedFile& f) const {
    if (f.gone_since_ns != 0) return std::max(f.gone_since_ns, f.last_data_ns) + options_.rotate_wait_ns;
    return f.last_data_ns + options_.close_inactive_ns;
  }

  // Sets f.behind when its round share ran out before its data. False when aborting.
  bool read_file(TailedFile& f) {
    const uint64_t begin = f.lines->read_offset();
    bool got = false;
    for (;;) {
      if (stopping()) break;
      if (f.lines->read_offset() - begin >= kMaxBytesPerRound) {
        f.behind = true;
        break;
      }
      const ssize_t n = f.lines->read_from(f.fd, realtime_ns());
      if (n > 0) {
        got = true;
        if (!f.lines->emit_full_batches(realtime_ns())) return false;
        continue;
      }
      if (n == 0) break;
      if (errno == EINTR) continue;
      if (errno != EAGAIN) scan_.warn_once(f.path, "cannot read \"" + f.path + "\": " + std::strerror(errno));
      break;
    }
    if (got) f.last_data_ns = monotonic_ns();
    return f.lines->flush();
  }

  // The first fingerprint_len bytes are still those the identity was taken of.
  static bool same_start(const TailedFile& f, const struct stat& st) {
    if (f.id.fingerprint_len == 0) return true;
    const auto now = identify(f.fd, st, f.id.fingerprint_len);
    return now && now->fingerprint == f.id.fingerprint;
  }

  // A file that was short when found: a longer fingerprint tells it apart better.
  void longer_fingerprint(TailedFile& f, const struct stat& st) {
    if (f.id.fingerprint_len >= kFingerprintBytes || static_cast<uint64_t>(st.st_size) <= f.id.fingerprint_len) {
      return;
    }
    if (auto id = identify(f.fd, st)) {
      std::lock_guard lock(mutex_);
      f.id = *id;
    }
  }

  // copytruncate: the file is shorter than what was read, or starts otherwise. Its lines
  // start again at 0, as a new stream, so acknowledgements of batches of the old content
  // move nothing.
  void truncated(TailedFile& f, const struct stat& st) {
    host_.info("\"" + f.path + "\" was truncated (" + std::to_string(st.st_size) + " bytes, " +
               std::to_string(f.lines->read_offset()) + " read): reading it again from the start");
    host_.add(truncations_, 1);
    f.lines.reset();  // what it held unfinished belonged to the old content
    ::lseek(f.fd, 0, SEEK_SET);
    new_stream(f);
    f.lines = make_splitter(f, 0);
  }

  // The file's content is not what its position counts: a new stream from offset 0.
  void new_stream(TailedFile& f) {
    std::lock_guard lock(mutex_);
    tracker_.forget(f.stream);
    f.stream = next_stream_++;
    tracker_.start(f.stream, 0);
    f.id.fingerprint_len = 0;
    f.id.fingerprint = fingerprint({});
    save_locked();
  }

  // Deleted, or rotate_wait after a rotation: the file is read to its end, so a last line
  // without newline is complete now; its descriptor and memory go. Known until no name
  // leads to it (a rotated name may still match a glob: it is not read again from 0).
  bool release(TailedFile& f, const char* why) {
    f.lines->finish(realtime_ns(), true);
    if (!f.lines->flush()) return false;
    f.position = f.lines->committed_offset();
    f.closed_at_size = f.seen_size;
    f.close();
    if (f.gone_since_ns == 0) f.gone_since_ns = monotonic_ns();  // deleted: no scan needed to know
    host_.add(released_counter_, 1);
    host_.debug("released \"" + f.path + "\" (" + why + ") at offset " + std::to_string(f.position));
    return true;
  }

  // close_inactive: no new data for that long. The position is the start of an unfinished
  // last line, which is read again whole when the file is opened again.
  void close_inactive(TailedFile& f) {
    f.position = f.lines->committed_offset();
    f.closed_at_size = f.lines->read_offset();
    f.close();
    host_.add(inactive_counter_, 1);
    host_.debug("closed \"" + f.path + "\": inactive");
  }

  // Every known file's identity and checkpoint, into the host's store. Needs mutex_.
  void save_locked() {
    entries_.clear();
    for (const auto& f : files_) {
      if (auto position = tracker_.checkpoint(f->stream)) entries_.push_back(FileCheckpoint{f->id, *position});
    }
    encode(entries_, blob_);
    host_.save_state(blob_);
  }

  Host host_;
  TailOptions options_;
  PathScan scan_;
  FolderWatch watch_;
  int wakeup_;
  std::atomic<bool> stop_{false};
  logagent_key path_key_ = LOGAGENT_NO_KEY;
  logagent_key offset_key_ = LOGAGENT_NO_KEY;
  std::optional<Regex> multiline_;
  std::optional<Regex::Scratch> scratch_;  // the run thread's: record_start is called there
  logagent_counter* limit_hits_ = nullptr;
  bool limit_warned_ = false;
  logagent_counter* truncations_ = nullptr;
  logagent_counter* files_counter_ = nullptr;
  logagent_counter* released_counter_ = nullptr;
  logagent_counter* inactive_counter_ = nullptr;
  std::vector<FileCheckpoint> saved_;  // loaded at start, each used by the first file it matches
  std::vector<FoundFile> found_;       // the last scan, kept to reuse its memory
  std::set<std::string> ignored_;      // ignore_older: told once per path
  uint64_t scan_round_ = 0;
  int64_t next_deadline_ = 0;  // the earliest timer of a file looked at (monotonic)

  std::mutex mutex_;  // guards what follows, and each file's id and stream: ack() reads them
  std::vector<std::unique_ptr<TailedFile>> files_;
  std::unordered_map<DevIno, TailedFile*, DevInoHash> by_dev_ino_;  // files_ by device and inode
  AckTracker tracker_;
  uint64_t cookie_ = 0;
  uint64_t next_stream_ = 1;
  std::vector<FileCheckpoint> entries_;  // save_locked's buffers, reused
  std::string blob_;
};

}  // namespace logagent::plugins::tail

LOGAGENT_INPUT_PLUGIN(logagent::plugins::tail::TailInput, "tail", "0.2.0",
                      "Follows files matched by globs, one event per line (field message), through rotations and "
                      "restarts",
                      logagent::plugins::tail::kOptions)
