// A librdkafka producer with the thread that serves its delivery reports, its topic
// handles, and a wait for room in its local queue.
#pragma once

#include "kafka_options.hpp"

#include <librdkafka/rdkafka.h>

#include <logagent/plugin.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace logagent::plugins::kafka {

// What the producer tells its owner. Both are called on the producer's own threads.
class ProducerEvents {
 public:
  virtual ~ProducerEvents() = default;
  // One delivery report: success when message.err is 0.
  virtual void delivered(const rd_kafka_message_t& message) noexcept = 0;
  // The producer cannot go on (an idempotence failure librdkafka calls fatal).
  virtual void failed_for_good(const std::string& reason) noexcept = 0;
};

class Producer {
 public:
  // Takes `conf` (librdkafka owns it from here). Throws ConfigError with librdkafka's reason.
  Producer(Host host, ConfPtr conf, ProducerEvents* events);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // The handle of topic `name`, created on first use. nullptr once kMaxTopics distinct
  // topics are known: names that come from the data must not grow memory without bound.
  rd_kafka_topic_t* topic(std::string_view name);
  static constexpr size_t kMaxTopics = 10'000;

  // Blocks until a delivery report frees room in librdkafka's queue, or 100 ms.
  void wait_for_room();
  // Sends what lingers in librdkafka's queue now rather than after linger.ms.
  void send_now() noexcept;
  rd_kafka_t* handle() const noexcept { return rk_; }

  // Checks that librdkafka accepts `conf` as a whole (acks with idempotence, TLS files,
  // SASL mechanisms) without starting a producer that would connect. Throws ConfigError.
  static void check(const rd_kafka_conf_t* conf);

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text);
  void poll_loop();

  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  Host host_;
  ProducerEvents* events_;
  rd_kafka_t* rk_ = nullptr;
  std::unordered_map<std::string, rd_kafka_topic_t*, NameHash, std::equal_to<>> topics_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> waiting_for_room_{false};
  std::mutex room_mutex_;
  std::condition_variable room_;
  std::atomic<uint64_t> errors_{0};
  std::thread poller_;
};

}  // namespace logagent::plugins::kafka
