// Where the syslog input listens: "udp://127.0.0.1:5514", "tcp://[::1]:601", "unix:///dev/log".
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace logagent::plugins::syslog_input {

enum class Transport : uint8_t {
  udp,          // udp://HOST:PORT
  tcp,          // tcp://HOST:PORT
  unix_dgram,   // unix://PATH, a datagram socket as /dev/log is (what logger --socket and syslog(3) use)
  unix_stream,  // unix-stream://PATH
};

inline bool is_stream(Transport t) noexcept { return t == Transport::tcp || t == Transport::unix_stream; }

struct ListenAddress {
  Transport transport = Transport::udp;
  std::string host;   // numeric address as written; "127.0.0.1" when the URL names none
  uint16_t port = 0;  // 0: the system picks one (logged once bound)
  std::string path;   // unix sockets
};

// Parses one `listen` item. A missing host is 127.0.0.1, never every interface: "0.0.0.0"
// or "[::]" must be written. Throws std::invalid_argument with what was expected.
ListenAddress parse_listen_address(std::string_view url);

// The URL of an address, with the port the socket was bound to ("tcp://127.0.0.1:40123").
std::string to_url(const ListenAddress& address);

// Binds (and for streams, listens on) a non-blocking, close-on-exec socket. A unix socket's
// stale file from an earlier run is replaced; a file there that is not a socket is refused.
// Updates address.port to the bound port. Throws std::runtime_error naming the URL and errno.
int open_listener(ListenAddress& address);

// Text of a peer: "192.0.2.7", "2001:db8::1"; for a unix socket, `unix_path`.
std::string peer_text(const sockaddr_storage& peer, socklen_t length, std::string_view unix_path);

}  // namespace logagent::plugins::syslog_input
