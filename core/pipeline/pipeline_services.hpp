// What host calls reach beyond their own instance: the agent-wide stop on a fatal error,
// and the checkpoint store.
#pragma once

#include "state/checkpoint_store.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace logagent::core {

class PipelineServices {
 public:
  // `on_fatal` runs once, on the thread of the first fatal() call.
  PipelineServices(std::string state_dir, int64_t state_flush_interval_ns, std::function<void()> on_fatal)
      : checkpoints_(std::move(state_dir), state_flush_interval_ns), on_fatal_(std::move(on_fatal)) {}

  // An instance cannot work any more: logged once (later calls are ignored), then the
  // pipeline stops as for a signal and ends with the outcome EventsFailed.
  void fatal(const std::string& label, std::string_view message);
  bool fatal_happened() const noexcept { return fatal_.load(std::memory_order_acquire); }

  CheckpointStore& checkpoints() noexcept { return checkpoints_; }

 private:
  CheckpointStore checkpoints_;
  std::function<void()> on_fatal_;
  std::atomic<bool> fatal_{false};
};

}  // namespace logagent::core
