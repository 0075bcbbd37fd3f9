// A filter instance with its tag selection.
#pragma once

#include "event/batch.hpp"
#include "pipeline/plugin_instance.hpp"
#include "routing/glob.hpp"

#include <atomic>

namespace logagent::core {

struct FilterStage {
  FilterStage(const ComponentConfig& config, KeyRegistry& keys, PipelineServices* services)
      : instance(config, keys, services), match(config.match) {}

  // Runs the filter on a batch; an ERROR is counted and logged, and the batch goes on.
  void apply(Batch& batch);

  PluginInstance instance;
  Glob match;
  std::atomic<uint64_t> errors{0};
};

}  // namespace logagent::core
