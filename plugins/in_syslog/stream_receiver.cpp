// The stream half of the syslog input (stream_receiver.hpp).
#include "stream_receiver.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace logagent::plugins::syslog_input {
namespace {

// epoll's data.u64: what became ready. The low 32 bits are an index or an fd.
constexpr uint64_t kStopTag = 1ull << 32;
constexpr uint64_t kListenerTag = 2ull << 32;
constexpr uint64_t kConnectionTag = 3ull << 32;
constexpr uint64_t kTagMask = ~0ull << 32;

int open_spare() noexcept { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

StreamReceiver::StreamReceiver(Host host, const WriterOptions& writer, const SyslogCounters& counters,
                               const StreamLimits& limits, std::vector<std::pair<int, ListenAddress>> listeners,
                               int stop_fd)
    : host_(host),
      writer_(host, writer),
      counters_(counters),
      batch_(host, writer_, counters),
      limits_(limits),
      listeners_(std::move(listeners)),
      stop_fd_(stop_fd),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      spare_fd_(open_spare()),
      scratch_(new char[kReadSize]) {
  if (epoll_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  watch(stop_fd_, kStopTag);
  for (size_t i = 0; i < listeners_.size(); ++i) watch(listeners_[i].first, kListenerTag | i);
}

StreamReceiver::~StreamReceiver() {
  for (auto& c : by_fd_) {
    if (c) ::close(c->fd);
  }
  if (spare_fd_ >= 0) ::close(spare_fd_);
  ::close(epoll_);
}

void StreamReceiver::watch(int fd, uint64_t tag) {
  epoll_event e{};
  e.events = EPOLLIN;
  e.data.u64 = tag;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e) != 0)
    throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
}

void StreamReceiver::accept_from(size_t listener) {
  const auto& [listen_fd, address] = listeners_[listener];
  for (;;) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
        // Out of descriptors: free the spare one to take the connection off the backlog and
        // close it, or the listener would stay ready and the loop would spin. accept fails
        // so whether or not a connection waits: with the spare free, EAGAIN says none does.
        ::close(spare_fd_);
        fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        const bool took = fd >= 0;
        if (took) ::close(fd);
        spare_fd_ = open_spare();
        if (!took) return;
        host_.add(counters_.refused_connections, 1);
        if (!limit_logged_) host_.warn("out of file descriptors: new connections are closed at once");
        limit_logged_ = true;
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        host_.warn(std::string("accept on ") + to_url(address) + ": " + std::strerror(errno));
      return;
    }
    if (open_ >= limits_.max_connections) {
      ::close(fd);
      host_.add(counters_.refused_connections, 1);
      if (!limit_logged_)
        host_.warn("max_connections (" + std::to_string(limits_.max_connections) +
                   ") reached: new connections are closed at once until some end");
      limit_logged_ = true;
      continue;
    }
    if (static_cast<size_t>(fd) >= by_fd_.size()) by_fd_.resize(static_cast<size_t>(fd) + 1);
    by_fd_[fd] =
        std::make_unique<Connection>(fd, limits_.max_message, peer_text(peer, length, address.path), monotonic_ns());
    watch(fd, kConnectionTag | static_cast<uint32_t>(fd));
    ++open_;
    host_.add(counters_.connections, 1);
  }
}

void StreamReceiver::deliver(Connection& c, const char* bytes, int64_t now) {
  if (frames_.empty()) return;
  Batch batch = batch_.get();
  if (writer_.has_source_field() && c.peer_serial != batch_.serial()) {
    char* copy = batch.alloc(c.peer.size());
    std::copy_n(c.peer.data(), c.peer.size(), copy);
    c.peer_in_batch = std::string_view(copy, c.peer.size());
    c.peer_serial = batch_.serial();
  }
  // One copy into the batch for every frame of the read; each message borrows its part.
  const size_t first = frames_.front().offset;
  const size_t end = frames_.back().offset + frames_.back().length;
  char* copy = batch.alloc(end - first);
  std::memcpy(copy, bytes + first, end - first);
  for (const Frame& f : frames_) {
    batch_.write(std::string_view(copy + (f.offset - first), f.length),
                 Receipt{now, c.peer_in_batch, f.truncated, f.issue});
  }
  frames_.clear();
  const uint64_t discarded = c.framer.discarded_bytes();
  if (discarded != c.discarded_reported) {
    host_.add(counters_.discarded_bytes, discarded - c.discarded_reported);
    c.discarded_reported = discarded;
  }
}

char* StreamReceiver::PendingBytes::room(size_t n) {
  if (capacity_ - size_ < n) {
    const size_t capacity = std::max(size_ + n, capacity_ * 2);
    std::unique_ptr<char[]> grown(new char[capacity]);
    std::copy_n(data_.get(), size_, grown.get());
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  return data_.get() + size_;
}

void StreamReceiver::PendingBytes::consume(size_t n) noexcept {
  std::memmove(data_.get(), data_.get() + n, size_ - n);
  size_ -= n;
}

void StreamReceiver::PendingBytes::assign(std::string_view bytes) {
  size_ = 0;
  std::copy_n(bytes.data(), bytes.size(), room(bytes.size()));
  size_ = bytes.size();
}

bool StreamReceiver::read_from(Connection& c) {
  // A connection that carries nothing reads into the shared scratch; one with an unfinished
  // frame reads after it, in its own buffer.
  const bool carrying = !c.pending.empty();
  char* into = carrying ? c.pending.room(kReadSize) : scratch_.get();
  const ssize_t n = ::read(c.fd, into, kReadSize);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  if (n <= 0) {
    // The sender closed (or reset) the connection: a last unfinished frame is delivered.
    finish_and_close(c);
    return false;
  }
  c.last_active_ns = monotonic_ns();
  std::string_view bytes(into, static_cast<size_t>(n));
  if (carrying) {
    c.pending.commit(static_cast<size_t>(n));
    bytes = c.pending.view();
  }
  const size_t used = c.framer.cut(bytes, frames_);
  deliver(c, bytes.data(), realtime_ns());
  if (carrying) {
    c.pending.consume(used);
  } else if (used < bytes.size()) {
    c.pending.assign(bytes.substr(used));
  }
  if (c.pending.empty()) c.pending.release();
  return true;
}

void StreamReceiver::close(Connection& c) {
  const int fd = c.fd;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  by_fd_[fd].reset();
  --open_;
  limit_logged_ = false;
}

void StreamReceiver::finish_and_close(Connection& c) {
  const std::string_view rest = c.pending.view();
  c.framer.finish(rest, frames_);
  deliver(c, rest.data(), realtime_ns());
  close(c);
}

void StreamReceiver::close_idle(int64_t now_mono) {
  for (auto& slot : by_fd_) {
    if (slot && now_mono - slot->last_active_ns >= limits_.idle_timeout_ns) {
      host_.add(counters_.idle_closed, 1);
      finish_and_close(*slot);
    }
  }
}

bool StreamReceiver::hand_on_if_full() {
  if (!batch_.full()) return true;
  if (!batch_.emit()) aborting_ = true;
  return !aborting_;
}

int StreamReceiver::sweep_interval_ms() const noexcept {
  return static_cast<int>(std::clamp<int64_t>(limits_.idle_timeout_ns / 4'000'000, 10, 1000));
}

// One round: waits up to timeout_ms, serves what is ready. `any`: something was ready.
void StreamReceiver::serve(int timeout_ms, bool& stopping, bool& any) {
  epoll_event ready[64];
  int n = ::epoll_wait(epoll_, ready, 64, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return;
    throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
  }
  any = n > 0;
  for (int i = 0; i < n && !aborting_; ++i) {
    const uint64_t tag = ready[i].data.u64 & kTagMask;
    const auto low = static_cast<uint32_t>(ready[i].data.u64);
    if (tag == kStopTag) {
      stopping = true;
    } else if (tag == kListenerTag) {
      accept_from(low);
    } else if (low < by_fd_.size() && by_fd_[low]) {
      read_from(*by_fd_[low]);
      hand_on_if_full();
    }
  }
  const int64_t now = monotonic_ns();
  if (now >= next_sweep_ns_) {
    close_idle(now);
    next_sweep_ns_ = now + int64_t{sweep_interval_ms()} * 1'000'000;
  }
}

void StreamReceiver::run() {
  bool stopping = false;
  while (!stopping && !aborting_) {
    bool any = false;
    // Hand on what was read before waiting: a quiet sender's messages are not held back.
    serve(0, stopping, any);
    if (any) continue;
    if (!batch_.emit()) return;
    serve(open_ != 0 ? sweep_interval_ms() : -1, stopping, any);
  }
  if (aborting_) return;
  // Stopping: no new connections; the open ones are read to their end, within limits.
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, stop_fd_, nullptr);
  for (const auto& [fd, address] : listeners_) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  const int64_t drain_end = monotonic_ns() + int64_t{kDrainMaxMs} * 1'000'000;
  while (open_ != 0 && !aborting_ && monotonic_ns() < drain_end) {
    bool any = false;
    serve(kDrainQuietMs, stopping, any);
    if (!any) break;
  }
  // What senders still had in flight is not delivered: said, not silently lost.
  size_t cut_off = 0;
  uint64_t unread = 0;
  for (auto& slot : by_fd_) {
    if (!slot) continue;
    int queued = 0;
    if (::ioctl(slot->fd, FIONREAD, &queued) == 0 && queued > 0) {
      unread += static_cast<uint64_t>(queued);
      ++cut_off;
    }
    finish_and_close(*slot);
  }
  if (unread != 0) {
    host_.add(counters_.unread_bytes, unread);
    host_.warn("stopped with " + std::to_string(unread) + " bytes received and not read on " + std::to_string(cut_off) +
               " connections (counter \"unread_bytes\"): their senders wrote them during the stop");
  }
  if (!aborting_) batch_.emit();
}

}  // namespace logagent::plugins::syslog_input
