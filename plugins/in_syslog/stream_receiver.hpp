// Receives syslog over stream sockets (TCP, unix stream): listeners, connections, framing.
//
// One thread serves every listener and connection (epoll), so the messages of a connection
// reach the batch, and the outputs, in the order they were sent. A read takes at most
// kReadSize bytes of one connection before the next ready one is served: a flooding client
// cannot starve the others. When the pipeline is full the blocking emit stops the thread:
// nothing is read, the kernel's buffers fill and TCP makes the senders wait; nothing is lost.
//
// Limits: max_connections (more are accepted and closed at once, so a client is told
// instead of hanging in the backlog), max_message_size per frame (stream_framer.hpp), and
// idle_timeout. What a connection holds between reads is at most one unfinished frame.
#pragma once

#include <logagent/plugin.hpp>

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "listen_address.hpp"
#include "receiver_support.hpp"
#include "stream_framer.hpp"
#include "syslog_event_writer.hpp"

namespace logagent::plugins::syslog_input {

struct StreamLimits {
  size_t max_message = 64 * 1024;
  size_t max_connections = 512;
  int64_t idle_timeout_ns = 600'000'000'000;
};

class StreamReceiver {
 public:
  // `listeners`: listening sockets, owned by the caller; `stop_fd` becomes readable when the
  // agent stops.
  StreamReceiver(Host host, const WriterOptions& writer, const SyslogCounters& counters, const StreamLimits& limits,
                 std::vector<std::pair<int, ListenAddress>> listeners, int stop_fd);
  ~StreamReceiver();
  StreamReceiver(const StreamReceiver&) = delete;
  StreamReceiver& operator=(const StreamReceiver&) = delete;

  // Until stop_fd is readable. Then no connection is accepted any more, and the open ones
  // are read until their senders close them or stay quiet for kDrainQuietMs (at most
  // kDrainMaxMs in all, the time a full pipeline makes the reads wait included): what a
  // sender wrote before the stop is delivered. Bytes left unread then are counted and logged.
  void run();

 private:
  static constexpr size_t kReadSize = 32 * 1024;
  static constexpr int kDrainQuietMs = 200;
  static constexpr int kDrainMaxMs = 3000;

  // The bytes of an unfinished frame, which the next read appends to in place: a long frame
  // arriving in small reads is never copied again per read.
  class PendingBytes {
   public:
    bool empty() const noexcept { return size_ == 0; }
    std::string_view view() const noexcept { return {data_.get(), size_}; }
    // Room for `n` more bytes at the end; commit() what was written there.
    char* room(size_t n);
    void commit(size_t n) noexcept { size_ += n; }
    // Drops the first `n` bytes (the frames delivered from them).
    void consume(size_t n) noexcept;
    void assign(std::string_view bytes);
    // A quiet connection keeps no buffer.
    void release() noexcept {
      data_.reset();
      size_ = capacity_ = 0;
    }

   private:
    std::unique_ptr<char[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
  };

  struct Connection {
    Connection(int f, size_t max_message, std::string p, int64_t now) noexcept
        : fd(f), framer(max_message), peer(std::move(p)), last_active_ns(now) {}
    int fd;
    StreamFramer framer;
    PendingBytes pending;  // an unfinished frame, carried in front of the next read
    std::string peer;
    int64_t last_active_ns;
    uint64_t discarded_reported = 0;
    uint64_t peer_serial = 0;  // the batch peer_in_batch lives in
    std::string_view peer_in_batch;
  };

  void watch(int fd, uint64_t tag);
  void accept_from(size_t listener);
  // One read. False when the connection ended (it is closed then).
  bool read_from(Connection& c);
  // Delivers the frames cut from `bytes` (one copy of their span into the batch).
  void deliver(Connection& c, const char* bytes, int64_t now);
  void close(Connection& c);
  void finish_and_close(Connection& c);
  void close_idle(int64_t now_mono);
  bool hand_on_if_full();
  int sweep_interval_ms() const noexcept;
  void serve(int timeout_ms, bool& stopping, bool& any);

  Host host_;
  SyslogEventWriter writer_;
  const SyslogCounters& counters_;
  BatchInHand batch_;
  StreamLimits limits_;
  std::vector<std::pair<int, ListenAddress>> listeners_;
  int stop_fd_;
  int epoll_ = -1;
  int spare_fd_ = -1;  // given up to accept (and close) a connection when the process is out of fds
  std::vector<std::unique_ptr<Connection>> by_fd_;
  size_t open_ = 0;
  bool limit_logged_ = false;
  bool aborting_ = false;
  std::unique_ptr<char[]> scratch_;  // kReadSize: reads of connections that carry nothing
  std::vector<Frame> frames_;
  int64_t next_sweep_ns_ = 0;
};

}  // namespace logagent::plugins::syslog_input
