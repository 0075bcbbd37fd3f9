// What the syslog input's datagram and stream receivers share: counters, the clock, the batch in hand.
#pragma once

#include <logagent/clock.hpp>
#include <logagent/plugin.hpp>

#include <cstdint>

#include "syslog_event_writer.hpp"

namespace logagent::plugins::syslog_input {

// The instance's counters (reported at shutdown). Added once per read, not per message.
struct SyslogCounters {
  explicit SyslogCounters(Host host)
      : messages(host.counter("messages")),
        bytes(host.counter("bytes")),
        truncated(host.counter("truncated")),
        discarded_bytes(host.counter("discarded_bytes")),
        parse_errors(host.counter("parse_errors")),
        dropped(host.counter("dropped")),
        kernel_dropped(host.counter("kernel_dropped")),
        connections(host.counter("connections")),
        refused_connections(host.counter("refused_connections")),
        idle_closed(host.counter("idle_closed")),
        unread_bytes(host.counter("unread_bytes")) {}
  logagent_counter* messages;
  logagent_counter* bytes;
  logagent_counter* truncated;
  logagent_counter* discarded_bytes;  // the parts of over-long messages beyond max_message_size
  logagent_counter* parse_errors;
  logagent_counter* dropped;         // datagrams lost because the pipeline was full
  logagent_counter* kernel_dropped;  // datagrams the kernel dropped before they were read
  logagent_counter* connections;
  logagent_counter* refused_connections;
  logagent_counter* idle_closed;
  logagent_counter* unread_bytes;  // received by the kernel, not read when the input stopped
};

using logagent::monotonic_ns;
using logagent::realtime_ns;

// The batch a receiver fills, taken when the first message arrives, and the tallies that
// go to the counters with it. `serial` changes with every batch, so text copied into one
// (a peer's address) is known to be there.
class BatchInHand {
 public:
  BatchInHand(Host host, SyslogEventWriter& writer, const SyslogCounters& counters) noexcept
      : host_(host), writer_(writer), counters_(counters) {}
  ~BatchInHand() {
    if (batch_ != nullptr) host_.discard(batch_);
  }
  BatchInHand(const BatchInHand&) = delete;
  BatchInHand& operator=(const BatchInHand&) = delete;

  Batch get() {
    if (batch_ == nullptr) {
      batch_ = host_.new_batch();
      ++serial_;
      writer_.start_batch();
    }
    return Batch{host_.raw(), batch_};
  }
  bool empty() const noexcept { return batch_ == nullptr; }
  bool full() const noexcept { return batch_ != nullptr && host_.raw()->batch_full(batch_) != 0; }
  uint64_t serial() const noexcept { return serial_; }

  // Appends the event for one message (in the batch's memory) and tallies it.
  void write(std::string_view text, const Receipt& receipt) {
    Batch batch = get();
    ++messages_;
    bytes_ += text.size();
    if (receipt.truncated) ++truncated_;
    if (!writer_.write(batch, text, receipt)) ++parse_errors_;
  }

  // Blocking hand-over (streams: the sender waits while the pipeline is full). False when
  // the agent is aborting.
  bool emit() {
    if (batch_ == nullptr) return true;
    count();
    logagent_batch* b = batch_;
    batch_ = nullptr;
    return host_.emit(b).ok();
  }
  // Non-blocking hand-over. Retry leaves the batch in hand.
  Status try_emit() {
    if (batch_ == nullptr) return Status::Ok();
    const Status s = host_.try_emit(batch_);
    if (s != Status::Retry()) {
      batch_ = nullptr;
      count();
    }
    return s;
  }
  // Gives up the batch in hand (datagrams, when the pipeline stayed full): counted as
  // dropped. Returns how many messages it held.
  uint64_t drop() {
    if (batch_ == nullptr) return 0;
    const uint64_t dropped = messages_;
    host_.add(counters_.dropped, dropped);
    messages_ = bytes_ = truncated_ = parse_errors_ = 0;
    host_.discard(batch_);
    batch_ = nullptr;
    return dropped;
  }

 private:
  void count() noexcept {
    if (messages_ != 0) host_.add(counters_.messages, messages_);
    if (bytes_ != 0) host_.add(counters_.bytes, bytes_);
    if (truncated_ != 0) host_.add(counters_.truncated, truncated_);
    if (parse_errors_ != 0) host_.add(counters_.parse_errors, parse_errors_);
    messages_ = bytes_ = truncated_ = parse_errors_ = 0;
  }

  Host host_;
  SyslogEventWriter& writer_;
  const SyslogCounters& counters_;
  logagent_batch* batch_ = nullptr;
  uint64_t serial_ = 0;
  uint64_t messages_ = 0, bytes_ = 0, truncated_ = 0, parse_errors_ = 0;
};

}  // namespace logagent::plugins::syslog_input
