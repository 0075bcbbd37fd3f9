// Writes a whole buffer to a file descriptor, riding out EINTR, partial writes and EAGAIN.
#pragma once

#include <string_view>

namespace logagent::plugins::stdout_output {

// Returns 0 once every byte is written, else the errno of the failing write (EPIPE, EIO...).
int write_all(int fd, std::string_view bytes) noexcept;

}  // namespace logagent::plugins::stdout_output
