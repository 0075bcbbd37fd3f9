// Splits a byte stream into lines inside batch memory, with a cap on line length and stream offsets.
//
// Header-only, compiled into each input that reads lines (stdin, file tail, ...). Reads go
// straight into memory owned by the current batch and each line's `message` borrows it, so
// a line is never copied; only the unfinished tail of a read moves, once, when the batch is
// handed on.
//
// Events: `message` (string, without the line ending: "\n", or "\r\n" whose "\r" is
// dropped), plus `partial = true` on every piece of a split over-long line but the last (as
// in the CRI log format) and `truncated = true` on a truncated one; with options.offset_key,
// the stream offset of the event's first byte. Counters of the instance: lines, bytes,
// long_lines, discarded_bytes, records.
//
// Multiline records (options.record_start set): a line for which record_start is false is
// appended to the record before it, so one event holds a stack trace. The message is the
// region's bytes from the record's first byte to the end of its last line (lines joined by
// their own "\n", inner "\r"s kept, a final "\r" dropped), still borrowed, never copied. A
// record ends when the next line starting one is complete, at close_record() (the input's
// timeout) or at finish(). It is capped at max_line_bytes like a line: split into pieces of
// max_line_bytes (joined, they are the record), or truncated and the rest of it, up to the
// next line starting a record, discarded.
//
// Offsets: the splitter counts the bytes of the stream from options.start_offset and tells,
// for every batch it emits, the offset just past the last complete line in that batch (its
// newline included). That is the position an input checkpoints once the batch (and every
// earlier one, see ack_tracker.hpp) is acknowledged: reading again from there loses no line
// that was not, and cuts lines at the same places. A pending record holds the offset at its
// first byte, so a reader resuming there reads the whole record again.
//
// Memory: the splitter holds a batch only while it has something in it: events not handed on
// yet, an unfinished line, a pending record. flush() after which nothing is left unfinished,
// and a read_from that brought nothing to keep (0 bytes at a file's end, EAGAIN), leave it
// holding none; the next read_from takes one (host batch_new). So an input with one splitter
// per source (a tail following 1,000 quiet files) keeps no read region per quiet source.
// Otherwise the unfinished bytes move into the next batch, once, when one is handed on.
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
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
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
  // When set, every event gets this int field: the stream offset of its first byte (of each
  // piece of a split line or record, the piece's own).
  logagent_key offset_key = LOGAGENT_NO_KEY;
  // Multiline records: called once per complete line (without its line ending; a line longer
  // than max_line_bytes is judged by its first max_line_bytes bytes, as soon as they are
  // read), returns whether the line starts a new record. A line that does not is appended to
  // the pending record, or starts one if there is none. Unset: every line is an event, and
  // no call is made per line.
  std::function<bool(std::string_view line)> record_start;
};

// ---- The options of an input that reads lines ---------------------------------------------
//
// Every such input (stdin, file tail, ...) offers max_line_bytes and on_long_line with the
// same names, defaults and meaning. These build its option table entries and read them:
//
//   const logagent_option kOptions[] = {
//       logagent::max_line_bytes_option("Longest line kept whole; ..."),
//       logagent::on_long_line_option(),
//       ...
//   };
//   logagent::read_long_line_options(config, splitter_options);

inline constexpr const char* kLongLineModes[] = {"split", "truncate", nullptr};

// `doc` says what a line is for this input (a multiline record counts as one, say).
constexpr Option max_line_bytes_option(const char* doc) noexcept {
  return option("max_line_bytes", LOGAGENT_OPTION_SIZE).defaults("1MiB").min("1").doc(doc).example("\"64KiB\"");
}
constexpr Option on_long_line_option() noexcept {
  return option("on_long_line", LOGAGENT_OPTION_STRING)
      .defaults("split")
      .choices(kLongLineModes)
      .doc(
          "\"split\": each piece is an event, all but the last marked partial=true; \"truncate\": the first "
          "max_line_bytes, marked truncated=true, the rest discarded and counted")
      .example("\"truncate\"");
}

// Reads both into `options`. The schema already holds max_line_bytes >= 1 and on_long_line
// to its choices; OptionError if a host let another value through.
inline void read_long_line_options(const Config& config, LineSplitterOptions& options) {
  const int64_t max = config.get_size("max_line_bytes", 1 << 20);
  if (max < 1) throw OptionError("max_line_bytes", "max_line_bytes must be at least 1 byte");
  options.max_line_bytes = static_cast<size_t>(max);
  const std::string mode = config.get_string("on_long_line", "split");
  if (mode != "split" && mode != "truncate") {
    throw OptionError("on_long_line", "on_long_line must be \"split\" or \"truncate\", got \"" + mode + "\"");
  }
  options.long_lines = mode == "truncate" ? LongLines::Truncate : LongLines::Split;
}

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
  //
  // With records, at end of input a pending record is emitted whole (the last line without
  // newline appended to it, or starting the next one); when stopped early a pending record
  // is emitted as it is, marked partial=true, and the offset stays at its first byte.
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
  // input with nothing in flight may record it directly. With records, it is the first
  // byte of the pending record (a truncated one's too) until the record ends.
  uint64_t committed_offset() const noexcept { return committed_offset_; }
  // Offset just past the last byte read.
  uint64_t read_offset() const noexcept { return region_offset_ + end_; }

  // Multiline records, for the input's timeout: a record is held whose lines are all read
  // (not while one of its lines, longer than max_line_bytes, is still being read).
  bool record_pending() const noexcept { return record_open_ && !judged_; }
  // When the newest line of the pending record was read (the now_ns of that read).
  int64_t record_last_line_ns() const noexcept { return last_line_ns_; }
  // Ends the pending record now: it becomes an event in the current batch (none when it was
  // truncated: its rest is simply no longer discarded) and the committed offset moves past
  // it. The next line starts a record whatever record_start says. flush() afterwards to hand
  // it on. No-op unless record_pending().
  inline void close_record(int64_t now_ns);

 private:
  inline void start_batch();
  inline void ensure_room();
  // Moves the bytes still needed (from kept_from()) to the start of `region`.
  inline void move_region(char* region, size_t capacity);
  // Indexes into the region now count from region_[from].
  inline void forget_before(size_t from) noexcept;
  // The batch is handed on or given back: hold none (nothing is kept from the region).
  inline void drop_region() noexcept;
  // Gives the batch back to the host when it holds no event and nothing unfinished.
  inline void release_if_empty() noexcept;
  size_t kept_from() const noexcept { return record_open_ ? std::min(record_begin_, start_) : start_; }
  // The line at start_ is judged and its bytes before `at` are emitted or dropped: forget them.
  inline void skip_to(size_t at);
  inline void cut_lines(int64_t now_ns);
  inline void cut_records(int64_t now_ns);
  // Decides whether the line at start_ starts a record (ending the pending one) or continues it.
  inline void judge(size_t head_len, int64_t now_ns);
  // The pending record's content now ends at region_[end]; a truncated one's new bytes are dropped.
  inline void extend_record(size_t end);
  inline void end_record(int64_t now_ns, logagent_key mark);
  inline void finish_records(int64_t now_ns, bool end_of_input);
  inline bool limits_reached() const;  // the host's batch_full, whatever the event count
  inline void emit_line(const char* begin, size_t len, int64_t now_ns, logagent_key mark);
  // Length without one trailing '\r' (the CR of a CRLF).
  inline size_t without_cr(size_t begin, size_t len) const;
  // A complete input line ends just before region_[start_].
  void commit() noexcept { committed_offset_ = region_offset_ + start_; }

  Host host_;
  LineSplitterOptions options_;
  logagent_key message_key_, partial_key_, truncated_key_;
  logagent_counter *lines_, *bytes_, *long_lines_, *discarded_bytes_, *records_;

  logagent_batch* batch_ = nullptr;
  uint32_t events_ = 0;
  char* region_ = nullptr;  // in the batch's arena
  size_t capacity_ = 0;
  size_t start_ = 0;           // first byte of the unfinished line
  size_t end_ = 0;             // end of data read
  size_t scanned_ = 0;         // bytes from start_ already searched for '\n'
  bool discarding_ = false;    // truncate mode: skipping the rest of an over-long line (record)
  bool splitting_ = false;     // split mode: pieces of an over-long line (record) are being emitted
  uint64_t region_offset_;     // stream offset of region_[0]
  uint64_t committed_offset_;  // see committed_offset()

  // Multiline records. Lines are judged when complete, or once longer than max_line_bytes.
  bool record_open_ = false;  // a record is pending: its end has not been seen
  bool judged_ = false;       // the unfinished line at start_ is judged and part of the record
  bool input_ended_ = false;  // finish at end of input: the end of data ends a line too
  size_t record_begin_ = 0;   // the record's first byte not yet emitted (or dropped)
  size_t record_end_ = 0;     // end of its content read so far (a last line's final CR left out)
  size_t discard_gap_ = 0;    // truncated record: line ending bytes not yet counted as discarded
  int64_t last_line_ns_ = 0;  // see record_last_line_ns()
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
  records_ = host.counter("records");
}

inline LineSplitter::~LineSplitter() {
  if (batch_ != nullptr) host_.discard(batch_);
}

inline void LineSplitter::move_region(char* region, size_t capacity) {
  const size_t from = kept_from();
  if (end_ != from) std::memcpy(region, region_ + from, end_ - from);
  region_ = region;
  capacity_ = capacity;
  forget_before(from);
}

inline void LineSplitter::forget_before(size_t from) noexcept {
  region_offset_ += from;
  start_ -= from;
  end_ -= from;
  if (record_open_) {
    record_begin_ -= from;
    record_end_ -= from;
  }
}

inline void LineSplitter::start_batch() {
  // Carry what is unfinished into the new batch's memory: the old batch is about to go.
  batch_ = host_.new_batch();
  events_ = 0;
  const size_t capacity = std::max(options_.read_size, (end_ - kept_from()) * 2);
  move_region(Batch(host_.raw(), batch_).alloc(capacity), capacity);
}

// A batch without events is never full: its read region alone may reach batch_max_bytes,
// and a full empty batch could never be handed on.
inline bool LineSplitter::batch_full() const { return batch_ != nullptr && events_ != 0 && limits_reached(); }

inline bool LineSplitter::limits_reached() const { return batch_ != nullptr && Batch(host_.raw(), batch_).full(); }

inline void LineSplitter::drop_region() noexcept {
  forget_before(end_);
  batch_ = nullptr;
  events_ = 0;
  region_ = nullptr;
  capacity_ = 0;
}

inline void LineSplitter::release_if_empty() noexcept {
  if (batch_ == nullptr || events_ != 0 || end_ != kept_from()) return;
  const int saved = errno;  // read_from's caller reads errno after this
  host_.discard(batch_);
  errno = saved;
  drop_region();
}

inline bool LineSplitter::flush() {
  if (batch_ == nullptr || events_ == 0) {
    release_if_empty();
    return true;
  }
  // Every line cut so far is in this batch or an earlier one: the committed offset is this
  // batch's end.
  const uint64_t end_offset = committed_offset_;
  logagent_batch* done = batch_;
  if (options_.before_emit) {
    Batch batch(host_.raw(), done);
    options_.before_emit(batch);
  }
  if (end_ > kept_from()) {
    start_batch();
  } else {
    drop_region();  // nothing unfinished: no batch until there is something to read into it
  }
  const uint64_t cookie = options_.cookie_for ? options_.cookie_for(end_offset) : 0;
  return host_.emit(done, cookie).ok();
}

inline void LineSplitter::ensure_room() {
  if (batch_ == nullptr) start_batch();
  if (end_ < capacity_) return;
  // The region is full. Complete lines in it are already events, so what remains is one
  // unfinished line (after a pending record of at most the cap): give it a bigger region of
  // the same batch, up to what the cap lets it hold.
  const size_t tail = end_ - kept_from();
  const size_t max = options_.max_line_bytes;
  const size_t most = options_.record_start ? 2 * max + 3 : max + 1;
  size_t wanted = std::max(options_.read_size, std::min(tail * 2, most));
  if (tail >= wanted) wanted = tail + options_.read_size;
  move_region(Batch(host_.raw(), batch_).alloc(wanted), wanted);
}

inline void LineSplitter::emit_line(const char* begin, size_t len, int64_t now_ns, logagent_key mark) {
  Batch batch(host_.raw(), batch_);
  uint32_t event = batch.append(now_ns);
  batch.set_borrowed(event, message_key_, std::string_view(begin, len));
  if (mark != LOGAGENT_NO_KEY) batch.set(event, mark, Value::boolean(true));
  if (options_.offset_key != LOGAGENT_NO_KEY)
    batch.set(event, options_.offset_key, Value::integer(static_cast<int64_t>(region_offset_ + (begin - region_))));
  ++events_;
}

inline size_t LineSplitter::without_cr(size_t begin, size_t len) const {
  return len > 0 && region_[begin + len - 1] == '\r' ? len - 1 : len;
}

inline void LineSplitter::cut_lines(int64_t now_ns) {
  if (batch_ == nullptr) return;  // nothing read since the last batch was handed on
  if (options_.record_start) return cut_records(now_ns);
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

// Records: the same cut, except that a line is judged before it ends the pending record or
// joins it, and the cap applies to the record's bytes [record_begin_, record_end_). Every
// turn of the loop emits at most one event, so that a batch that becomes full stops it.
inline void LineSplitter::cut_records(int64_t now_ns) {
  uint64_t lines = 0;
  const size_t max = options_.max_line_bytes;
  const bool stop_when_full = !limits_reached();
  while (!(stop_when_full && limits_reached())) {
    if (record_open_ && !discarding_ && record_end_ - record_begin_ > max) {
      // Past the cap: one piece per turn.
      if (!splitting_) host_.add(long_lines_, 1);  // once per record, not per piece
      const char* piece = region_ + record_begin_;
      record_begin_ += max;
      if (options_.long_lines == LongLines::Split) {
        splitting_ = true;
        emit_line(piece, max, now_ns, partial_key_);
      } else {
        emit_line(piece, max, now_ns, truncated_key_);
        discarding_ = true;
        extend_record(record_end_);  // drops the rest read so far
      }
      skip_to(record_begin_);
      continue;
    }
    char* from = region_ + start_ + scanned_;
    auto* nl = static_cast<char*>(std::memchr(from, '\n', end_ - start_ - scanned_));
    const size_t len = nl ? static_cast<size_t>(nl - (region_ + start_)) : end_ - start_;
    const bool ends = nl != nullptr || (input_ended_ && (len != 0 || judged_));
    if (!ends) {
      if (judged_ && len == 0) break;  // all of it so far went into pieces or was dropped
      if (!judged_) {
        // Judged once it is known to be longer than the cap (see cut_lines for the CR).
        const bool maybe_crlf = len == max + 1 && region_[start_ + max] == '\r';
        if (len <= max || maybe_crlf) {
          scanned_ = len;
          break;
        }
        judge(max, now_ns);
      }
      // The line goes on: the record holds what is read of it, but a last CR that may be
      // the CR of a CRLF stays out until the next byte tells.
      extend_record(start_ + len - (region_[start_ + len - 1] == '\r' ? 1 : 0));
      scanned_ = len;
      if (!discarding_ && record_end_ - record_begin_ > max) continue;
      skip_to(record_begin_);  // a truncated record's dropped bytes need no room
      break;
    }
    const size_t content = without_cr(start_, len);
    if (!judged_) judge(std::min(content, max), now_ns);
    extend_record(start_ + content);
    if (!discarding_ && record_end_ - record_begin_ > max) {
      scanned_ = len;  // cut the pieces first; the line's end is found again at once
      continue;
    }
    start_ += nl ? len + 1 : len;
    scanned_ = 0;
    judged_ = false;
    last_line_ns_ = now_ns;
    ++lines;
    if (discarding_) {
      // Nothing of a truncated record is kept; its line ending counts as discarded if a
      // continuation line follows (it is inside the record's message then).
      discard_gap_ = start_ - record_end_;
      record_begin_ = record_end_ = start_;
    }
  }
  if (lines != 0) host_.add(lines_, lines);
}

inline void LineSplitter::skip_to(size_t at) {
  // A piece may end inside the judged line at start_: that line's start is then of no more
  // use, and the bytes before the piece's end need not be kept.
  if (at <= start_) return;
  const size_t done = at - start_;
  scanned_ = scanned_ > done ? scanned_ - done : 0;
  start_ = at;
}

inline void LineSplitter::judge(size_t head_len, int64_t now_ns) {
  judged_ = true;
  // No call without a pending record: the line starts one either way.
  if (record_open_ && !options_.record_start(std::string_view(region_ + start_, head_len))) return;
  if (record_open_) end_record(now_ns, LOGAGENT_NO_KEY);
  commit();  // everything before this line is in events
  record_open_ = true;
  record_begin_ = record_end_ = start_;
}

inline void LineSplitter::extend_record(size_t end) {
  if (discarding_) {
    host_.add(discarded_bytes_, discard_gap_ + (end - record_begin_));
    discard_gap_ = 0;
    record_begin_ = end;
  }
  record_end_ = end;
}

inline void LineSplitter::end_record(int64_t now_ns, logagent_key mark) {
  if (!discarding_) {
    if (batch_ == nullptr) start_batch();  // not expected: a record's bytes are in a batch
    emit_line(region_ + record_begin_, record_end_ - record_begin_, now_ns, mark);
  }
  host_.add(records_, 1);
  record_open_ = discarding_ = splitting_ = false;
  discard_gap_ = 0;
}

inline void LineSplitter::close_record(int64_t now_ns) {
  if (!record_pending()) return;
  end_record(now_ns, LOGAGENT_NO_KEY);
  commit();  // start_ is just past the record's last newline
}

inline void LineSplitter::finish_records(int64_t now_ns, bool end_of_input) {
  if (end_of_input) {
    // The last line needs no newline: cut once more with the end of data as a line end.
    input_ended_ = true;
    cut_lines(now_ns);
    const bool going_on = emit_full_batches(now_ns);
    input_ended_ = false;
    if (!going_on) return;
    if (judged_) {
      // A truncated record's long last line, all of it dropped: no bytes, so no batch to cut in.
      host_.add(lines_, 1);
      judged_ = false;
    }
    if (record_open_) end_record(now_ns, LOGAGENT_NO_KEY);
    commit();
    return;
  }
  // Stopped: what is pending is emitted as it is, marked partial, and the offset stays at
  // the pending record's first byte (or the unfinished line's) for a reader to resume from.
  uint64_t lines = 0;
  if (record_open_) {
    if (judged_) {
      extend_record(end_);  // its last line's rest never came
      ++lines;
    }
    end_record(now_ns, partial_key_);
  }
  if (!judged_ && end_ > start_) {
    emit_line(region_ + start_, end_ - start_, now_ns, partial_key_);  // the rest never came
    ++lines;
  }
  if (lines != 0) host_.add(lines_, lines);
  start_ = end_;
  scanned_ = 0;
  judged_ = false;
}

inline ssize_t LineSplitter::read_from(int fd, int64_t now_ns) {
  ensure_room();
  ssize_t n = ::read(fd, region_ + end_, capacity_ - end_);
  if (n > 0) {
    end_ += static_cast<size_t>(n);
    host_.add(bytes_, static_cast<uint64_t>(n));
    cut_lines(now_ns);
  }
  // A read of nothing new (a followed file at its end), or only of bytes that made no event
  // and are not kept (the discarded rest of a truncated line), keeps no batch.
  release_if_empty();
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
  if (!emit_full_batches(now_ns)) return;
  if (options_.record_start) return finish_records(now_ns, end_of_input);
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
