// Receives syslog datagrams (UDP, unix datagram sockets): one message per datagram.
//
// Datagrams cannot be pushed back on: when the pipeline is full the batch in hand waits
// (try_emit, never a blocking emit) and keeps filling while the sockets are read on; once it
// is full too it is dropped and its messages counted as `dropped`, so memory stays bounded
// and the count says what was lost.
#pragma once

#include <logagent/plugin.hpp>

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "listen_address.hpp"
#include "receiver_support.hpp"
#include "syslog_event_writer.hpp"

namespace logagent::plugins::syslog_input {

class DatagramReceiver {
 public:
  // `sockets`: bound datagram sockets, owned by the caller; `stop_fd` becomes readable when
  // the agent stops.
  DatagramReceiver(Host host, const WriterOptions& writer, const SyslogCounters& counters, size_t max_message,
                   std::vector<std::pair<int, ListenAddress>> sockets, int stop_fd);

  // Until stop_fd is readable: then what the sockets hold already is read and handed on.
  void run();

 private:
  static constexpr unsigned kMaxSlots = 32;        // datagrams per recvmmsg
  static constexpr size_t kBufferBytes = 2 << 20;  // for all slots, unless one message needs more

  // Reads what one socket holds now, up to slots_ datagrams; false when it held none.
  bool receive(size_t socket);
  std::string_view peer_in_batch(Batch& batch, const sockaddr_storage& peer, socklen_t length,
                                 const std::string& unix_path);
  // Hands the batch on if it is full (or `now`): a full one that finds no room is dropped.
  bool hand_on(bool now);
  void report_drops(uint64_t dropped);
  void count_kernel_drops(size_t socket, msghdr& header);
  void count_final_kernel_drops();

  Host host_;
  SyslogEventWriter writer_;
  BatchInHand batch_;
  size_t max_message_;
  std::vector<std::pair<int, ListenAddress>> sockets_;
  int stop_fd_;
  unsigned slots_;                   // kMaxSlots, fewer when max_message is large
  std::unique_ptr<char[]> buffers_;  // slots_ * max_message_
  std::vector<sockaddr_storage> peers_;
  struct Control {
    alignas(cmsghdr) char bytes[CMSG_SPACE(sizeof(uint32_t))];
  };
  std::vector<Control> controls_;            // per slot: the kernel's drop count (SO_RXQ_OVFL)
  std::vector<uint32_t> kernel_drops_seen_;  // per socket, as the kernel last said
  const SyslogCounters& counters_;
  // The last sender's address text in the current batch (senders often send in bursts).
  sockaddr_storage last_peer_{};
  socklen_t last_peer_length_ = 0;
  uint64_t last_peer_serial_ = 0;
  std::string_view last_peer_text_;
  static constexpr int64_t kDropReportNs = 10'000'000'000;
  uint64_t unreported_drops_ = 0;
  uint64_t unreported_kernel_drops_ = 0;
  int64_t last_drop_report_ns_ = 0;
};

}  // namespace logagent::plugins::syslog_input
