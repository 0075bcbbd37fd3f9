// The librdkafka producer of the kafka output (see producer.hpp).
#include "producer.hpp"

#include <chrono>

namespace logagent::plugins::kafka {
namespace {

// The 1st, 2nd, 4th, 8th... occurrence: visible without flooding the log in an outage.
bool worth_logging(uint64_t n) noexcept { return (n & (n - 1)) == 0; }

// librdkafka logs with syslog levels. Its warnings and errors (a broker refusing
// connections) are the agent's warnings: the outcome that matters is reported per batch.
logagent_log_level agent_level(int syslog_level) noexcept {
  if (syslog_level <= 4) return LOGAGENT_LOG_WARN;
  if (syslog_level <= 6) return LOGAGENT_LOG_INFO;
  return LOGAGENT_LOG_DEBUG;
}

}  // namespace

Producer::Producer(Host host, ConfPtr conf, ProducerEvents* events) : host_(host), events_(events) {
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::on_delivery);
  rd_kafka_conf_set_error_cb(conf.get(), &Producer::on_error);
  rd_kafka_conf_set_log_cb(conf.get(), &Producer::on_log);
  char error[512] = "";
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error);
  if (rk_ == nullptr) throw ConfigError(std::string("cannot start the producer: ") + error);
  (void)conf.release();  // rd_kafka_new took it
  poller_ = std::thread([this] { poll_loop(); });
}

Producer::~Producer() {
  stopping_.store(true, std::memory_order_release);
  rd_kafka_yield(rk_);  // the poll in progress returns now, not at the end of its 100 ms
  if (poller_.joinable()) poller_.join();
  for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
  // Every batch was completed before the output is destroyed: nothing is left to send.
  rd_kafka_destroy(rk_);
}

void Producer::check(const rd_kafka_conf_t* conf) {
  rd_kafka_conf_t* probe = rd_kafka_conf_dup(conf);
  char error[512] = "";
  // Without brokers the probe never connects. Its log goes nowhere: what it would say
  // (the configuration, with `debug` set) the producer says again when it starts.
  if (rd_kafka_conf_set(probe, "bootstrap.servers", "", error, sizeof error) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(probe);
    throw ConfigError(error);
  }
  rd_kafka_conf_set_log_cb(probe, [](const rd_kafka_t*, int, const char*, const char*) {});
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, probe, error, sizeof error);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(probe);
    throw ConfigError(std::string("librdkafka refused the configuration: ") + error);
  }
  rd_kafka_destroy(rk);
}

rd_kafka_topic_t* Producer::topic(std::string_view name) {
  if (auto it = topics_.find(name); it != topics_.end()) return it->second;
  if (topics_.size() >= kMaxTopics) return nullptr;
  std::string key(name);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, key.c_str(), nullptr);
  if (rkt == nullptr) return nullptr;
  topics_.emplace(std::move(key), rkt);
  return rkt;
}

void Producer::wait_for_room() {
  std::unique_lock lock(room_mutex_);
  waiting_for_room_.store(true, std::memory_order_seq_cst);
  room_.wait_for(lock, std::chrono::milliseconds(100));
  waiting_for_room_.store(false, std::memory_order_relaxed);
}

void Producer::send_now() noexcept { rd_kafka_flush(rk_, 0); }

void Producer::poll_loop() {
  while (!stopping_.load(std::memory_order_acquire)) rd_kafka_poll(rk_, 100);
  rd_kafka_poll(rk_, 0);
}

void Producer::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  self->events_->delivered(*message);
  // A report is room in the queue: wake a writer that waits for it (one flag read per report).
  if (self->waiting_for_room_.load(std::memory_order_seq_cst)) {
    std::lock_guard lock(self->room_mutex_);
    self->room_.notify_all();
  }
}

void Producer::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char text[512] = "";
    rd_kafka_fatal_error(rk, text, sizeof text);
    self->events_->failed_for_good(std::string("the producer failed for good: ") + text);
    return;
  }
  const uint64_t n = self->errors_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (!worth_logging(n)) return;
  std::string message = reason;
  message += " (";
  message += rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err));
  message += "; ";
  message += std::to_string(n);
  message += n == 1 ? " error so far; messages wait and are retried)" : " errors so far)";
  self->host_.warn(message);
}

void Producer::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  auto* self = static_cast<Producer*>(rd_kafka_opaque(rk));
  std::string message = "librdkafka ";
  message += facility;
  message += ": ";
  message += text;
  self->host_.log(agent_level(level), message);
}

}  // namespace logagent::plugins::kafka
