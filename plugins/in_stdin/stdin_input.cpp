// The stdin input: one event per line of standard input, until end of input or stop.
#include <logagent/clock.hpp>
#include <logagent/line_splitter.hpp>
#include <logagent/plugin.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace logagent::plugins::stdin_input {
namespace {

const logagent_option kOptions[] = {
    logagent::max_line_bytes_option(
        "Longest line kept whole; longer lines are split or truncated (see on_long_line) and counted"),
    logagent::on_long_line_option(),
};

// A pipe holds 64 KiB by default: a fast writer then wakes the reader every few hundred
// lines. A larger pipe (up to the system's unprivileged limit, fs.pipe-max-size, 1 MiB by
// default) lets each read take whole batches. Best effort: a refusal changes nothing.
void widen_pipe(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
  fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

using logagent::realtime_ns;

logagent::LineSplitterOptions read_options(const logagent::Config& config) {
  logagent::LineSplitterOptions o;
  logagent::read_long_line_options(config, o);
  return o;
}

}  // namespace

class StdinInput final : public logagent::Input {
 public:
  StdinInput(logagent::Host host, const logagent::Config& config)
      : claim_(), host_(host), splitter_(host, read_options(config)), wakeup_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (wakeup_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  }
  ~StdinInput() override { ::close(wakeup_); }

  logagent::Status run() override {
    widen_pipe(STDIN_FILENO);
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wakeup_, POLLIN, 0}};
    bool at_end = false;
    while (!host_.should_stop()) {
      // Block only when there is nothing to read; before blocking, hand on what was read
      // so a slow writer's lines are not held back waiting for a full batch.
      int ready = poll(fds, 2, 0);
      if (ready == 0) {
        if (!splitter_.flush()) return logagent::Status::Ok();  // the agent is aborting
        ready = poll(fds, 2, -1);
      }
      if (ready < 0) {
        if (errno == EINTR) continue;
        return fail("poll", errno);
      }
      if (fds[1].revents != 0) break;  // stop()
      ssize_t n = splitter_.read_from(STDIN_FILENO, realtime_ns());
      if (n == 0) {
        at_end = true;
        break;
      }
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return fail("read", errno);
      }
      if (!splitter_.emit_full_batches(realtime_ns())) return logagent::Status::Ok();
    }
    // Stopped before the end of input: an unfinished line is delivered, marked partial.
    splitter_.finish(realtime_ns(), at_end);
    splitter_.flush();
    return logagent::Status::Ok();
  }

  void stop() noexcept override {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wakeup_, &one, sizeof one);
  }

 private:
  logagent::Status fail(const char* what, int err) {
    splitter_.finish(realtime_ns(), false);
    splitter_.flush();  // what was read is still delivered
    throw std::runtime_error(std::string(what) + " on standard input failed: " + std::strerror(err));
  }

  // Two instances would take turns reading one stream and cut lines between them.
  class OnlyInstance {
   public:
    OnlyInstance() {
      if (taken_.exchange(true))
        throw logagent::ConfigError("standard input is already read by another stdin input; use one");
    }
    ~OnlyInstance() { taken_.store(false); }
    OnlyInstance(const OnlyInstance&) = delete;
    OnlyInstance& operator=(const OnlyInstance&) = delete;

   private:
    static inline std::atomic<bool> taken_{false};
  };

  OnlyInstance claim_;  // first member: nothing else is set up when it refuses
  logagent::Host host_;
  logagent::LineSplitter splitter_;
  int wakeup_;
};

}  // namespace logagent::plugins::stdin_input

LOGAGENT_INPUT_PLUGIN(logagent::plugins::stdin_input::StdinInput, "stdin", "1.0.0",
                      "Reads standard input, one event per line (field message)",
                      logagent::plugins::stdin_input::kOptions)
