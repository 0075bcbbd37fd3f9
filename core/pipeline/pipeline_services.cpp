// The agent-wide stop on a fatal error.
#include "pipeline/pipeline_services.hpp"

#include <spdlog/spdlog.h>

namespace logagent::core {

void PipelineServices::fatal(const std::string& label, std::string_view message) {
  if (fatal_.exchange(true, std::memory_order_acq_rel)) return;
  spdlog::error("{}: {}; stopping the agent (events not delivered are counted in the report)", label, message);
  if (on_fatal_) on_fatal_();
}

}  // namespace logagent::core
