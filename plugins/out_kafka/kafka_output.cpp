// The "kafka" output: produces each event as one Kafka message with librdkafka and completes
// a batch only when every message of it has a successful delivery report.
//
// Nothing is copied per message on the way to librdkafka: raw values and keys point into the
// batch, JSON values into the batch's delivery record, and both live until the last report
// (the host keeps a batch unchanged until its token is completed). A message that fails
// for a reason a retry can cure makes its batch RETRY, and the engine hands it over again;
// librdkafka's message.timeout.ms expiring during a long outage is such a reason, so it
// delays delivery and never loses it.
#include "delivery.hpp"
#include "kafka_options.hpp"
#include "producer.hpp"

#include <logagent/event_json.hpp>
#include <logagent/plugin.hpp>

#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace logagent::plugins::kafka {
namespace {

bool worth_logging(uint64_t n) noexcept { return (n & (n - 1)) == 0; }

// A scalar field as message bytes: strings as they are, other scalars as text in `scratch`.
// Returns false for a missing field, null, map or array.
bool field_bytes(const FieldView& field, char (&scratch)[32], std::string_view* out) noexcept {
  const Value& v = field.value;
  switch (v.type()) {
    case LOGAGENT_VALUE_STRING:
      *out = v.as_string();
      return true;
    case LOGAGENT_VALUE_INT: {
      auto r = std::to_chars(scratch, scratch + sizeof scratch, v.as_int());
      *out = std::string_view(scratch, static_cast<size_t>(r.ptr - scratch));
      return true;
    }
    case LOGAGENT_VALUE_FLOAT: {
      auto r = std::to_chars(scratch, scratch + sizeof scratch, v.as_float());
      *out = std::string_view(scratch, static_cast<size_t>(r.ptr - scratch));
      return true;
    }
    case LOGAGENT_VALUE_BOOL:
      *out = v.as_bool() ? "true" : "false";
      return true;
    default:
      return false;
  }
}

struct Header {
  std::string name;
  logagent_key field;
};

class KafkaOutput final : public Output, private ProducerEvents {
 public:
  KafkaOutput(Host host, const Config& config)
      : host_(host),
        options_(read_options(config)),
        message_key_(host.intern("message")),
        topic_key_(options_.topic_field.empty() ? LOGAGENT_NO_KEY : host.intern(options_.topic_field)),
        key_key_(options_.key_field.empty() ? LOGAGENT_NO_KEY : host.intern(options_.key_field)),
        json_(host.intern("@timestamp")),
        delivered_(host.counter("messages")),
        failed_(host.counter("failed")),
        retried_(host.counter("retried")),
        queue_full_waits_(host.counter("queue_full_waits")) {
    for (const auto& [name, field] : options_.headers) headers_.push_back({name, host.intern(field)});
    // `logagent check` creates the instance too: librdkafka judges the configuration here,
    // but the producer, which connects, starts with the first batch.
    try {
      Producer::check(options_.conf.get());
    } catch (const ConfigError& e) {
      // librdkafka judges the properties together ("ssl.ca.location failed: ..."): point at
      // the one its message names, when the rdkafka table has it.
      const std::string_view text = e.what();
      for (const std::string& name : options_.passthrough) {
        if (text.find(name) != std::string_view::npos) throw OptionError("rdkafka." + name, e.what());
      }
      throw;
    }
  }

  Status write(const BatchView& batch, logagent_token* token) override {
    if (!start_producer()) return Status::Error();
    Delivery* d = pool_.take();
    d->reset(token);
    build_messages(batch, *d);
    d->start(static_cast<uint32_t>(d->messages.size()));
    if (headers_.empty() && options_.topic_field.empty()) {
      produce_together(*d);
    } else {
      produce_each(batch, *d);
    }
    release(*d, 1);  // the writer's hold
    return Status::Pending();
  }

  Status flush() override {
    if (producer_ != nullptr) producer_->send_now();
    return Status::Ok();
  }

 private:
  // False once the output cannot work (reported through host->fatal): batches then fail at once.
  bool start_producer() {
    if (broken_.load(std::memory_order_acquire)) return false;
    if (producer_ != nullptr) return true;
    try {
      producer_ = std::make_unique<Producer>(host_, std::move(options_.conf), static_cast<ProducerEvents*>(this));
      default_topic_ = producer_->topic(options_.topic);
      if (default_topic_ == nullptr)
        throw ConfigError("cannot use topic \"" + options_.topic + "\": " + rd_kafka_err2str(rd_kafka_last_error()));
      return true;
    } catch (const std::exception& e) {
      failed_for_good(e.what());
      return false;
    }
  }

  // Fills d.messages with one message per live event: value, key, topic (in `rkt`), and
  // the event's index (in `offset`, which librdkafka does not read on produce).
  void build_messages(const BatchView& batch, Delivery& d) {
    const uint32_t count = batch.size();
    d.messages.reserve(count);
    d.keys.reserve(static_cast<size_t>(count) * 32);  // never reallocates: key pointers stay valid
    std::vector<size_t>& value_at = value_offsets_;
    value_at.clear();
    for (uint32_t event = 0; event < count; ++event) {
      if (batch.dropped(event)) continue;
      rd_kafka_message_t m{};
      m.rkt = topic_of(batch, event);
      m.partition = options_.partition;
      m.offset = event;
      m._private = &d;
      if (options_.format == ValueFormat::raw) {
        std::string_view value = batch.get_string(event, message_key_);
        if (value.data() == nullptr) value = "";      // an empty value, not a null one
        m.payload = const_cast<char*>(value.data());  // librdkafka only reads it (no F_FREE)
        m.len = value.size();
      } else {
        value_at.push_back(d.values.size());
        json_.append_line(d.values, batch, event);
        d.values.pop_back();  // the newline ends a line on stdout, not a message
      }
      if (key_key_ != LOGAGENT_NO_KEY) set_key(batch, event, d, m);
      d.messages.push_back(m);
    }
    if (options_.format == ValueFormat::json) {
      // The buffer is whole now: point each message at its part of it.
      for (size_t i = 0; i < d.messages.size(); ++i) {
        const size_t end = i + 1 < d.messages.size() ? value_at[i + 1] : d.values.size();
        d.messages[i].payload = d.values.data() + value_at[i];
        d.messages[i].len = end - value_at[i];
      }
    }
  }

  void set_key(const BatchView& batch, uint32_t event, Delivery& d, rd_kafka_message_t& m) {
    const logagent_field f = batch.find(event, key_key_);
    if (f == LOGAGENT_NO_FIELD) return;
    char scratch[32];
    std::string_view key;
    if (!field_bytes(batch.read(f), scratch, &key)) return;
    if (key.data() == scratch) {
      const size_t at = d.keys.size();
      d.keys.append(key);
      key = std::string_view(d.keys.data() + at, key.size());
    }
    m.key = const_cast<char*>(key.data());
    m.key_len = key.size();
  }

  rd_kafka_topic_t* topic_of(const BatchView& batch, uint32_t event) {
    if (topic_key_ == LOGAGENT_NO_KEY) return default_topic_;
    const std::string_view name = batch.get_string(event, topic_key_);
    if (name.empty()) return default_topic_;
    rd_kafka_topic_t* rkt = producer_->topic(name);
    if (rkt != nullptr) return rkt;
    if (!warned_topics_) {
      warned_topics_ = true;
      host_.warn("topic_field named more than 10,000 distinct topics; events naming further ones go to \"" +
                 options_.topic + "\"");
    }
    return default_topic_;
  }

  // One topic, no headers: the whole batch in one call (one lock per partition queue).
  void produce_together(Delivery& d) {
    const int flags = options_.partition == RD_KAFKA_PARTITION_UA ? 0 : RD_KAFKA_MSG_F_PARTITION;
    size_t first = 0;
    while (first < d.messages.size()) {
      rd_kafka_message_t* begin = d.messages.data() + first;
      const int n = static_cast<int>(d.messages.size() - first);
      for (int i = 0; i < n; ++i) begin[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
      const int queued = rd_kafka_produce_batch(default_topic_, options_.partition, flags, begin, n);
      if (queued == n) return;
      // Keep the ones refused for lack of room, in order, at the front of what is left.
      size_t kept = first;
      for (int i = 0; i < n; ++i) {
        if (begin[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        if (begin[i].err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          d.messages[kept++] = begin[i];
        } else {
          refused(d, begin[i]);
        }
      }
      if (kept == first) return;
      d.messages.resize(kept);
      wait_for_room();
    }
  }

  // Per message: topics from the data, headers from fields. produceva rather than the
  // producev macros, which are GNU statement expressions.
  void produce_each(const BatchView& batch, Delivery& d) {
    for (rd_kafka_message_t& m : d.messages) {
      const size_t count = describe(batch, m, &d);
      for (;;) {
        rd_kafka_error_t* error = rd_kafka_produceva(producer_->handle(), produce_args_.data(), count);
        if (error == nullptr) break;
        const rd_kafka_resp_err_t err = rd_kafka_error_code(error);
        rd_kafka_error_destroy(error);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          m.err = err;
          refused(d, m);
          break;
        }
        wait_for_room();
      }
    }
  }

  // Fills produce_args_ for message m; returns how many. Header values are copied by
  // librdkafka during the call, so their text may live in scratch space until it returns.
  size_t describe(const BatchView& batch, const rd_kafka_message_t& m, Delivery* d) {
    produce_args_.resize(5 + headers_.size());
    header_text_.resize(headers_.size());
    rd_kafka_vu_t* arg = produce_args_.data();
    arg->vtype = RD_KAFKA_VTYPE_RKT;
    (arg++)->u.rkt = m.rkt;
    arg->vtype = RD_KAFKA_VTYPE_PARTITION;
    (arg++)->u.i32 = m.partition;
    arg->vtype = RD_KAFKA_VTYPE_VALUE;
    arg->u.mem.ptr = m.payload;
    (arg++)->u.mem.size = m.len;
    arg->vtype = RD_KAFKA_VTYPE_KEY;
    arg->u.mem.ptr = m.key;
    (arg++)->u.mem.size = m.key_len;
    arg->vtype = RD_KAFKA_VTYPE_OPAQUE;
    (arg++)->u.ptr = d;
    const auto event = static_cast<uint32_t>(m.offset);
    for (size_t i = 0; i < headers_.size(); ++i) {
      const logagent_field f = batch.find(event, headers_[i].field);
      std::string_view value;
      if (f == LOGAGENT_NO_FIELD || !field_bytes(batch.read(f), header_text_[i].text, &value)) continue;
      arg->vtype = RD_KAFKA_VTYPE_HEADER;
      arg->u.header.name = headers_[i].name.c_str();
      arg->u.header.val = value.data();
      (arg++)->u.header.size = static_cast<ssize_t>(value.size());
    }
    return static_cast<size_t>(arg - produce_args_.data());
  }

  void wait_for_room() {
    host_.add(queue_full_waits_, 1);
    producer_->send_now();
    producer_->wait_for_room();
  }

  // A message librdkafka would not queue: it gets no report, so it is accounted for here.
  void refused(Delivery& d, const rd_kafka_message_t& m) {
    note_failure(d, m);
    release(d, 1);
  }

  void delivered(const rd_kafka_message_t& m) noexcept override {
    auto* d = static_cast<Delivery*>(m._private);
    if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR) note_failure(*d, m);
    release(*d, 1);
  }

  void note_failure(Delivery& d, const rd_kafka_message_t& m) noexcept {
    const char* topic = m.rkt != nullptr ? rd_kafka_topic_name(m.rkt) : options_.topic.c_str();
    if (classify(m.err) == Failure::permanent) {
      d.permanent.fetch_add(1, std::memory_order_relaxed);
      const uint64_t n = permanent_.fetch_add(1, std::memory_order_relaxed) + 1;
      if (worth_logging(n))
        host_.error("a message of " + std::to_string(m.len) + " bytes for topic \"" + topic +
                    "\" cannot be delivered: " + rd_kafka_err2str(m.err) + " (" + std::to_string(n) +
                    " so far; its batch fails)");
    } else {
      d.retriable.fetch_add(1, std::memory_order_relaxed);
      const uint64_t n = retriable_.fetch_add(1, std::memory_order_relaxed) + 1;
      if (worth_logging(n))
        host_.warn(std::string("a message for topic \"") + topic + "\" was not delivered: " + rd_kafka_err2str(m.err) +
                   "; its batch will be sent again (" + std::to_string(n) + " so far)");
    }
  }

  // Drops `n` holds on the record; the last one completes the batch.
  void release(Delivery& d, uint32_t n) noexcept {
    if (d.outstanding.fetch_sub(n, std::memory_order_acq_rel) != n) return;
    const uint32_t total = d.total;
    const uint32_t permanent = d.permanent.load(std::memory_order_acquire);
    const uint32_t retriable = d.retriable.load(std::memory_order_acquire);
    const Status status = broken_.load(std::memory_order_acquire) ? Status::Error() : d.outcome();
    logagent_token* token = d.token;
    pool_.give_back(&d);
    host_.add(delivered_, total - permanent - retriable);
    if (permanent != 0) host_.add(failed_, permanent);
    if (retriable != 0) host_.add(retried_, retriable);
    host_.complete(token, status);
  }

  void failed_for_good(const std::string& reason) noexcept override {
    broken_.store(true, std::memory_order_release);
    host_.fatal(reason);
  }

  Host host_;
  KafkaOptions options_;
  logagent_key message_key_;
  logagent_key topic_key_;
  logagent_key key_key_;
  std::vector<Header> headers_;
  EventJsonEncoder json_;
  logagent_counter* delivered_;
  logagent_counter* failed_;
  logagent_counter* retried_;
  logagent_counter* queue_full_waits_;
  std::atomic<uint64_t> permanent_{0};
  std::atomic<uint64_t> retriable_{0};
  std::vector<size_t> value_offsets_;
  struct HeaderText {
    char text[32];
  };
  std::vector<rd_kafka_vu_t> produce_args_;  // one message's arguments, reused
  std::vector<HeaderText> header_text_;      // numbers written as header values, per header
  bool warned_topics_ = false;
  std::atomic<bool> broken_{false};
  DeliveryPool pool_;
  // Last: destroyed first, so that its threads stop before what their callbacks use goes.
  std::unique_ptr<Producer> producer_;
  rd_kafka_topic_t* default_topic_ = nullptr;
};

}  // namespace
}  // namespace logagent::plugins::kafka

LOGAGENT_OUTPUT_PLUGIN(logagent::plugins::kafka::KafkaOutput, "kafka", "1.0.0",
                       "Produces events to Kafka with librdkafka; a batch is delivered when every message is",
                       logagent::plugins::kafka::kOptions)
