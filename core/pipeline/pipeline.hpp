// A running pipeline: inputs, filters and outputs wired by tag, started and stopped together.
#pragma once

#include "config/config_error.hpp"
#include "config/pipeline_config.hpp"
#include "event/key_registry.hpp"
#include "pipeline/acknowledger.hpp"
#include "pipeline/filter_stage.hpp"
#include "pipeline/input_runner.hpp"
#include "pipeline/output_worker.hpp"
#include "pipeline/pipeline_services.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace logagent::core {

class Pipeline {
 public:
  enum class Outcome {
    Completed,     // every input finished or was stopped, and everything was delivered
    InputFailed,   // as Completed, but an input stopped with an error
    EventsFailed,  // everything was acknowledged, but some batch ended in a permanent output
                   // error, or an instance declared itself unusable (host->fatal)
    Undelivered,   // the grace period ran out with batches unacknowledged
  };

  explicit Pipeline(const PipelineConfig& config);
  ~Pipeline();

  // Creates every instance (outputs first, so routes point at live objects). Each failure
  // is reported with the section's location, or the option's; returns false if any failed.
  bool create(ConfigErrors& errors);

  // Runs until every input has finished (then waits for every batch to be delivered, as
  // long as that takes), or until request_stop or a fatal error (then drains within the
  // grace period); stops the outputs.
  Outcome run();

  // Thread-safe; safe to call before or during run. A second call aborts the drain.
  void request_stop() noexcept;

  KeyRegistry& keys() noexcept { return keys_; }

 private:
  void notify() noexcept;
  void log_report();
  bool all_finished() const noexcept;
  bool all_drained();

  const PipelineConfig& config_;
  KeyRegistry keys_;
  // Before the instances: destroyed after them, so state saved up to destroy is written.
  PipelineServices services_;
  Acknowledger acknowledger_;
  std::vector<std::unique_ptr<OutputWorker>> outputs_;
  std::vector<std::unique_ptr<FilterStage>> filters_;
  std::vector<std::unique_ptr<InputRunner>> inputs_;

  std::mutex mutex_;
  std::condition_variable changed_;
  int stop_requests_ = 0;    // signals
  uint64_t generation_ = 0;  // bumped by notify(): an input finished or drained, or a fatal error
};

}  // namespace logagent::core
