// Line cutting for the stdin input.
#include "line_reader.hpp"

#include <unistd.h>
#include <algorithm>
#include <cstring>

namespace logagent::plugins::stdin_input {

LineReader::LineReader(logagent::Host host, LineReaderOptions options) : host_(host), options_(options) {
  message_key_ = host.intern("message");
  partial_key_ = host.intern("partial");
  truncated_key_ = host.intern("truncated");
  lines_ = host.counter("lines");
  bytes_ = host.counter("bytes");
  long_lines_ = host.counter("long_lines");
  discarded_bytes_ = host.counter("discarded_bytes");
}

LineReader::~LineReader() {
  if (batch_ != nullptr) host_.discard(batch_);
}

void LineReader::start_batch() {
  // Carry the unfinished line into the new batch's memory: the old batch is about to go.
  const char* old = region_;
  size_t tail = end_ - start_;
  batch_ = host_.new_batch();
  events_ = 0;
  capacity_ = std::max(options_.read_size, tail * 2);
  region_ = logagent::Batch(host_.raw(), batch_).alloc(capacity_);
  if (tail != 0) std::memcpy(region_, old + start_, tail);
  scanned_ = std::min(scanned_, tail);
  start_ = 0;
  end_ = tail;
}

// A batch without events is never full: its read region alone may reach batch_max_bytes,
// and a full empty batch could never be handed on.
bool LineReader::batch_full() const { return batch_ != nullptr && events_ != 0 && limits_reached(); }

bool LineReader::limits_reached() const { return logagent::Batch(host_.raw(), batch_).full(); }

bool LineReader::flush() {
  if (batch_ == nullptr || events_ == 0) return true;
  logagent_batch* done = batch_;
  start_batch();
  return host_.emit(done).ok();
}

void LineReader::ensure_room() {
  if (batch_ == nullptr) start_batch();
  if (end_ < capacity_) return;
  // The region is full. Complete lines in it are already events, so what remains is one
  // unfinished line: give it a bigger region of the same batch, up to the line cap.
  size_t tail = end_ - start_;
  size_t wanted = std::max(options_.read_size, std::min(tail * 2, options_.max_line_bytes + 1));
  if (tail >= wanted) wanted = tail + options_.read_size;
  char* bigger = logagent::Batch(host_.raw(), batch_).alloc(wanted);
  std::memcpy(bigger, region_ + start_, tail);
  region_ = bigger;
  capacity_ = wanted;
  start_ = 0;
  end_ = tail;
}

void LineReader::emit_line(const char* begin, size_t len, int64_t now_ns, logagent_key mark) {
  logagent::Batch batch(host_.raw(), batch_);
  uint32_t event = batch.append(now_ns);
  batch.set_borrowed(event, message_key_, std::string_view(begin, len));
  if (mark != LOGAGENT_NO_KEY) batch.set(event, mark, logagent::Value::boolean(true));
  ++events_;
}

size_t LineReader::without_cr(size_t begin, size_t len) const {
  return len > 0 && region_[begin + len - 1] == '\r' ? len - 1 : len;
}

void LineReader::cut_lines(int64_t now_ns) {
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
    splitting_ = false;
    ++lines;
  }
  if (lines != 0) host_.add(lines_, lines);
}

ssize_t LineReader::read_from(int fd, int64_t now_ns) {
  ensure_room();
  ssize_t n = ::read(fd, region_ + end_, capacity_ - end_);
  if (n <= 0) return n;
  end_ += static_cast<size_t>(n);
  host_.add(bytes_, static_cast<uint64_t>(n));
  cut_lines(now_ns);
  return n;
}

bool LineReader::emit_full_batches(int64_t now_ns) {
  while (batch_full()) {
    if (!flush()) return false;
    cut_lines(now_ns);  // lines read after the full batch's last one came along
  }
  return true;
}

void LineReader::finish(int64_t now_ns, bool end_of_input) {
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
  start_ = end_ = scanned_ = 0;
  discarding_ = splitting_ = false;
}

}  // namespace logagent::plugins::stdin_input
