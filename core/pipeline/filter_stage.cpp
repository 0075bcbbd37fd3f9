// Applying a filter to a batch.
#include "pipeline/filter_stage.hpp"

#include <spdlog/spdlog.h>

namespace logagent::core {

void FilterStage::apply(Batch& batch) {
  int32_t status = instance.descriptor().filter(instance.handle(), to_handle(&batch));
  if (status == LOGAGENT_OK) return;
  // A failing filter must not lose events: they continue as the filter left them.
  uint64_t n = errors.fetch_add(1, std::memory_order_relaxed) + 1;
  if ((n & (n - 1)) == 0) {  // 1st, 2nd, 4th, 8th...: visible without flooding the log
    spdlog::error(
        "{}: filter failed on a batch of {} events tagged \"{}\"; the events continue unfiltered ({} failures so far)",
        instance.label(), batch.live_count(), batch.tag(), n);
  }
}

}  // namespace logagent::core
