// Writes a whole buffer to a file descriptor, riding out EINTR, partial writes and EAGAIN.
#include "fd_writer.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace logagent::plugins::stdout_output {

int write_all(int fd, std::string_view bytes) noexcept {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n >= 0) {
      // Pipes and terminals may take part of a large buffer; keep going with the rest.
      p += n;
      left -= static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // Standard output inherited in non-blocking mode (a shared terminal or pipe): wait
      // until it drains rather than failing a batch for a full pipe.
      pollfd pfd{fd, POLLOUT, 0};
      if (::poll(&pfd, 1, -1) < 0 && errno != EINTR) return errno;
      continue;
    }
    return errno;
  }
  return 0;
}

}  // namespace logagent::plugins::stdout_output
