// Octet counting and newline framing of syslog streams.
#include "stream_framer.hpp"

#include <algorithm>
#include <cstring>

namespace logagent::plugins::syslog_input {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// A line's own ending: "\n" was cut off; a "\r" before it goes too.
size_t without_cr(std::string_view bytes, size_t start, size_t end) noexcept {
  return end > start && bytes[end - 1] == '\r' ? end - 1 : end;
}

}  // namespace

StreamFramer::Header StreamFramer::read_header(std::string_view bytes, size_t pos, size_t& length,
                                               size_t& body) const noexcept {
  uint64_t value = 0;
  size_t i = pos;
  while (i < bytes.size() && is_digit(bytes[i]) && i - pos < kMaxHeader - 1) {
    value = value * 10 + static_cast<uint64_t>(bytes[i] - '0');
    ++i;
  }
  if (i == bytes.size()) return Header::need_more;
  if (bytes[i] != ' ' || value == 0 || bytes[pos] == '0') return Header::invalid;
  length = static_cast<size_t>(value);
  body = i + 1;
  return Header::complete;
}

bool StreamFramer::cut_line(std::string_view bytes, size_t& pos, FrameIssue issue, std::vector<Frame>& frames) {
  // A line of max_message bytes may still be followed by "\r\n": look that far for its end,
  // from where the last look stopped (a long line arriving in small reads is scanned once).
  const size_t window = std::min(bytes.size() - pos, max_message_ + 2);
  const size_t from = std::min(line_scanned_, window);
  const void* newline = std::memchr(bytes.data() + pos + from, '\n', window - from);
  if (newline != nullptr) {
    const size_t end = static_cast<size_t>(static_cast<const char*>(newline) - bytes.data());
    const size_t stop = without_cr(bytes, pos, end);
    const size_t kept = std::min(stop - pos, max_message_);
    if (kept != 0 || issue != FrameIssue::none) frames.push_back(Frame{pos, kept, kept < stop - pos, issue});
    discarded_ += stop - pos - kept;
    pos = end + 1;
    line_scanned_ = 0;
    return true;
  }
  if (window == max_message_ + 2) {
    // Longer than max_message whatever ends it: its start is a frame, the rest is skipped.
    frames.push_back(Frame{pos, max_message_, true, issue});
    pos += max_message_;
    skip_line_ = true;
    line_scanned_ = 0;
    return true;
  }
  line_scanned_ = window;  // the caller passes these bytes again, first, with more after them
  return false;
}

size_t StreamFramer::cut(std::string_view bytes, std::vector<Frame>& frames) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (skip_bytes_ != 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(skip_bytes_, bytes.size() - pos));
      pos += n;
      skip_bytes_ -= n;
      discarded_ += n;
      continue;
    }
    if (skip_line_) {
      const void* newline = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
      const size_t end = newline ? static_cast<size_t>(static_cast<const char*>(newline) - bytes.data()) : bytes.size();
      discarded_ += end - pos;
      pos = newline ? end + 1 : end;
      skip_line_ = newline == nullptr;
      continue;
    }
    const char first = bytes[pos];
    if (mode_ == Mode::undecided) mode_ = is_digit(first) ? Mode::octets : Mode::lines;
    if (mode_ == Mode::lines) {
      if (!cut_line(bytes, pos, FrameIssue::none, frames)) break;
      continue;
    }
    // Octet counting. Line endings between frames are what some senders add: not frames.
    if (first == '\n' || first == '\r') {
      ++pos;
      continue;
    }
    size_t length = 0;
    size_t body = 0;
    const Header header = is_digit(first) ? read_header(bytes, pos, length, body) : Header::invalid;
    if (header == Header::need_more) break;
    if (header == Header::invalid) {
      if (!cut_line(bytes, pos, FrameIssue::bad_octet_count, frames)) break;
      continue;
    }
    const size_t kept = std::min(length, max_message_);
    if (bytes.size() - body < kept) break;
    frames.push_back(Frame{body, kept, kept < length, FrameIssue::none});
    pos = body + kept;
    skip_bytes_ = length - kept;
  }
  return pos;
}

void StreamFramer::finish(std::string_view rest, std::vector<Frame>& frames) {
  if (rest.empty()) return;
  size_t start = 0;
  size_t stop = rest.size();
  FrameIssue issue = FrameIssue::closed_inside_frame;
  if (mode_ != Mode::octets) {
    stop = without_cr(rest, 0, rest.size());
    issue = FrameIssue::none;  // a last line needs no newline
  } else {
    size_t length = 0;
    size_t body = 0;
    if (read_header(rest, 0, length, body) == Header::complete && body < rest.size()) start = body;
  }
  if (stop == start) return;
  const size_t kept = std::min(stop - start, max_message_);
  frames.push_back(Frame{start, kept, kept < stop - start, issue});
  discarded_ += stop - start - kept;
}

}  // namespace logagent::plugins::syslog_input
