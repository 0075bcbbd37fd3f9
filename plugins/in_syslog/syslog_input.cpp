// The syslog input: RFC 5424 and RFC 3164 over UDP, TCP and unix sockets (docs/plugins/syslog.md).
//
// Datagram sockets and stream sockets are served by one thread each (datagram_receiver.hpp,
// stream_receiver.hpp): a full pipeline makes the stream thread wait in emit, which is how
// TCP senders are held back, while datagrams go on being read and what cannot be queued is
// counted as dropped.
//
// Sockets are bound when the input starts running, not when it is created, so that
// `logagent check` of a pipeline whose agent is running does not find its ports taken.
#include <logagent/plugin.hpp>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "datagram_receiver.hpp"
#include "listen_address.hpp"
#include "receiver_support.hpp"
#include "stream_receiver.hpp"
#include "syslog_options.hpp"

namespace logagent::plugins::syslog_input {

class SyslogInput final : public Input {
 public:
  SyslogInput(Host host, const Config& config)
      : host_(host), options_(read_options(config)), counters_(host), stop_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (stop_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  }
  ~SyslogInput() override {
    close_sockets();
    ::close(stop_);
  }

  Status run() override {
    std::vector<std::pair<int, ListenAddress>> datagram, stream;
    for (ListenAddress address : options_.listen) {
      const int fd = open_listener(address);  // throws: the run fails with the reason
      sockets_.push_back(Socket{fd, address.path});
      host_.info("listening on " + to_url(address));
      (is_stream(address.transport) ? stream : datagram).emplace_back(fd, address);
    }
    std::optional<DatagramReceiver> datagrams;
    std::optional<StreamReceiver> streams;
    if (!datagram.empty())
      datagrams.emplace(host_, options_.writer, counters_, options_.max_message_size, std::move(datagram), stop_);
    if (!stream.empty()) {
      const StreamLimits limits{options_.max_message_size, options_.max_connections, options_.idle_timeout_ns};
      streams.emplace(host_, options_.writer, counters_, limits, std::move(stream), stop_);
    }
    if (datagrams && streams) {
      std::exception_ptr failure;
      std::thread datagram_thread([&] {
        try {
          datagrams->run();
        } catch (...) {
          failure = std::current_exception();
          stop();
        }
      });
      try {
        streams->run();
      } catch (...) {
        stop();
        datagram_thread.join();
        throw;
      }
      datagram_thread.join();
      if (failure) std::rethrow_exception(failure);
    } else if (datagrams) {
      datagrams->run();
    } else {
      streams->run();
    }
    return Status::Ok();
  }

  void stop() noexcept override {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(stop_, &one, sizeof one);
  }

 private:
  struct Socket {
    int fd;
    std::string unix_path;  // removed when the input ends
  };

  void close_sockets() noexcept {
    for (const Socket& s : sockets_) {
      ::close(s.fd);
      if (!s.unix_path.empty()) ::unlink(s.unix_path.c_str());
    }
    sockets_.clear();
  }

  Host host_;
  SyslogOptions options_;
  SyslogCounters counters_;
  int stop_;
  std::vector<Socket> sockets_;
};

}  // namespace logagent::plugins::syslog_input

LOGAGENT_INPUT_PLUGIN(logagent::plugins::syslog_input::SyslogInput, "syslog", "1.0.0",
                      "Receives syslog (RFC 5424, RFC 3164) over UDP, TCP and unix sockets",
                      logagent::plugins::syslog_input::kOptions)
