// Runs a pipeline file's [[tests]] through its real filters; no input or output is created.
#pragma once

#include "config/config_error.hpp"
#include "config/pipeline_config.hpp"
#include "config/pipeline_tests.hpp"
#include "event/key_registry.hpp"
#include "pipeline/filter_stage.hpp"

#include <memory>
#include <string>
#include <vector>

namespace logagent::core {

class PipelineTestRunner {
 public:
  explicit PipelineTestRunner(const PipelineConfig& config);

  // Creates every filter instance, as `run` does; each failure is reported with the
  // section's location, or the option's. Returns false if any failed.
  bool create(ConfigErrors& errors);

  // Gives the test's lines (or events) to the filters whose `match` selects its input's tag, in file
  // order, and checks each expectation against the events routed to its output. Returns one
  // line per difference, e.g. `expect[0] (output "kafka"): count: expected 1, got 0`; none
  // when the test passed.
  std::vector<std::string> run(const PipelineTest& test);

 private:
  const PipelineConfig& config_;
  KeyRegistry keys_;
  logagent_key message_key_;
  std::vector<std::unique_ptr<FilterStage>> filters_;
};

}  // namespace logagent::core
