// The tail input: follows files matched by globs, one event per line, resuming at acknowledged offsets.
#include "checkpoint.hpp"
#include "path_scan.hpp"
#include "tailed_file.hpp"

#include <logagent/ack_tracker.hpp>
#include <logagent/line_splitter.hpp>
#include <logagent/plugin.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace logagent::plugins::tail {
namespace {

const char* const kReadFrom[] = {"end", "beginning", nullptr};
const char* const kLongLineModes[] = {"split", "truncate", nullptr};

const logagent_option kOptions[] = {
    logagent::option("paths", LOGAGENT_OPTION_STRING_LIST)
        .required()
        .doc("Files to follow, as glob(3) patterns; expanded again every refresh_interval")
        .example("[\"/var/log/nginx/*.log\"]"),
    logagent::option("exclude", LOGAGENT_OPTION_STRING_LIST)
        .doc("fnmatch(3) patterns of files not to follow: with a '/' matched against the whole path, "
             "without against the file name")
        .example("[\"*.gz\"]"),
    logagent::option("read_from", LOGAGENT_OPTION_STRING)
        .defaults("end")
        .choices(kReadFrom)
        .doc("Where to start in a file found at start that has no checkpoint; files found later are read from "
             "their beginning")
        .example("\"beginning\""),
    logagent::option("refresh_interval", LOGAGENT_OPTION_DURATION)
        .defaults("1s")
        .min("1ms")
        .doc("How often the globs are expanded again and the files polled for new lines")
        .example("\"250ms\""),
    logagent::option("exit_on_eof", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Read every matched file to its end, then finish (for tests and benchmarks)")
        .example("true"),
    logagent::option("max_line_bytes", LOGAGENT_OPTION_SIZE)
        .defaults("1MiB")
        .min("1")
        .doc("Longest line kept whole; longer lines are split or truncated (see on_long_line) and counted")
        .example("\"64KiB\""),
    logagent::option("on_long_line", LOGAGENT_OPTION_STRING)
        .defaults("split")
        .choices(kLongLineModes)
        .doc("\"split\": each piece is an event, all but the last marked partial=true; \"truncate\": the first "
             "max_line_bytes, marked truncated=true, the rest discarded and counted")
        .example("\"truncate\""),
    logagent::option("path_field", LOGAGENT_OPTION_STRING)
        .defaults("")
        .doc("When set, the name of a field that gets the path of the file on every event")
        .example("\"file\""),
};

// A file that never runs dry (a steady writer) must not hold up the others in a round.
constexpr uint64_t kMaxBytesPerRound = 8 << 20;

int64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

struct TailOptions {
  std::vector<std::string> paths, exclude;
  bool from_beginning = false;
  int64_t refresh_ns = 1'000'000'000;
  bool exit_on_eof = false;
  std::string path_field;
  LineSplitterOptions lines;
};

TailOptions read_options(const Config& config) {
  TailOptions o;
  o.paths = config.get_list("paths");
  if (o.paths.empty()) throw OptionError("paths", "paths needs at least one glob");
  for (const std::string& p : o.paths) {
    if (p.empty()) throw OptionError("paths", "a paths pattern is empty");
  }
  o.exclude = config.get_list("exclude");
  o.from_beginning = config.get_string("read_from", "end") == "beginning";
  o.refresh_ns = config.get_duration_ns("refresh_interval", o.refresh_ns);
  o.exit_on_eof = config.get_bool("exit_on_eof", false);
  o.path_field = config.get_string("path_field", "");
  int64_t max = config.get_size("max_line_bytes", 1 << 20);
  if (max < 1) throw OptionError("max_line_bytes", "max_line_bytes must be at least 1 byte");
  o.lines.max_line_bytes = static_cast<size_t>(max);
  o.lines.long_lines =
      config.get_string("on_long_line", "split") == "truncate" ? LongLines::Truncate : LongLines::Split;
  return o;
}

}  // namespace

class TailInput final : public logagent::Input {
 public:
  TailInput(Host host, const Config& config)
      : host_(host),
        options_(read_options(config)),
        scan_(host, options_.paths, options_.exclude),
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
      truncations_ = host.counter("truncations");
      files_counter_ = host.counter("files_opened");
    } catch (...) {
      ::close(wakeup_);
      throw;
    }
  }
  ~TailInput() override { ::close(wakeup_); }

  Status run() override {
    bool first = true;
    while (!stopping()) {
      scan(first);
      first = false;
      bool more = false;  // a file still had data when its round share ran out
      for (size_t i = 0; i < files_.size() && !stopping(); ++i) {
        if (!read_file(*files_[i], more)) return Status::Ok();  // the agent is aborting
      }
      if (options_.exit_on_eof && !more) {
        // Every file is read to its end: a last line without newline goes out marked
        // partial; its offset stays at its start, so a later run reads it again whole.
        for (auto& f : files_) {
          f->lines->finish(realtime_ns(), false);
          if (!f->lines->flush()) break;
        }
        return Status::Ok();
      }
      if (!more && !sleep()) break;
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

  // Waits refresh_interval; false when stop() came meanwhile.
  bool sleep() {
    pollfd fd{wakeup_, POLLIN, 0};
    const int ms = static_cast<int>(std::max<int64_t>(1, options_.refresh_ns / 1'000'000));
    int ready = ::poll(&fd, 1, ms);
    return !(ready > 0 || stopping());
  }

  // Opens the files the globs match that are not followed yet.
  void scan(bool at_start) {
    scan_.expand(found_);
    bool added = false;
    for (const FoundFile& found : found_) {
      if (followed(found.st)) continue;
      const int fd = ::open(found.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0) {
        scan_.warn_once(found.path, "cannot open \"" + found.path + "\": " + std::strerror(errno) + "; skipped");
        continue;
      }
      struct stat st;
      std::optional<FileIdentity> id;
      if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(id = identify(fd, st))) {
        ::close(fd);  // replaced between stat and open: the next scan sees the new one
        continue;
      }
      if (followed(st)) {  // the name now points at a file already followed
        ::close(fd);
        continue;
      }
      scan_.ok(found.path);
      add_file(found.path, fd, st, *id, at_start);
      added = true;
    }
    if (added) {
      // Positions of new files are saved at once, so a file nothing is written to before a
      // restart is not taken for a file never seen (read_from "end" would skip its lines).
      std::lock_guard lock(mutex_);
      save_locked();
    }
  }

  bool followed(const struct stat& st) const {
    for (const auto& f : files_) {
      if (f->id.dev == static_cast<uint64_t>(st.st_dev) && f->id.ino == static_cast<uint64_t>(st.st_ino)) return true;
    }
    return false;
  }

  void add_file(const std::string& path, int fd, const struct stat& st, const FileIdentity& id, bool at_start) {
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
      ::close(fd);
      file->fd = -1;
      return;
    }
    TailedFile* raw = file.get();
    {
      std::lock_guard lock(mutex_);
      raw->stream = next_stream_++;
      tracker_.start(raw->stream, offset);
      files_.push_back(std::move(file));
    }
    raw->lines = make_splitter(*raw, offset);
    host_.add(files_counter_, 1);
    host_.debug("following \"" + path + "\" from offset " + std::to_string(offset));
  }

  std::unique_ptr<LineSplitter> make_splitter(TailedFile& file, uint64_t offset) {
    LineSplitterOptions o = options_.lines;
    o.start_offset = offset;
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

  // Reads what the file has now, up to its share of the round; false when the agent is
  // aborting. Sets `more` when the share ran out before the data.
  bool read_file(TailedFile& f, bool& more) {
    struct stat st;
    if (::fstat(f.fd, &st) != 0) return true;
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size < f.lines->read_offset()) truncated(f, st);
    if (f.id.fingerprint_len < kFingerprintBytes && size > f.id.fingerprint_len) {
      // A file that was short when found: a longer fingerprint tells it apart better.
      if (auto id = identify(f.fd, st)) {
        std::lock_guard lock(mutex_);
        f.id = *id;
      }
    }
    const uint64_t begin = f.lines->read_offset();
    for (;;) {
      if (stopping()) break;
      if (f.lines->read_offset() - begin >= kMaxBytesPerRound) {
        more = true;
        break;
      }
      const ssize_t n = f.lines->read_from(f.fd, realtime_ns());
      if (n > 0) {
        if (!f.lines->emit_full_batches(realtime_ns())) return false;
        continue;
      }
      if (n == 0) break;
      if (errno == EINTR) continue;
      if (errno != EAGAIN) scan_.warn_once(f.path, "cannot read \"" + f.path + "\": " + std::strerror(errno));
      break;
    }
    return f.lines->flush();
  }

  // copytruncate: the file is shorter than what was read. Its lines start again at 0, as a
  // new stream, so acknowledgements of batches of the old content move nothing.
  void truncated(TailedFile& f, const struct stat& st) {
    host_.info("\"" + f.path + "\" was truncated (" + std::to_string(st.st_size) + " bytes, " +
               std::to_string(f.lines->read_offset()) + " read): reading it again from the start");
    host_.add(truncations_, 1);
    f.lines.reset();  // what it held unfinished belonged to the old content
    ::lseek(f.fd, 0, SEEK_SET);
    {
      std::lock_guard lock(mutex_);
      tracker_.forget(f.stream);
      f.stream = next_stream_++;
      tracker_.start(f.stream, 0);
      f.id.fingerprint_len = 0;
      f.id.fingerprint = fingerprint({});
      save_locked();
    }
    f.lines = make_splitter(f, 0);
  }

  // Every followed file's identity and checkpoint, into the host's store. Needs mutex_.
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
  int wakeup_;
  std::atomic<bool> stop_{false};
  logagent_key path_key_ = LOGAGENT_NO_KEY;
  logagent_counter* truncations_ = nullptr;
  logagent_counter* files_counter_ = nullptr;
  std::vector<FileCheckpoint> saved_;  // loaded at start, each used by the first file it matches
  std::vector<FoundFile> found_;       // the last scan, kept to reuse its memory

  std::mutex mutex_;  // guards what follows, and each file's id and stream: ack() reads them
  std::vector<std::unique_ptr<TailedFile>> files_;
  AckTracker tracker_;
  uint64_t cookie_ = 0;
  uint64_t next_stream_ = 1;
  std::vector<FileCheckpoint> entries_;  // save_locked's buffers, reused
  std::string blob_;
};

}  // namespace logagent::plugins::tail

LOGAGENT_INPUT_PLUGIN(logagent::plugins::tail::TailInput, "tail", "0.1.0",
                      "Follows files matched by globs, one event per line (field message), resuming after a restart",
                      logagent::plugins::tail::kOptions)
