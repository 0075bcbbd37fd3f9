// Test output "fixture_ack": records every write call and answers ok/retry/error on a schedule,
// directly or later through host.complete, so tests can observe acknowledgement and retries.
#include <logagent/plugin.hpp>

#include "fixture_io.hpp"

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using logagent::Status;
using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC in libstdc++, like the record

const logagent_option kOptions[] = {
    logagent::option("record_path", LOGAGENT_OPTION_STRING)
        .required()
        .doc("File that gets one line per event per write call: <call>\\t<status>\\t<monotonic_ns>\\t<message>")
        .example("\"/tmp/fixture_ack.tsv\""),
    logagent::option("retry_every", LOGAGENT_OPTION_INT)
        .defaults("0")
        .doc("Write calls whose number (from 1) is divisible by this answer RETRY; 0 means never")
        .example("3"),
    logagent::option("error_every", LOGAGENT_OPTION_INT)
        .defaults("0")
        .doc("Otherwise, write calls whose number is divisible by this answer ERROR (permanent); 0 means never")
        .example("5"),
    logagent::option("complete_delay", LOGAGENT_OPTION_DURATION)
        .defaults("0s")
        .doc("Above zero: answer PENDING and complete each call after this delay, in call order")
        .example("\"100ms\""),
    logagent::option("retry_once_call", LOGAGENT_OPTION_INT)
        .defaults("0")
        .doc("Write call (from 1) that answers RETRY once; its batch's next attempt is answered as usual")
        .example("10"),
    logagent::option("retry_for", LOGAGENT_OPTION_DURATION)
        .defaults("0s")
        .doc("Every write call answers RETRY until this long after the first call, then as usual")
        .example("\"8s\""),
    logagent::option("hold_until_flush", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Answer PENDING and complete the held tokens (OK) only in output_flush, like an output that batches")
        .example("true"),
    logagent::option("fatal_at_call", LOGAGENT_OPTION_INT)
        .defaults("0")
        .doc("From this write call on (from 1), answer ERROR; at that call also report host->fatal once")
        .example("3"),
};

const char* word(Status status) noexcept {
  if (status == Status::Retry()) return "retry";
  if (status == Status::Error()) return "error";
  return "ok";
}

class AckOutput final : public logagent::Output {
 public:
  AckOutput(logagent::Host host, const logagent::Config& config)
      : host_(host),
        message_(host.intern("message")),
        retry_every_(config.get_int("retry_every")),
        error_every_(config.get_int("error_every")),
        delay_(config.get_duration_ns("complete_delay")),
        retry_once_call_(static_cast<uint64_t>(config.get_int("retry_once_call"))),
        retry_for_ns_(config.get_duration_ns("retry_for")),
        hold_until_flush_(config.get_bool("hold_until_flush")),
        fatal_at_call_(static_cast<uint64_t>(config.get_int("fatal_at_call"))) {
    if (retry_every_ < 0) throw logagent::ConfigError("retry_every must be 0 (never) or positive");
    if (error_every_ < 0) throw logagent::ConfigError("error_every must be 0 (never) or positive");
    if (delay_.count() < 0) throw logagent::ConfigError("complete_delay must not be negative");
    const std::string path = config.get_string("record_path");
    if (path.empty()) throw logagent::ConfigError("record_path must not be empty");
    record_ = fixture::open_for_append(path);
    if (!record_.valid()) {
      const int err = errno;  // before building the message, which may allocate
      throw logagent::ConfigError("cannot open record_path '" + path + "': " + std::strerror(err));
    }
    // Started last: once the thread runs, a throw would have to join it first.
    if (delay_.count() > 0) completer_ = std::thread([this] { complete_loop(); });
  }

  ~AckOutput() override {
    if (!completer_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    // The thread completes whatever is still queued before it exits: a token must be
    // completed exactly once, and never after its instance is gone.
    completer_.join();
  }

  Status write(const logagent::BatchView& batch, logagent_token* token) override {
    // write is never called concurrently for one instance, so a plain counter is enough.
    const uint64_t call = ++calls_;
    const int64_t now_ns = fixture::clock_ns(CLOCK_MONOTONIC);
    if (first_call_ns_ == 0) first_call_ns_ = now_ns;
    Status status = decide(call);
    if (retry_for_ns_ > 0 && now_ns - first_call_ns_ < retry_for_ns_) status = Status::Retry();
    if (fatal_at_call_ != 0 && call >= fatal_at_call_) {
      if (call == fatal_at_call_) host_.fatal("fixture_ack was told to fail for good");
      status = Status::Error();
    }

    // snprintf rather than std::to_string/to_chars: those instantiate libstdc++ templates with
    // default visibility, which would add exported (and GNU-unique) symbols to the library.
    char prefix[64];
    const int prefix_len =
        std::snprintf(prefix, sizeof prefix, "%" PRIu64 "\t%s\t%" PRId64 "\t", call, word(status), now_ns);
    std::string lines;
    for (uint32_t i = 0, n = batch.size(); i < n; ++i) {
      if (batch.dropped(i)) continue;
      lines.append(prefix, static_cast<size_t>(prefix_len));
      lines += batch.get_string(i, message_);
      lines += '\n';
    }
    // Written before the status is handed back, so a test that sees a delivery already
    // sees its lines; there is no user-space buffer to flush.
    if (int err = fixture::append_record(record_.get(), lines); err != 0)
      throw std::runtime_error(std::string("fixture_ack cannot append to record_path: ") + std::strerror(err));

    if (hold_until_flush_ && status == Status::Ok()) {
      held_.push_back(token);  // write and flush run on one thread: no lock needed
      return Status::Pending();
    }
    if (delay_.count() == 0) return status;
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(Deferred{token, status, Clock::now() + delay_});
    }
    wake_.notify_one();
    return Status::Pending();
  }

  Status flush() override {
    if (!hold_until_flush_) return Status::Ok();
    // Records the flush as a line of its own, so tests see it came after the writes.
    char line[64];
    const int len = std::snprintf(line, sizeof line, "0\tflush\t%" PRId64 "\t%zu\n", fixture::clock_ns(CLOCK_MONOTONIC),
                                  held_.size());
    fixture::append_record(record_.get(), std::string_view(line, static_cast<size_t>(len)));
    for (logagent_token* token : held_) host_.complete(token, Status::Ok());
    held_.clear();
    return Status::Ok();
  }

 private:
  struct Deferred {
    logagent_token* token;
    Status status;
    Clock::time_point due;
  };

  Status decide(uint64_t call) const noexcept {
    if (retry_once_call_ != 0 && call == retry_once_call_) return Status::Retry();
    if (retry_every_ > 0 && call % static_cast<uint64_t>(retry_every_) == 0) return Status::Retry();
    if (error_every_ > 0 && call % static_cast<uint64_t>(error_every_) == 0) return Status::Error();
    return Status::Ok();
  }

  // One thread, one queue: the delay is the same for every call, so due times are in call
  // order and completing from the front keeps completions FIFO.
  void complete_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (queue_.empty()) {
        if (stopping_) return;
        wake_.wait(lock);
        continue;
      }
      // When stopping, outstanding tokens are completed at once rather than after their delay.
      if (!stopping_ && Clock::now() < queue_.front().due) {
        wake_.wait_until(lock, queue_.front().due);
        continue;
      }
      const Deferred next = queue_.front();
      queue_.pop_front();
      // Unlocked: the host may do real work in complete (merge statuses, ack the input).
      lock.unlock();
      host_.complete(next.token, next.status);
      lock.lock();
    }
  }

  logagent::Host host_;
  logagent_key message_;
  int64_t retry_every_;
  int64_t error_every_;
  std::chrono::nanoseconds delay_;
  uint64_t retry_once_call_;
  int64_t retry_for_ns_;
  bool hold_until_flush_;
  uint64_t fatal_at_call_;
  fixture::UniqueFd record_;
  uint64_t calls_ = 0;
  int64_t first_call_ns_ = 0;
  std::vector<logagent_token*> held_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Deferred> queue_;
  bool stopping_ = false;
  std::thread completer_;  // declared last: it starts only after everything it uses exists
};

}  // namespace

LOGAGENT_OUTPUT_PLUGIN(AckOutput, "fixture_ack", "1.0.0",
                       "Test output: records each write call and answers ok/retry/error on a schedule", kOptions)
