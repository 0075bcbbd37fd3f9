// `logagent run` and `logagent check`.
#include "cli/commands.hpp"
#include "cli/logging.hpp"
#include "cli/pipeline_loading.hpp"
#include "pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>

namespace logagent::cli {
namespace {

// Creates every instance; on failure prints each error and the count, as for the file.
bool create_or_report(core::Pipeline& pipeline, const std::string& file) {
  core::ConfigErrors errors;
  if (pipeline.create(errors)) return true;
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  print_error_count(file, errors.size());
  return false;
}

// Signals are taken by one thread from a signalfd, so no handler runs on a pipeline thread
// and the pipeline is told through an ordinary call. The thread also polls an eventfd that
// the destructor writes, so it ends the moment the pipeline has finished: a timed wait
// would hold every run up until its next tick.
class SignalWatcher {
 public:
  // Throws std::system_error if the descriptors cannot be made (out of file descriptors).
  explicit SignalWatcher(core::Pipeline& pipeline) {
    const sigset_t set = stop_signals();
    signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
    if (signal_fd_ < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
    wake_fd_ = eventfd(0, EFD_CLOEXEC);
    if (wake_fd_ < 0) {
      const int error = errno;
      close(signal_fd_);
      throw std::system_error(error, std::generic_category(), "eventfd");
    }
    thread_ = std::thread([this, &pipeline] { watch(pipeline); });
  }
  ~SignalWatcher() {
    const uint64_t one = 1;
    // Writing 1 to an eventfd fails only if its counter would overflow: not with one write.
    [[maybe_unused]] ssize_t written = write(wake_fd_, &one, sizeof one);
    thread_.join();
    close(wake_fd_);
    close(signal_fd_);
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  static sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
  }

 private:
  void watch(core::Pipeline& pipeline) const {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    while (true) {
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        spdlog::error("signal watcher: poll failed: {}", std::strerror(errno));
        return;
      }
      if (fds[1].revents != 0) return;  // the pipeline has finished
      if (fds[0].revents == 0) continue;
      signalfd_siginfo info{};
      if (read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
      spdlog::info("received {}; stopping (a second signal skips the wait for delivery)",
                   info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
      pipeline.request_stop();
    }
  }

  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
};

void block_signals() {
  // Blocked before any thread starts, so every thread inherits the mask and the signals
  // stay pending for the watcher's signalfd.
  const sigset_t set = SignalWatcher::stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A closed stdout or socket must be an error code for the output, not a dead agent.
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int run_command(const std::string& file) {
  block_signals();
  auto loaded = load_pipeline_or_report(file, PipelineTests::Ignore);
  if (!loaded) return kExitInvalid;
  setup_logging(loaded->config.service.log_level);
  auto pipeline = std::make_unique<core::Pipeline>(loaded->config);
  if (!create_or_report(*pipeline, file)) return kExitInvalid;
  core::Pipeline::Outcome outcome;
  try {
    SignalWatcher watcher(*pipeline);
    outcome = pipeline->run();
  } catch (const std::system_error& e) {
    // Without the watcher SIGINT/SIGTERM (blocked) could not stop the agent: refuse to start.
    spdlog::error("cannot watch for signals: {}", e.what());
    return kExitInvalid;
  }
  if (outcome == core::Pipeline::Outcome::Undelivered) {
    // Outputs may still hold tokens and threads: tearing them down could complete into
    // freed memory, so the process ends here without running destructors.
    spdlog::default_logger()->flush();
    std::fflush(stdout);
    std::_Exit(kExitUndelivered);
  }
  pipeline.reset();
  spdlog::default_logger()->flush();
  switch (outcome) {
    case core::Pipeline::Outcome::Completed:
      return kExitOk;
    case core::Pipeline::Outcome::InputFailed:
      return kExitInputFailed;
    case core::Pipeline::Outcome::EventsFailed:
      return kExitEventsFailed;
    case core::Pipeline::Outcome::Undelivered:
      return kExitUndelivered;
  }
  return kExitOk;
}

int check_command(const std::string& file) {
  auto loaded = load_pipeline_or_report(file, PipelineTests::Read);
  if (!loaded) return kExitInvalid;
  setup_logging(loaded->config.service.log_level == "info" ? "warn" : loaded->config.service.log_level);
  core::Pipeline pipeline(loaded->config);
  if (!create_or_report(pipeline, file)) return kExitInvalid;
  std::printf("%s: OK (%s)\n", file.c_str(), loaded->config.counts_text().c_str());
  return kExitOk;
}

}  // namespace logagent::cli
