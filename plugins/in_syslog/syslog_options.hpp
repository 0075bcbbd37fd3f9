// The syslog input's options: the schema a pipeline is checked against, and the values read from it.
#pragma once

#include <logagent/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "listen_address.hpp"
#include "syslog_event_writer.hpp"

namespace logagent::plugins::syslog_input {

inline constexpr size_t kOptionCount = 6;
extern const logagent_option kOptions[kOptionCount];

struct SyslogOptions {
  std::vector<ListenAddress> listen;
  WriterOptions writer;
  size_t max_message_size = 64 * 1024;
  size_t max_connections = 512;
  int64_t idle_timeout_ns = 600'000'000'000;
};

// Throws OptionError for a value the schema cannot rule out (a listen URL that does not parse).
SyslogOptions read_options(const Config& config);

}  // namespace logagent::plugins::syslog_input
