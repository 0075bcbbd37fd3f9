// The datagram half of the syslog input (datagram_receiver.hpp).
#include "datagram_receiver.hpp"

#include <linux/sock_diag.h>
#include <poll.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace logagent::plugins::syslog_input {
namespace {

// How often a batch that found the pipeline full is offered again.
constexpr int kRetryMs = 5;

// Senders end a datagram with "\n", "\r\n" or a NUL (syslog(3) on some systems): not message.
size_t without_trailer(const char* p, size_t n) noexcept {
  while (n != 0 && (p[n - 1] == '\n' || p[n - 1] == '\0' || p[n - 1] == '\r')) --n;
  return n;
}

}  // namespace

DatagramReceiver::DatagramReceiver(Host host, const WriterOptions& writer, const SyslogCounters& counters,
                                   size_t max_message, std::vector<std::pair<int, ListenAddress>> sockets, int stop_fd)
    : host_(host),
      writer_(host, writer),
      batch_(host, writer_, counters),
      max_message_(max_message),
      sockets_(std::move(sockets)),
      stop_fd_(stop_fd),
      slots_(static_cast<unsigned>(std::clamp<size_t>(kBufferBytes / max_message, 1, kMaxSlots))),
      buffers_(new char[slots_ * max_message]),
      peers_(slots_),
      controls_(slots_),
      kernel_drops_seen_(sockets_.size(), 0),
      counters_(counters) {
  // Each datagram then carries the socket's count of datagrams the kernel dropped because
  // its receive buffer was full: those are counted too (kernel_dropped), not only ours.
  const int one = 1;
  for (const auto& [fd, address] : sockets_) ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
}

std::string_view DatagramReceiver::peer_in_batch(Batch& batch, const sockaddr_storage& peer, socklen_t length,
                                                 const std::string& unix_path) {
  if (last_peer_serial_ == batch_.serial() && length == last_peer_length_ &&
      std::memcmp(&peer, &last_peer_, length) == 0)
    return last_peer_text_;
  const std::string text = peer_text(peer, length, unix_path);
  char* copy = batch.alloc(text.size());
  std::copy_n(text.data(), text.size(), copy);
  std::memcpy(&last_peer_, &peer, length);
  last_peer_length_ = length;
  last_peer_serial_ = batch_.serial();
  last_peer_text_ = std::string_view(copy, text.size());
  return last_peer_text_;
}

bool DatagramReceiver::receive(size_t socket) {
  const int fd = sockets_[socket].first;
  mmsghdr headers[kMaxSlots];
  iovec slots[kMaxSlots];
  for (unsigned i = 0; i < slots_; ++i) {
    slots[i] = iovec{buffers_.get() + i * max_message_, max_message_};
    headers[i] = mmsghdr{};
    headers[i].msg_hdr.msg_iov = &slots[i];
    headers[i].msg_hdr.msg_iovlen = 1;
    headers[i].msg_hdr.msg_name = &peers_[i];
    headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    headers[i].msg_hdr.msg_control = controls_[i].bytes;
    headers[i].msg_hdr.msg_controllen = sizeof controls_[i].bytes;
  }
  const int n = ::recvmmsg(fd, headers, slots_, MSG_DONTWAIT, nullptr);
  if (n <= 0) {
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      host_.warn(std::string("receiving on ") + to_url(sockets_[socket].second) + ": " + std::strerror(errno));
    return false;
  }
  const int64_t now = realtime_ns();
  Batch batch = batch_.get();
  // One copy into the batch for the whole read; each message borrows its part of it.
  size_t total = 0;
  for (int i = 0; i < n; ++i) total += headers[i].msg_len;
  count_kernel_drops(socket, headers[n - 1].msg_hdr);
  char* copy = batch.alloc(total);
  const bool want_peer = writer_.has_source_field();
  size_t at = 0;
  for (int i = 0; i < n; ++i) {
    const char* data = buffers_.get() + size_t(i) * max_message_;
    const size_t length = headers[i].msg_len;
    std::memcpy(copy + at, data, length);
    Receipt receipt{now, {}, (headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0, FrameIssue::none};
    if (want_peer)
      receipt.peer = peer_in_batch(batch, peers_[i], headers[i].msg_hdr.msg_namelen, sockets_[socket].second.path);
    const size_t kept = receipt.truncated ? length : without_trailer(copy + at, length);
    if (kept != 0 || receipt.truncated) batch_.write(std::string_view(copy + at, kept), receipt);
    at += length;
  }
  return true;
}

// The kernel's count is cumulative (and wraps at 2^32): what it grew by since the last
// datagram that carried it is what was lost in between.
void DatagramReceiver::count_kernel_drops(size_t socket, msghdr& header) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
    uint32_t total = 0;
    std::memcpy(&total, CMSG_DATA(c), sizeof total);
    const uint32_t grown = total - kernel_drops_seen_[socket];
    kernel_drops_seen_[socket] = total;
    if (grown != 0) {
      host_.add(counters_.kernel_dropped, grown);
      unreported_kernel_drops_ += grown;
    }
  }
}

// At the end the socket itself is asked (SO_MEMINFO): drops that no later datagram reported
// are counted too.
void DatagramReceiver::count_final_kernel_drops() {
  for (size_t socket = 0; socket < sockets_.size(); ++socket) {
    uint32_t meminfo[SK_MEMINFO_VARS] = {};
    socklen_t length = sizeof meminfo;
    if (::getsockopt(sockets_[socket].first, SOL_SOCKET, SO_MEMINFO, meminfo, &length) != 0 ||
        length < sizeof(uint32_t) * (SK_MEMINFO_DROPS + 1)) {
      continue;
    }
    const uint32_t grown = meminfo[SK_MEMINFO_DROPS] - kernel_drops_seen_[socket];
    kernel_drops_seen_[socket] = meminfo[SK_MEMINFO_DROPS];
    if (grown != 0) {
      host_.add(counters_.kernel_dropped, grown);
      unreported_kernel_drops_ += grown;
    }
  }
}

bool DatagramReceiver::hand_on(bool now) {
  if (batch_.empty() || (!now && !batch_.full())) return true;
  const Status s = batch_.try_emit();
  if (s == Status::Error()) return false;
  if (s == Status::Retry() && batch_.full()) report_drops(batch_.drop());
  return true;
}

// Drops are logged as they happen, at most once every 10 s with the count since the last
// line, so a flood is visible without a line per batch.
void DatagramReceiver::report_drops(uint64_t dropped) {
  unreported_drops_ += dropped;
  const int64_t now = monotonic_ns();
  if ((unreported_drops_ == 0 && unreported_kernel_drops_ == 0) ||
      (last_drop_report_ns_ != 0 && now - last_drop_report_ns_ < kDropReportNs)) {
    return;
  }
  if (unreported_drops_ != 0) {
    host_.warn("the pipeline is full: dropped " + std::to_string(unreported_drops_) +
               " datagrams (counter \"dropped\"); outputs are slower than the senders");
  }
  if (unreported_kernel_drops_ != 0) {
    host_.warn("the system dropped " + std::to_string(unreported_kernel_drops_) +
               " datagrams before they were read (counter \"kernel_dropped\"): the socket's receive buffer "
               "was full; a larger net.core.rmem_default gives bursts more room");
  }
  unreported_drops_ = 0;
  unreported_kernel_drops_ = 0;
  last_drop_report_ns_ = now;
}

void DatagramReceiver::run() {
  std::vector<pollfd> fds;
  fds.push_back(pollfd{stop_fd_, POLLIN, 0});
  for (const auto& [fd, address] : sockets_) fds.push_back(pollfd{fd, POLLIN, 0});
  bool stopping = false;
  while (!stopping) {
    // Hand on what was read before waiting: a quiet sender's messages are not held back.
    int ready = ::poll(fds.data(), fds.size(), 0);
    if (ready == 0) {
      if (!hand_on(true)) return;
      ready = ::poll(fds.data(), fds.size(), batch_.empty() ? -1 : kRetryMs);
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    stopping = fds[0].revents != 0;
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents != 0) receive(i - 1);
      if (!hand_on(false)) return;
      if (unreported_kernel_drops_ != 0) report_drops(0);
    }
  }
  // What the sockets hold already was sent before the stop: it is read and handed on.
  for (size_t i = 0; i < sockets_.size(); ++i) {
    while (receive(i)) {
      if (!hand_on(false)) return;
    }
  }
  count_final_kernel_drops();
  last_drop_report_ns_ = 0;  // what is left unreported is logged now
  report_drops(batch_.try_emit() == Status::Retry() ? batch_.drop() : 0);
}

}  // namespace logagent::plugins::syslog_input
