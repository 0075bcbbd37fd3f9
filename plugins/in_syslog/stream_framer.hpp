// Cuts a syslog byte stream (TCP, unix stream) into messages: octet counting or newlines (RFC 6587).
//
// Pure: no socket, no batch. One framer per connection. The framing is decided by the
// connection's first byte, as RFC 6587 allows a receiver to: a digit starts an octet-counted
// frame ("LEN SP MSG"), anything else (a syslog message begins with '<') means one message
// per line. Octet-counted senders that put a newline between frames are read as they mean.
//
// Memory is bounded whatever the sender does: a frame longer than max_message bytes is cut
// there (Frame::truncated) and the rest of it is skipped as it arrives, never buffered, so
// an octet count of 999999999 costs nothing but the time to skip what follows. What is left
// unconsumed (an unfinished frame) is never longer than max_message + kMaxHeader bytes.
//
//   std::vector<Frame> frames;
//   size_t used = framer.cut(bytes, frames);     // frames point into bytes by offset
//   keep(bytes.substr(used));                     // put it in front of the next read
//   ...at end of stream: framer.finish(kept, frames);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace logagent::plugins::syslog_input {

enum class FrameIssue : uint8_t {
  none,
  bad_octet_count,      // an octet-counted connection sent a frame without "DIGITS SP": read to the newline
  closed_inside_frame,  // the connection ended before the frame's last byte
};

struct Frame {
  size_t offset = 0;  // into the bytes passed to cut() or finish()
  size_t length = 0;
  bool truncated = false;  // the message was longer than max_message; this is its start
  FrameIssue issue = FrameIssue::none;
};

class StreamFramer {
 public:
  // The longest octet count header read: ten digits and the space.
  static constexpr size_t kMaxHeader = 11;

  explicit StreamFramer(size_t max_message) noexcept : max_message_(max_message) {}

  // Appends a Frame for every message complete in `bytes` and returns how many bytes it
  // consumed. The caller passes the rest again, in front of what it reads next.
  size_t cut(std::string_view bytes, std::vector<Frame>& frames);

  // The stream ended: `rest` (what cut left unconsumed) becomes a last frame if it holds
  // anything: a last line without its newline, or a partial octet-counted frame (marked).
  void finish(std::string_view rest, std::vector<Frame>& frames);

  bool octet_counting() const noexcept { return mode_ == Mode::octets; }
  // Bytes skipped: the parts of over-long messages beyond max_message.
  uint64_t discarded_bytes() const noexcept { return discarded_; }

 private:
  enum class Mode : uint8_t { undecided, octets, lines };
  enum class Header : uint8_t { complete, need_more, invalid };

  Header read_header(std::string_view bytes, size_t pos, size_t& length, size_t& body) const noexcept;
  // A line from pos; returns false when it needs more bytes.
  bool cut_line(std::string_view bytes, size_t& pos, FrameIssue issue, std::vector<Frame>& frames);

  size_t max_message_;
  Mode mode_ = Mode::undecided;
  uint64_t skip_bytes_ = 0;  // of an over-long octet-counted frame, still to come
  bool skip_line_ = false;   // an over-long line is being skipped up to its newline
  size_t line_scanned_ = 0;  // bytes of the unfinished line already known to hold no newline
  uint64_t discarded_ = 0;
};

}  // namespace logagent::plugins::syslog_input
