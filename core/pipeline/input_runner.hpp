// An input instance on its own thread, with its route, batch pool and backpressure.
#pragma once

#include "config/pipeline_config.hpp"
#include "pipeline/filter_stage.hpp"
#include "pipeline/pipeline_batch.hpp"
#include "pipeline/plugin_instance.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace logagent::core {

class OutputWorker;

class InputRunner {
 public:
  InputRunner(const ComponentConfig& config, const ServiceConfig& service, KeyRegistry& keys,
              std::vector<FilterStage*> filters, std::vector<OutputWorker*> outputs);
  ~InputRunner();

  PluginInstance& instance() noexcept { return instance_; }

  // Starts input_run on a new thread; `on_finished` runs on that thread when run returns.
  void start(std::function<void()> on_finished);
  void request_stop() noexcept;
  // Makes a blocked emit give up (the grace period is over).
  void abort() noexcept;
  void join();
  // Polls finished() until `deadline`; true if the input's thread has returned.
  bool wait_finished(std::chrono::steady_clock::time_point deadline);
  // Lets the process exit with the thread still running (only before std::_Exit).
  void detach();
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  bool failed() const noexcept { return failed_; }
  // Waits until every emitted batch has been acknowledged, or until `deadline`.
  bool wait_drained(std::chrono::steady_clock::time_point deadline);
  uint64_t unacknowledged_batches();

  // Host services for this input.
  Batch* new_batch();
  int32_t emit(Batch* batch, uint64_t cookie);
  void discard(Batch* batch) noexcept;
  bool should_stop() const noexcept { return stop_.load(std::memory_order_acquire); }

  // Every output finished with the batch: acknowledge the input and recycle it.
  void batch_done(PipelineBatch* batch);

 private:
  void release(PipelineBatch* batch) noexcept;

  PluginInstance instance_;
  const ServiceConfig& service_;
  Batch::Limits limits_;
  std::vector<FilterStage*> filters_;
  std::vector<OutputWorker*> outputs_;

  std::mutex mutex_;
  std::condition_variable room_;  // in-flight bytes fell, or abort
  size_t inflight_bytes_ = 0;
  uint64_t inflight_batches_ = 0;
  bool aborting_ = false;
  std::vector<std::unique_ptr<PipelineBatch>> pool_;
  size_t pooled_bytes_ = 0;  // reserved_bytes() of the batches in pool_
  std::mutex ack_mutex_;     // input_ack never runs concurrently with itself

  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  bool failed_ = false;
  std::thread thread_;

  // counters for the shutdown report
  std::atomic<uint64_t> events_emitted_{0};
  std::atomic<uint64_t> batches_emitted_{0};

 public:
  uint64_t events_emitted() const noexcept { return events_emitted_.load(std::memory_order_relaxed); }
};

}  // namespace logagent::core
