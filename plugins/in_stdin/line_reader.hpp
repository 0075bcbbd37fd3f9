// Splits a byte stream into lines inside batch memory, with a cap on line length.
#pragma once

#include <logagent/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace logagent::plugins::stdin_input {

enum class LongLines { Split, Truncate };

struct LineReaderOptions {
  size_t max_line_bytes = 1 << 20;
  LongLines long_lines = LongLines::Split;
  size_t read_size = 64 * 1024;  // one pipe's worth
};

// Reads go straight into memory owned by the current batch and each line's `message`
// borrows it, so a line is never copied; only the unfinished tail of a read moves, once,
// when the batch is handed on.
class LineReader {
 public:
  LineReader(logagent::Host host, LineReaderOptions options);
  ~LineReader();

  // Reads what fd has (one read call) and cuts lines until the batch is full. Returns bytes
  // read, 0 at end of input, -1 on error (errno set; EINTR/EAGAIN are returned too for the
  // caller to retry).
  ssize_t read_from(int fd, int64_t now_ns);
  // While the batch is full: hands it on and cuts the lines already read into the next.
  // False when the agent is aborting.
  bool emit_full_batches(int64_t now_ns);
  // Ends input. At end of input a last line without newline is a line like any other; when
  // stopped early, the unfinished line read so far becomes an event marked partial=true.
  void finish(int64_t now_ns, bool end_of_input);
  // Hands the current batch to the pipeline (no-op when it holds no event). False when the
  // agent is aborting.
  bool flush();
  bool batch_full() const;

 private:
  void start_batch();
  void ensure_room();
  void cut_lines(int64_t now_ns);
  bool limits_reached() const;  // the host's batch_full, whatever the event count
  void emit_line(const char* begin, size_t len, int64_t now_ns, logagent_key mark);
  // Length without one trailing '\r' (the CR of a CRLF).
  size_t without_cr(size_t begin, size_t len) const;

  logagent::Host host_;
  LineReaderOptions options_;
  logagent_key message_key_, partial_key_, truncated_key_;
  logagent_counter *lines_, *bytes_, *long_lines_, *discarded_bytes_;

  logagent_batch* batch_ = nullptr;
  uint32_t events_ = 0;
  char* region_ = nullptr;  // in the batch's arena
  size_t capacity_ = 0;
  size_t start_ = 0;         // first byte of the unfinished line
  size_t end_ = 0;           // end of data read
  size_t scanned_ = 0;       // bytes from start_ already searched for '\n'
  bool discarding_ = false;  // truncate mode: skipping the rest of an over-long line
  bool splitting_ = false;   // split mode: pieces of an over-long line are being emitted
};

}  // namespace logagent::plugins::stdin_input
