// A running pipeline: inputs, filters and outputs wired by tag, started and stopped together.
#pragma once

#include "config/config_error.hpp"
#include "config/pipeline_config.hpp"
#include "pipeline/filter_stage.hpp"
#include "pipeline/input_runner.hpp"
#include "pipeline/output_worker.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace logagent::core {

class Pipeline {
 public:
  enum class Outcome {
    Completed,    // every input finished or was stopped, and everything was acknowledged
    InputFailed,  // as Completed, but an input stopped with an error
    Undelivered,  // the grace period ran out with batches unacknowledged
  };

  explicit Pipeline(const PipelineConfig& config);
  ~Pipeline();

  // Creates every instance (outputs first, so routes point at live objects). Each failure
  // is reported with the section's location; returns false if any failed.
  bool create(ConfigErrors& errors);

  // Runs until every input has finished, or until request_stop; then drains within the
  // grace period and stops the outputs.
  Outcome run();

  // Thread-safe; safe to call before or during run. A second call aborts the drain.
  void request_stop() noexcept;

 private:
  void log_report();

  const PipelineConfig& config_;
  std::vector<std::unique_ptr<OutputWorker>> outputs_;
  std::vector<std::unique_ptr<FilterStage>> filters_;
  std::vector<std::unique_ptr<InputRunner>> inputs_;

  std::mutex mutex_;
  std::condition_variable changed_;
  size_t inputs_running_ = 0;
  int stop_requests_ = 0;
};

}  // namespace logagent::core
