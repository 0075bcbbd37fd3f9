// An output instance fed by its own thread: writes, retries with backoff, completions.
#pragma once

#include "config/pipeline_config.hpp"
#include "pipeline/pipeline_batch.hpp"
#include "pipeline/plugin_instance.hpp"
#include "routing/glob.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace logagent::core {

class OutputWorker {
 public:
  OutputWorker(const ComponentConfig& config, KeyRegistry& keys, PipelineServices* services);
  ~OutputWorker();

  PluginInstance& instance() noexcept { return instance_; }
  const Glob& match() const noexcept { return match_; }

  void start();
  // The inputs have stopped: from now on, each time the queue runs empty the output is
  // asked to flush what it buffers (output_flush).
  void begin_drain();
  // Finishes the thread; deliveries still queued are left unacknowledged.
  void stop();
  // Leaves the thread running and the instance undestroyed, for a process about to exit
  // with deliveries outstanding (the plugin may still complete into its own memory).
  void abandon() noexcept;

  // From input threads: deliver this batch to this output.
  void enqueue(logagent_token* token);
  // The outcome of one write, synchronous or through host->complete.
  void on_result(logagent_token* token, int32_t status);

  uint64_t failed_batches() const noexcept { return batches_failed_.load(std::memory_order_relaxed); }
  std::string report();

 private:
  void run();
  void finish(logagent_token* token, int32_t status);
  logagent_token* next_due(int64_t now_ns);  // with mutex_ held

  PluginInstance instance_;
  Glob match_;
  const int64_t retry_backoff_ns_;
  const int64_t retry_max_backoff_ns_;
  const int64_t retry_limit_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<logagent_token*> ready_;
  std::vector<logagent_token*> delayed_;  // min-heap by due_ns
  bool stopping_ = false;
  bool draining_ = false;
  bool written_since_flush_ = false;  // a write happened since the last output_flush
  std::thread thread_;

  std::atomic<uint64_t> batches_ok_{0}, events_ok_{0}, retries_{0}, batches_failed_{0}, events_failed_{0};
};

}  // namespace logagent::core
