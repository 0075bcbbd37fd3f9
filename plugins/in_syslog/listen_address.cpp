// Listen URLs into bound sockets.
#include "listen_address.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace logagent::plugins::syslog_input {
namespace {

constexpr std::string_view kDefaultHost = "127.0.0.1";

struct Scheme {
  std::string_view prefix;
  Transport transport;
};
constexpr Scheme kSchemes[] = {
    {"udp://", Transport::udp},
    {"tcp://", Transport::tcp},
    {"unix://", Transport::unix_dgram},
    {"unix-stream://", Transport::unix_stream},
};

std::string_view scheme_name(Transport t) {
  for (const Scheme& s : kSchemes) {
    if (s.transport == t) return s.prefix;
  }
  return "";
}

[[noreturn]] void refuse(std::string_view url, std::string_view why) {
  throw std::invalid_argument("\"" + std::string(url) + "\": " + std::string(why));
}

uint16_t parse_port(std::string_view url, std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > 65535)
    refuse(url, "expected a port from 0 to 65535 after the last ':'");
  return static_cast<uint16_t>(value);
}

[[noreturn]] void fail(const ListenAddress& address, const char* what, int err) {
  throw std::runtime_error("cannot listen on " + to_url(address) + ": " + what + ": " + std::strerror(err));
}

// Replaces a socket file left by an earlier run; anything else at the path stays and fails.
void remove_stale_socket(const ListenAddress& address) {
  struct stat st;
  if (lstat(address.path.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode)) fail(address, "the path exists and is not a socket", EEXIST);
  ::unlink(address.path.c_str());
}

int open_unix(ListenAddress& address, int type) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (address.path.size() >= sizeof sun.sun_path) fail(address, "path too long for a unix socket", ENAMETOOLONG);
  std::memcpy(sun.sun_path, address.path.c_str(), address.path.size() + 1);
  remove_stale_socket(address);
  int fd = ::socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(address, "socket", errno);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    int err = errno;
    ::close(fd);
    fail(address, "bind", err);
  }
  return fd;
}

int open_inet(ListenAddress& address, int type) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = type;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(address.port);
  if (int rc = ::getaddrinfo(address.host.c_str(), service.c_str(), &hints, &found); rc != 0)
    throw std::runtime_error("cannot listen on " + to_url(address) + ": " + ::gai_strerror(rc));
  int fd = ::socket(found->ai_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    ::freeaddrinfo(found);
    fail(address, "socket", err);
  }
  const int one = 1;
  if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // "[::]" means IPv6 only; IPv4 clients are served by a listener of their own.
  if (found->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  int rc = ::bind(fd, found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  if (rc != 0) {
    int err = errno;
    ::close(fd);
    fail(address, "bind", err);
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
    if (bound.ss_family == AF_INET) address.port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    if (bound.ss_family == AF_INET6) address.port = ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  }
  return fd;
}

}  // namespace

ListenAddress parse_listen_address(std::string_view url) {
  ListenAddress address;
  std::string_view rest;
  bool known = false;
  for (const Scheme& s : kSchemes) {
    if (url.substr(0, s.prefix.size()) == s.prefix) {
      address.transport = s.transport;
      rest = url.substr(s.prefix.size());
      known = true;
    }
  }
  if (!known) refuse(url, "expected udp://HOST:PORT, tcp://HOST:PORT, unix://PATH or unix-stream://PATH");
  if (address.transport == Transport::unix_dgram || address.transport == Transport::unix_stream) {
    if (rest.empty() || rest.front() != '/') refuse(url, "expected an absolute path after the scheme");
    address.path = std::string(rest);
    return address;
  }
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      refuse(url, "expected [IPv6-ADDRESS]:PORT");
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
    if (host.empty()) refuse(url, "expected an IPv6 address between the brackets");
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) refuse(url, "expected HOST:PORT (or :PORT for 127.0.0.1)");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) refuse(url, "an IPv6 address is written in brackets: [::1]:PORT");
  }
  address.host = host.empty() ? std::string(kDefaultHost) : std::string(host);
  address.port = parse_port(url, port);
  return address;
}

std::string to_url(const ListenAddress& address) {
  std::string url(scheme_name(address.transport));
  if (!address.path.empty()) return url + address.path;
  const bool v6 = address.host.find(':') != std::string::npos;
  url += v6 ? "[" + address.host + "]" : address.host;
  return url + ":" + std::to_string(address.port);
}

int open_listener(ListenAddress& address) {
  switch (address.transport) {
    case Transport::udp:
      return open_inet(address, SOCK_DGRAM);
    case Transport::unix_dgram:
      return open_unix(address, SOCK_DGRAM);
    case Transport::tcp:
    case Transport::unix_stream: {
      int fd = address.transport == Transport::tcp ? open_inet(address, SOCK_STREAM) : open_unix(address, SOCK_STREAM);
      if (::listen(fd, SOMAXCONN) != 0) {
        int err = errno;
        ::close(fd);
        fail(address, "listen", err);
      }
      return fd;
    }
  }
  return -1;
}

std::string peer_text(const sockaddr_storage& peer, socklen_t length, std::string_view unix_path) {
  char text[INET6_ADDRSTRLEN] = {};
  if (length >= sizeof(sockaddr_in) && peer.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr, text, sizeof text);
    return text;
  }
  if (length >= sizeof(sockaddr_in6) && peer.ss_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      ::inet_ntop(AF_INET, a.s6_addr + 12, text, sizeof text);
    } else {
      ::inet_ntop(AF_INET6, &a, text, sizeof text);
    }
    return text;
  }
  return std::string(unix_path);
}

}  // namespace logagent::plugins::syslog_input
