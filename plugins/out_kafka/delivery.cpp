// Which Kafka errors a retry can cure, and the pool of in-flight batch records.
#include "delivery.hpp"

namespace logagent::plugins::kafka {
namespace {

// The most buffer memory a record keeps between batches.
constexpr size_t kKeepAtMost = size_t{16} << 20;

template <typename T>
void shrink_if_oversized(T& buffer, size_t bytes) {
  if (bytes > kKeepAtMost) T().swap(buffer);
}

}  // namespace

Failure classify(rd_kafka_resp_err_t err) noexcept {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:     // over message.max.bytes, here or at the broker
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:       // refused by the broker as sized
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:  // one message larger than the broker's batch limit
    case RD_KAFKA_RESP_ERR_INVALID_MSG:            // a message the broker found corrupt
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:         // refused by a broker-side validation
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:         // the cluster has no such topic (auto-create off)
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:  // the same, answered by a broker
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:     // a fixed partition the topic does not have
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:        // an invalid topic name
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return Failure::permanent;
    default:
      // Timeouts (message.timeout.ms), brokers down, leaders moving, a full local queue:
      // later the same message goes through. This is what keeps a long outage lossless.
      return Failure::retry;
  }
}

Delivery* DeliveryPool::take() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) {
    all_.push_back(std::make_unique<Delivery>());
    free_.reserve(all_.size());  // give_back never allocates
    return all_.back().get();
  }
  Delivery* d = free_.back();
  free_.pop_back();
  return d;
}

void DeliveryPool::give_back(Delivery* delivery) noexcept {
  shrink_if_oversized(delivery->values, delivery->values.capacity());
  shrink_if_oversized(delivery->keys, delivery->keys.capacity());
  shrink_if_oversized(delivery->messages, delivery->messages.capacity() * sizeof(rd_kafka_message_t));
  delivery->token = nullptr;
  std::lock_guard lock(mutex_);
  free_.push_back(delivery);
}

}  // namespace logagent::plugins::kafka
