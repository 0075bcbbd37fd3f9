// A filter instance with its tag selection.
#pragma once

#include "event/batch.hpp"
#include "pipeline/glob.hpp"
#include "pipeline/plugin_instance.hpp"

#include <atomic>

namespace logagent::core {

struct FilterStage {
  FilterStage(const ComponentConfig& config, KeyRegistry& keys) : instance(config, keys), match(config.match) {}

  // Runs the filter on a batch; an ERROR is counted and logged, and the batch goes on.
  void apply(Batch& batch);

  PluginInstance instance;
  Glob match;
  std::atomic<uint64_t> errors{0};
};

}  // namespace logagent::core
