// How one event differs from what a [[tests.expect]] says about it: fields, exists, absent.
#pragma once

#include "config/pipeline_tests.hpp"
#include "event/batch.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace logagent::core {

// Appends one line per difference between event `event` of `batch` and the fields, exists
// and absent of `expectation`, e.g. `field "status": expected 404, got 200`. Values are
// written as JSON; "@timestamp" is the event's time (RFC 3339, microseconds, as outputs
// write it) unless the event has a field of that name.
void compare_event(const Batch& batch, uint32_t event, const TestExpectation& expectation,
                   std::vector<std::string>& differences);

}  // namespace logagent::core
