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

class Acknowledger;
class OutputWorker;

class InputRunner {
 public:
  InputRunner(const ComponentConfig& config, const ServiceConfig& service, KeyRegistry& keys,
              PipelineServices* services, Acknowledger& acknowledger, std::vector<FilterStage*> filters,
              std::vector<OutputWorker*> outputs);
  ~InputRunner();

  PluginInstance& instance() noexcept { return instance_; }

  // Starts input_run on a new thread. `on_change` runs (on any thread) when the input's
  // thread returns and when its last unacknowledged batch is acknowledged.
  void start(std::function<void()> on_change);
  // Asks the input to stop; a blocked emit wakes and takes its batch over the limit once.
  void request_stop() noexcept;
  // Makes a blocked emit give up (the grace period is over).
  void abort() noexcept;
  void join();
  // Polls finished() until `deadline`; true if the input's thread has returned.
  bool wait_finished(std::chrono::steady_clock::time_point deadline);
  // Lets the process exit with the thread still running (only before std::_Exit).
  void detach();
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  // Every emitted batch has been acknowledged (input_ack returned).
  bool drained();
  uint64_t unacknowledged_batches();
  uint64_t events_emitted() const noexcept { return events_emitted_.load(std::memory_order_relaxed); }
  uint64_t failed_batches() const noexcept { return failed_batches_.load(std::memory_order_relaxed); }

  // Host services for this input.
  Batch* new_batch();
  // blocking: emit (waits for room); otherwise try_emit (RETRY when there is none).
  int32_t emit(Batch* batch, uint64_t cookie, bool blocking);
  void discard(Batch* batch) noexcept;
  bool should_stop() const noexcept { return stop_.load(std::memory_order_acquire); }

  // Every output finished with the batch: its bytes are released and its acknowledgement
  // queued. Any thread.
  void batch_done(PipelineBatch* batch);
  // On the acknowledgement thread: input_ack, then the batch stops counting as unacknowledged.
  void acknowledge(uint64_t cookie, int32_t status);

 private:
  void release(PipelineBatch* batch) noexcept;
  bool has_room(size_t bytes) const noexcept;  // with mutex_ held

  PluginInstance instance_;
  const ServiceConfig& service_;
  Acknowledger& acknowledger_;
  Batch::Limits limits_;
  KeyRegistry& keys_;
  std::vector<FilterStage*> filters_;
  std::vector<OutputWorker*> outputs_;
  std::function<void()> on_change_;

  std::mutex mutex_;
  std::condition_variable room_;  // in-flight bytes fell, stop, or abort
  size_t inflight_bytes_ = 0;     // released before input_ack runs
  uint64_t unacked_batches_ = 0;  // decremented after input_ack returned
  bool aborting_ = false;
  bool stop_pass_used_ = false;  // a blocked emit took its batch over the limit after stop
  std::vector<std::unique_ptr<PipelineBatch>> pool_;
  size_t pooled_bytes_ = 0;  // reserved_bytes() of the batches in pool_

  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> failed_{false};
  std::thread thread_;

  // counters for the shutdown report and the outcome
  std::atomic<uint64_t> events_emitted_{0};
  std::atomic<uint64_t> failed_batches_{0};
};

}  // namespace logagent::core
