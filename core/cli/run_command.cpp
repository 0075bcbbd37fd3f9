// `logagent run` and `logagent check`.
#include "cli/commands.hpp"
#include "cli/logging.hpp"
#include "cli/pipeline_loading.hpp"
#include "pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace logagent::cli {
namespace {

void print_errors(const std::vector<std::string>& errors) {
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
}

void print_count(const std::string& file, size_t count) {
  std::fprintf(stderr, "%s: %zu error%s\n", file.c_str(), count, count == 1 ? "" : "s");
}

std::optional<LoadedPipeline> load_or_report(const std::string& file) {
  std::vector<std::string> errors;
  auto loaded = load_pipeline(file, errors);
  if (!loaded) {
    print_errors(errors);
    print_count(file, errors.size());
  }
  return loaded;
}

// Creates every instance; on failure prints each error and the count, as for the file.
bool create_or_report(core::Pipeline& pipeline, const std::string& file) {
  core::ConfigErrors errors;
  if (pipeline.create(errors)) return true;
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  print_count(file, errors.size());
  return false;
}

// Signals are taken by one thread with sigtimedwait, so no handler runs on a pipeline
// thread and the pipeline is told through an ordinary call.
class SignalWatcher {
 public:
  explicit SignalWatcher(core::Pipeline& pipeline) {
    thread_ = std::thread([this, &pipeline] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGINT);
      sigaddset(&set, SIGTERM);
      const timespec tick{0, 100'000'000};
      while (!done_.load(std::memory_order_acquire)) {
        int sig = sigtimedwait(&set, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
          spdlog::info("received {}; stopping (a second signal skips the wait for delivery)",
                       sig == SIGINT ? "SIGINT" : "SIGTERM");
          pipeline.request_stop();
        }
      }
    });
  }
  ~SignalWatcher() {
    done_.store(true, std::memory_order_release);
    thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

void block_signals() {
  // Blocked before any thread starts, so every thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A closed stdout or socket must be an error code for the output, not a dead agent.
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int run_command(const std::string& file) {
  block_signals();
  auto loaded = load_or_report(file);
  if (!loaded) return kExitInvalid;
  setup_logging(loaded->config.service.log_level);
  auto pipeline = std::make_unique<core::Pipeline>(loaded->config);
  if (!create_or_report(*pipeline, file)) return kExitInvalid;
  core::Pipeline::Outcome outcome;
  {
    SignalWatcher watcher(*pipeline);
    outcome = pipeline->run();
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
    case core::Pipeline::Outcome::Undelivered:
      return kExitUndelivered;
  }
  return kExitOk;
}

int check_command(const std::string& file) {
  auto loaded = load_or_report(file);
  if (!loaded) return kExitInvalid;
  setup_logging(loaded->config.service.log_level == "info" ? "warn" : loaded->config.service.log_level);
  core::Pipeline pipeline(loaded->config);
  if (!create_or_report(pipeline, file)) return kExitInvalid;
  std::printf("%s: OK (%zu inputs, %zu filters, %zu outputs)\n", file.c_str(), loaded->config.inputs.size(),
              loaded->config.filters.size(), loaded->config.outputs.size());
  return kExitOk;
}

}  // namespace logagent::cli
