// One batch in flight to Kafka: its messages, their delivery reports, and its outcome.
//
// A batch completes only when every message in it has a delivery report (or was refused
// before it was queued). The record is the opaque pointer of each of its messages, so a
// delivery report costs one atomic decrement; the last one decides the batch's status.
#pragma once

#include <librdkafka/rdkafka.h>

#include <logagent/plugin.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace logagent::plugins::kafka {

// What a failed message means for its batch.
enum class Failure {
  retry,     // the broker may take it later (timeout, broker down, leader moving): the batch is retried
  permanent  // it never will (too large, unknown topic, not authorized): counted, the batch fails
};
Failure classify(rd_kafka_resp_err_t err) noexcept;

struct Delivery {
  logagent_token* token = nullptr;
  // Messages without their report yet, plus one held by the writer while it queues them,
  // so that reports arriving during queueing cannot complete the batch early.
  std::atomic<uint32_t> outstanding{0};
  std::atomic<uint32_t> retriable{0};
  std::atomic<uint32_t> permanent{0};
  // The values the output encoded (json) and the keys it wrote as text, which librdkafka
  // reads without copying until each message's report: they live as long as the record.
  std::string values;
  std::string keys;
  std::vector<rd_kafka_message_t> messages;  // what produce_batch is given

  uint32_t total = 0;  // messages in the batch

  // Before the messages are built: the record belongs to `t` now.
  void reset(logagent_token* t) noexcept {
    token = t;
    values.clear();
    keys.clear();
    messages.clear();
  }
  // Once the messages are built, before the first is queued.
  void start(uint32_t count) noexcept {
    total = count;
    outstanding.store(count + 1, std::memory_order_relaxed);
    retriable.store(0, std::memory_order_relaxed);
    permanent.store(0, std::memory_order_relaxed);
  }
  // RETRY if any message may still be delivered, else ERROR if any never will, else OK.
  Status outcome() const noexcept {
    if (retriable.load(std::memory_order_acquire) != 0) return Status::Retry();
    if (permanent.load(std::memory_order_acquire) != 0) return Status::Error();
    return Status::Ok();
  }
};

// Records are reused: steady state allocates nothing per batch. Buffers that grew past a
// bound for one huge batch are released when the record comes back.
class DeliveryPool {
 public:
  Delivery* take();
  void give_back(Delivery* delivery) noexcept;

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Delivery>> all_;
  std::vector<Delivery*> free_;
};

}  // namespace logagent::plugins::kafka
