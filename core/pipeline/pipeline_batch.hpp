// A batch in flight: its events plus one delivery record per output it was routed to.
#pragma once

#include "event/batch.hpp"

#include <atomic>
#include <cstdint>
#include <vector>

namespace logagent::core {
class InputRunner;
class OutputWorker;
struct PipelineBatch;
}  // namespace logagent::core

// The C ABI's delivery token: one per (batch, output), reused across retries.
struct logagent_token {
  logagent::core::PipelineBatch* batch = nullptr;
  logagent::core::OutputWorker* output = nullptr;
  uint32_t retries = 0;
  std::atomic<bool> in_write{false};  // guards against a plugin completing a token twice
  int64_t due_ns = 0;                 // when a retry may run (monotonic)
};

namespace logagent::core {

// One acknowledgement record per batch, not per event.
struct PipelineBatch : Batch {
  InputRunner* owner = nullptr;
  uint64_t cookie = 0;
  size_t accounted_bytes = 0;              // what emit added to the input's in-flight bytes
  std::atomic<uint32_t> pending{0};        // outputs that have not finished with it
  std::atomic<int32_t> outcome{0};         // merged status: ERROR > OK
  std::vector<logagent_token> deliveries;  // sized once per input: one per routed output

  PipelineBatch(const KeyRegistry& keys, size_t outputs) : Batch(keys), deliveries(outputs) {}
};

}  // namespace logagent::core
