// Splits a byte stream into lines inside batch memory, with a cap on line length and stream offsets.
//
// Header-only, compiled into each input that reads lines (stdin, file tail, ...). Reads go
// straight into memory owned by the current batch and each line's `message` borrows it, so
// a line is never copied; only the unfinished tail of a read moves, once, when the batch is
// handed on.
//
// Events: `message` (string, without the line ending: "\n", or "\r\n" whose "\r" is
// dropped), plus `partial = true` on every piece of a split over-long line but the last (as
// in the CRI log format) and `truncated = true` on a truncated one. Counters of the
// instance: lines, bytes, long_lines, discarded_bytes.
//
// Offsets: the splitter counts the bytes of the stream from options.start_offset and tells,
// for every batch it emits, the offset just past the last complete line in that batch (its
// newline included). That is the position an input checkpoints once the batch (and every
// earlier one, see ack_tracker.hpp) is acknowledged: reading again from there loses no line
// that was not, and cuts lines at the same places.
//
// Not thread-safe: one splitter belongs to one input thread (cookie_for runs on it too).
//
//   logagent::LineSplitter lines(host, options);
//   while (lines.read_from(fd, now_ns()) > 0) {       // EINTR/EAGAIN handling left out
//     if (!lines.emit_full_batches(now_ns())) break;  // the agent is aborting
//   }
//   lines.finish(now_ns(), /*end_of_input=*/true);
//   lines.flush();
#pragma once

#include <logagent/plugin.hpp>

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>
#include <utility>

namespace logagent {

enum class LongLines {
  Split,    // every max_line_bytes piece is an event; all but the last marked partial=true
  Truncate  // the first max_line_bytes, marked truncated=true; the rest discarded and counted
};

struct LineSplitterOptions {
  // Longest line kept whole, without its line ending. At least 1.
  size_t max_line_bytes = 1 << 20;
  LongLines long_lines = LongLines::Split;
  // Bytes asked of each read (more while one long line is collected). 64 KiB: one pipe's worth.
  size_t read_size = 64 * 1024;
  // Stream offset of the first byte the splitter will read (a file resumed at a checkpoint).
  uint64_t start_offset = 0;
  // Called once per batch, just before it is emitted, with the offset just past the last
  // complete line the batch holds (or, if it holds none, the offset reached before it);
  // returns the cookie to emit the batch with. This is where an input records what the
  // cookie stands for: the acknowledgement may arrive before emit returns. Unset: cookie 0.
  std::function<uint64_t(uint64_t end_offset)> cookie_for;
  // Called once per batch, just before cookie_for, with the batch about to be emitted and
  // its events all appended: where an input adds fields of its own to every event (a file
  // tail's path), once per batch rather than once per line. Unset: nothing.
  std::function<void(Batch& batch)> before_emit;
};

class LineSplitter {
 public:
  inline LineSplitter(Host host, LineSplitterOptions options);
  inline ~LineSplitter();
  LineSplitter(const LineSplitter&) = delete;
  LineSplitter& operator=(const LineSplitter&) = delete;

  // Reads what fd has (one read call) and cuts lines until the batch is full. Returns bytes
  // read, 0 at end of input, -1 on error (errno set; EINTR/EAGAIN are returned too for the
  // caller to retry).
  inline ssize_t read_from(int fd, int64_t now_ns);
  // While the batch is full: hands it on and cuts the lines already read into the next.
  // False when the agent is aborting.
  inline bool emit_full_batches(int64_t now_ns);
  // Ends input; flush() afterwards to hand on the last batch. At end of input a last line
  // without newline is a complete line like any other (the offset moves to the end of
  // input). When stopped early (end_of_input false), the unfinished line read so far
  // becomes an event marked partial=true and the offset stays at its start, so a reader
  // resuming there reads the line again whole.
  inline void finish(int64_t now_ns, bool end_of_input);
  // Hands the current batch to the pipeline (no-op when it holds no event). False when the
  // agent is aborting.
  inline bool flush();
  // The current batch holds events and reached the host's batch limits.
  inline bool batch_full() const;

  // Offset just past the last complete input line cut so far, its newline included: a
  // line emitted whole, the last piece of a split line, the end of a truncated line's
  // discarded rest. Pieces of a line whose end has not been read do not move it. It can be
  // ahead of the offset given with the last emitted batch when bytes since then made no
  // event (the discarded rest of a truncated line): the next batch carries it, and an
  // input with nothing in flight may record it directly.
  uint64_t committed_offset() const noexcept { return committed_offset_; }
  // Offset just past the last byte read.
  uint64_t read_offset() const noexcept { return region_offset_ + end_; }

 private:
  inline void start_batch();
  inline void ensure_room();
  inline void cut_lines(int64_t now_ns);
  inline bool limits_reached() const;  // the host's batch_full, whatever the event count
  inline void emit_line(const char* begin, size_t len, int64_t now_ns, logagent_key mark);
  // Length without one trailing '\r' (the CR of a CRLF).
  inline size_t without_cr(size_t begin, size_t len) const;
  // A complete input line ends just before region_[start_].
  void commit() noexcept { committed_offset_ = region_offset_ + start_; }

  Host host_;
  LineSplitterOptions options_;
  logagent_key message_key_, partial_key_, truncated_key_;
  logagent_counter *lines_, *bytes_, *long_lines_, *discarded_bytes_;

  logagent_batch* batch_ = nullptr;
  uint32_t events_ = 0;
  char* region_ = nullptr;  // in the batch's arena
  size_t capacity_ = 0;
  size_t start_ = 0;           // first byte of the unfinished line
  size_t end_ = 0;             // end of data read
  size_t scanned_ = 0;         // bytes from start_ already searched for '\n'
  bool discarding_ = false;    // truncate mode: skipping the rest of an over-long line
  bool splitting_ = false;     // split mode: pieces of an over-long line are being emitted
  uint64_t region_offset_;     // stream offset of region_[0]
  uint64_t committed_offset_;  // see committed_offset()
};

// ---- Implementation ------------------------------------------------------------------------

inline LineSplitter::LineSplitter(Host host, LineSplitterOptions options)
    : host_(host),
      options_(std::move(options)),
      region_offset_(options_.start_offset),
      committed_offset_(options_.start_offset) {
  message_key_ = host.intern("message");
  partial_key_ = host.intern("partial");
  truncated_key_ = host.intern("truncated");
  lines_ = host.counter("lines");
  bytes_ = host.counter("bytes");
  long_lines_ = host.counter("long_lines");
  discarded_bytes_ = host.counter("discarded_bytes");
}

inline LineSplitter::~LineSplitter() {
  if (batch_ != nullptr) host_.discard(batch_);
}

inline void LineSplitter::start_batch() {
  // Carry the unfinished line into the new batch's memory: the old batch is about to go.
  const char* old = region_;
  size_t tail = end_ - start_;
  batch_ = host_.new_batch();
  events_ = 0;
  capacity_ = std::max(options_.read_size, tail * 2);
  region_ = Batch(host_.raw(), batch_).alloc(capacity_);
  if (tail != 0) std::memcpy(region_, old + start_, tail);
  scanned_ = std::min(scanned_, tail);
  region_offset_ += start_;
  start_ = 0;
  end_ = tail;
}

// A batch without events is never full: its read region alone may reach batch_max_bytes,
// and a full empty batch could never be handed on.
inline bool LineSplitter::batch_full() const { return batch_ != nullptr && events_ != 0 && limits_reached(); }

inline bool LineSplitter::limits_reached() const { return Batch(host_.raw(), batch_).full(); }

inline bool LineSplitter::flush() {
  if (batch_ == nullptr || events_ == 0) return true;
  // Every line cut so far is in this batch or an earlier one: the committed offset is this
  // batch's end.
  const uint64_t end_offset = committed_offset_;
  logagent_batch* done = batch_;
  if (options_.before_emit) {
    Batch batch(host_.raw(), done);
    options_.before_emit(batch);
  }
  start_batch();
  const uint64_t cookie = options_.cookie_for ? options_.cookie_for(end_offset) : 0;
  return host_.emit(done, cookie).ok();
}

inline void LineSplitter::ensure_room() {
  if (batch_ == nullptr) start_batch();
  if (end_ < capacity_) return;
  // The region is full. Complete lines in it are already events, so what remains is one
  // unfinished line: give it a bigger region of the same batch, up to the line cap.
  size_t tail = end_ - start_;
  size_t wanted = std::max(options_.read_size, std::min(tail * 2, options_.max_line_bytes + 1));
  if (tail >= wanted) wanted = tail + options_.read_size;
  char* bigger = Batch(host_.raw(), batch_).alloc(wanted);
  std::memcpy(bigger, region_ + start_, tail);
  region_ = bigger;
  capacity_ = wanted;
  region_offset_ += start_;
  start_ = 0;
  end_ = tail;
}

inline void LineSplitter::emit_line(const char* begin, size_t len, int64_t now_ns, logagent_key mark) {
  Batch batch(host_.raw(), batch_);
  uint32_t event = batch.append(now_ns);
  batch.set_borrowed(event, message_key_, std::string_view(begin, len));
  if (mark != LOGAGENT_NO_KEY) batch.set(event, mark, Value::boolean(true));
  ++events_;
}

inline size_t LineSplitter::without_cr(size_t begin, size_t len) const {
  return len > 0 && region_[begin + len - 1] == '\r' ? len - 1 : len;
}

inline void LineSplitter::cut_lines(int64_t now_ns) {
  uint64_t lines = 0;  // input lines ended here; the counter is added to once per call
  const size_t max = options_.max_line_bytes;
  // Cutting borrows the read region and allocates nothing, so a batch that becomes full
  // while lines are cut has reached batch_max_events: stop there, the rest goes to the next
  // batch. One already full before is full by bytes (its read region alone reaches
  // batch_max_bytes): its lines are cut all the same, since they are in its memory already.
  const bool stop_when_full = !limits_reached();
  while (!(stop_when_full && limits_reached())) {
    char* from = region_ + start_ + scanned_;
    auto* nl = static_cast<char*>(std::memchr(from, '\n', end_ - start_ - scanned_));
    size_t len = nl ? static_cast<size_t>(nl - (region_ + start_)) : end_ - start_;
    if (discarding_) {
      // Truncate mode: drop bytes up to the end of the over-long line (its CR is not data).
      host_.add(discarded_bytes_, nl ? without_cr(start_, len) : len);
      if (!nl) {
        start_ = end_;
        scanned_ = 0;
        break;
      }
      discarding_ = false;
      start_ += len + 1;
      scanned_ = 0;
      commit();
      ++lines;
      continue;
    }
    // A CR right after max bytes may be the CR of a CRLF, which is not part of the line:
    // wait for the next byte before calling the line too long.
    const bool maybe_crlf = len == max + 1 && region_[start_ + max] == '\r';
    if (len > max && !maybe_crlf) {
      const char* line = region_ + start_;
      if (!splitting_) host_.add(long_lines_, 1);  // once per line, not per piece
      if (options_.long_lines == LongLines::Split) {
        // Every piece but the last is marked partial, as in the CRI log format, so a
        // consumer can join the pieces back into the line.
        emit_line(line, max, now_ns, partial_key_);
        start_ += max;
        scanned_ = 0;
        splitting_ = true;
        continue;
      }
      emit_line(line, max, now_ns, truncated_key_);
      start_ += max;
      scanned_ = 0;
      discarding_ = true;
      continue;
    }
    if (!nl) {
      scanned_ = len;
      break;
    }
    emit_line(region_ + start_, without_cr(start_, len), now_ns, LOGAGENT_NO_KEY);
    start_ += len + 1;
    scanned_ = 0;
    commit();
    splitting_ = false;
    ++lines;
  }
  if (lines != 0) host_.add(lines_, lines);
}

inline ssize_t LineSplitter::read_from(int fd, int64_t now_ns) {
  ensure_room();
  ssize_t n = ::read(fd, region_ + end_, capacity_ - end_);
  if (n <= 0) return n;
  end_ += static_cast<size_t>(n);
  host_.add(bytes_, static_cast<uint64_t>(n));
  cut_lines(now_ns);
  return n;
}

inline bool LineSplitter::emit_full_batches(int64_t now_ns) {
  while (batch_full()) {
    if (!flush()) return false;
    cut_lines(now_ns);  // lines read after the full batch's last one came along
  }
  return true;
}

inline void LineSplitter::finish(int64_t now_ns, bool end_of_input) {
  if (batch_ == nullptr) return;
  if (!emit_full_batches(now_ns)) return;
  if (end_ > start_ && !discarding_) {
    const size_t len = end_ - start_;
    if (end_of_input) {
      emit_line(region_ + start_, without_cr(start_, len), now_ns, LOGAGENT_NO_KEY);  // no newline at the end
    } else {
      emit_line(region_ + start_, len, now_ns, partial_key_);  // the rest never came
    }
    host_.add(lines_, 1);
  } else if (discarding_) {
    host_.add(lines_, 1);  // the over-long line ended with the input
  }
  // Everything read is used up. The region keeps the bytes the events borrow: reading on
  // (which finish does not forbid) continues after them.
  start_ = end_;
  scanned_ = 0;
  if (end_of_input) commit();
  discarding_ = splitting_ = false;
}

}  // namespace logagent
