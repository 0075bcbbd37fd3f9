// logagent-bench-syslog-sender: octet-counted RFC 5424 messages over TCP, from streams built
// in memory before the first connection, for tests/bench/syslog_throughput.py.
//
//   logagent-bench-syslog-sender --host 127.0.0.1 --port P [--connections 4] [--messages N] [--size 200]
//
// --messages is the total, split evenly over the connections (the first ones get one more
// when it does not divide). Each message is exactly --size bytes and sent as one frame,
// "LEN SP MSG" (RFC 6587 octet counting):
//
//   <134>1 2026-12-01T10:00:00.012300Z bench-host app 1234 ID47 [origin conn="2" seq="0000123"] c=2 s=0000123 klmn...
//
// The message part, after the structured data, starts with "c=<connection> s=<sequence> "
// and is padded with letters to the size, so a receiver's output can be checked for order
// per connection and for gaps. Once every stream is built, one JSON line on stderr says so
// and gives the sizes (the benchmark starts its clock there); then every connection is
// opened, one thread per connection writes its stream with large blocking write() calls
// (a slow reader only slows them down), and each socket is shut down for writing and
// closed. The last line, on stdout, gives the seconds from the first connect to the last
// close and the bytes written.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  uint64_t connections = 4;
  uint64_t messages = 2'000'000;
  uint64_t size = 200;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "logagent-bench-syslog-sender: %s\n", what.c_str());
  std::exit(1);
}

uint64_t parse_count(std::string_view name, const char* text) {
  char* end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') {
    fail(std::string(name) + " wants a number, not \"" + text + "\"");
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) fail(std::string(arg) + ": a value is missing");
    const char* value = argv[++i];
    if (arg == "--host") {
      o.host = value;
    } else if (arg == "--port") {
      o.port = value;
    } else if (arg == "--connections") {
      o.connections = parse_count(arg, value);
    } else if (arg == "--messages") {
      o.messages = parse_count(arg, value);
    } else if (arg == "--size") {
      o.size = parse_count(arg, value);
    } else {
      fail("unknown argument " + std::string(arg) +
           " (usage: --host H --port P [--connections 4] [--messages N] [--size 200])");
    }
  }
  if (o.port.empty()) fail("--port is required");
  if (o.connections == 0 || o.connections > 1000) fail("--connections must be 1 to 1000");
  return o;
}

// Zero-padded decimal of a fixed width.
void append_padded(std::string& out, uint64_t value, int width) {
  char digits[24];
  int n = std::snprintf(digits, sizeof digits, "%0*llu", width, static_cast<unsigned long long>(value));
  out.append(digits, static_cast<size_t>(n));
}

// The message of one sequence number of one connection, appended as a whole frame.
// Returns the length of its message part (after the structured data and its space).
size_t append_frame(std::string& out, const Options& o, uint64_t conn, uint64_t seq, int seq_width) {
  // 100 microseconds apart, within one day.
  uint64_t us = (10ULL * 3600 * 1'000'000 + seq * 100) % (24ULL * 3600 * 1'000'000);
  char stamp[40];
  std::snprintf(
      stamp, sizeof stamp, "2026-12-01T%02llu:%02llu:%02llu.%06lluZ",
      static_cast<unsigned long long>(us / 3'600'000'000ULL), static_cast<unsigned long long>(us / 60'000'000ULL % 60),
      static_cast<unsigned long long>(us / 1'000'000ULL % 60), static_cast<unsigned long long>(us % 1'000'000ULL));
  std::string msg;
  msg.reserve(o.size);
  msg += "<134>1 ";
  msg += stamp;
  msg += " bench-host app 1234 ID47 [origin conn=\"";
  msg += std::to_string(conn);
  msg += "\" seq=\"";
  append_padded(msg, seq, seq_width);
  msg += "\"] ";
  size_t body_start = msg.size();
  msg += "c=";
  msg += std::to_string(conn);
  msg += " s=";
  append_padded(msg, seq, seq_width);
  msg += ' ';
  if (msg.size() > o.size) {
    fail("--size " + std::to_string(o.size) + " is shorter than the message's fixed part (" +
         std::to_string(msg.size()) + " bytes)");
  }
  static constexpr std::string_view letters = "abcdefghijklmnopqrstuvwxyz";
  for (size_t i = 0; msg.size() < o.size; ++i) msg += letters[(seq + i) % letters.size()];
  out += std::to_string(msg.size());
  out += ' ';
  out += msg;
  return msg.size() - body_start;
}

int connect_to(const Options& o) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(o.host.c_str(), o.port.c_str(), &hints, &found); rc != 0) {
    fail(o.host + ":" + o.port + ": " + ::gai_strerror(rc));
  }
  int fd = -1;
  int error = 0;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      error = errno;
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) fail("connect to " + o.host + ":" + o.port + ": " + std::strerror(error));
  return fd;
}

// Writes the whole buffer, blocking while the receiver is behind; false on an error.
bool write_all(int fd, const std::string& buffer, int& error) {
  constexpr size_t chunk = 4 << 20;
  size_t done = 0;
  while (done < buffer.size()) {
    ssize_t n = ::write(fd, buffer.data() + done, std::min(chunk, buffer.size() - done));
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_options(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);  // a receiver that goes away is reported as EPIPE

  uint64_t per_connection_max = o.messages / o.connections + (o.messages % o.connections != 0 ? 1 : 0);
  int seq_width =
      std::max<int>(7, static_cast<int>(std::to_string(per_connection_max > 0 ? per_connection_max - 1 : 0).size()));

  std::vector<std::string> streams(o.connections);
  std::vector<uint64_t> counts(o.connections);
  uint64_t stream_bytes = 0;
  uint64_t message_bytes = 0;
  for (uint64_t c = 0; c < o.connections; ++c) {
    counts[c] = o.messages / o.connections + (c < o.messages % o.connections ? 1 : 0);
    streams[c].reserve(counts[c] * (o.size + std::to_string(o.size).size() + 1));
    for (uint64_t seq = 0; seq < counts[c]; ++seq) message_bytes += append_frame(streams[c], o, c, seq, seq_width);
    stream_bytes += streams[c].size();
  }
  std::string ready = "{\"ready\": true, \"messages\": " + std::to_string(o.messages) +
                      ", \"stream_bytes\": " + std::to_string(stream_bytes) +
                      ", \"message_part_bytes\": " + std::to_string(message_bytes) + ", \"per_connection\": [";
  for (uint64_t c = 0; c < o.connections; ++c) ready += (c == 0 ? "" : ", ") + std::to_string(counts[c]);
  ready += "]}\n";
  std::fputs(ready.c_str(), stderr);
  std::fflush(stderr);

  auto start = std::chrono::steady_clock::now();
  std::vector<int> fds(o.connections);
  for (auto& fd : fds) fd = connect_to(o);
  std::vector<int> errors(o.connections, 0);
  std::vector<std::thread> writers;
  writers.reserve(o.connections);
  for (uint64_t c = 0; c < o.connections; ++c) {
    writers.emplace_back([&, c] {
      if (!write_all(fds[c], streams[c], errors[c])) return;
      if (::shutdown(fds[c], SHUT_WR) != 0) errors[c] = errno;
    });
  }
  for (auto& w : writers) w.join();
  for (auto fd : fds) ::close(fd);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (uint64_t c = 0; c < o.connections; ++c) {
    if (errors[c] != 0) fail("connection " + std::to_string(c) + ": write: " + std::strerror(errors[c]));
  }
  std::printf("{\"seconds\": %.6f, \"bytes\": %llu, \"messages\": %llu, \"connections\": %llu}\n", seconds,
              static_cast<unsigned long long>(stream_bytes), static_cast<unsigned long long>(o.messages),
              static_cast<unsigned long long>(o.connections));
  return 0;
}
