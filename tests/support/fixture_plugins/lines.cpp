// Test input "fixture_lines": emits `count` events "line-1".."line-N" in fixed-size batches and
// records every acknowledgement, so tests can check delivery end to end and early stop.
#include <logagent/ack_tracker.hpp>
#include <logagent/plugin.hpp>

#include "fixture_io.hpp"

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using logagent::Status;

const logagent_option kOptions[] = {
    logagent::option("count", LOGAGENT_OPTION_INT)
        .required()
        .doc("Number of events to emit; their messages are line-1 .. line-<count>")
        .example("1000"),
    logagent::option("per_batch", LOGAGENT_OPTION_INT)
        .defaults("100")
        .doc("Events per emitted batch (the last batch may hold fewer)")
        .example("50"),
    logagent::option("ack_path", LOGAGENT_OPTION_STRING)
        .doc("File that gets one line per acknowledged batch: <cookie>\\t<ok|error>; cookies number batches from 1")
        .example("\"/tmp/fixture_lines_acks.tsv\""),
    logagent::option("ignore_stop", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("After emitting, never return from run, whatever stop says: a misbehaving input")
        .example("true"),
    logagent::option("threads", LOGAGENT_OPTION_INT)
        .defaults("1")
        .min("1")
        .max("64")
        .doc("Threads emitting at once; batch k (its cookie, from 1) goes to whichever thread takes it")
        .example("4"),
    logagent::option("lock_in_emit_and_ack", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Hold one lock around every emit and take the same lock in ack, as an input keeping positions may")
        .example("true"),
    logagent::option("use_try_emit", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Emit with try_emit; on RETRY count queue_full, wait 1 ms and try the same batch again")
        .example("true"),
    logagent::option("resume", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Keep a checkpoint (the SDK's ack tracker, the host's state store) and resume after the last line "
             "every batch up to which was acknowledged; needs threads = 1")
        .example("true"),
};

class LinesInput final : public logagent::Input {
 public:
  LinesInput(logagent::Host host, const logagent::Config& config)
      : host_(host),
        message_(host.intern("message")),
        count_(config.get_int("count")),
        per_batch_(config.get_int("per_batch", 100)),
        ignore_stop_(config.get_bool("ignore_stop", false)),
        threads_(config.get_int("threads", 1)),
        lock_in_emit_and_ack_(config.get_bool("lock_in_emit_and_ack")),
        use_try_emit_(config.get_bool("use_try_emit")),
        queue_full_(host.counter("queue_full")),
        resume_(config.get_bool("resume")) {
    if (resume_ && threads_ != 1) throw logagent::OptionError("resume", "resume needs threads = 1");
    if (resume_) {
      host.state_dir();  // throws when the folder cannot be used: create fails, as it should
      // The checkpoint is "<last line acknowledged>"; a missing one means from the start.
      int64_t last_acknowledged = 0;
      for (char c : host.load_state()) last_acknowledged = last_acknowledged * 10 + (c - '0');
      first_line_ = last_acknowledged + 1;
      tracker_.start(0, static_cast<uint64_t>(first_line_ - 1));
    }
    if (count_ < 0) throw logagent::ConfigError("count must not be negative");
    if (per_batch_ < 1) throw logagent::ConfigError("per_batch must be at least 1");
    if (config.has("ack_path")) {
      const std::string path = config.get_string("ack_path");
      acks_ = fixture::open_for_append(path);
      if (!acks_.valid()) {
        const int err = errno;  // before building the message, which may allocate
        throw logagent::ConfigError("cannot open ack_path '" + path + "': " + std::strerror(err));
      }
    }
  }

  Status run() override {
    std::atomic<int64_t> next{1};          // the next batch number, taken by whichever thread is free
    const int64_t skip = first_line_ - 1;  // lines before it were delivered by an earlier run
    auto emit_batches = [&] {
      // snprintf rather than std::to_chars: that instantiates libstdc++ templates with default
      // visibility, which would add exported (and GNU-unique) symbols to the library.
      char text[32];
      while (true) {
        // Checked per batch: tests stop the agent mid-stream and expect the input to notice.
        if (stop_.load(std::memory_order_relaxed) || host_.should_stop()) return;
        const int64_t number = next.fetch_add(1);
        if (number > (count_ - skip + per_batch_ - 1) / per_batch_) return;
        logagent::Batch batch{host_.raw(), host_.new_batch()};
        // Exactly per_batch events (not batch_full) so a test can predict batch numbers.
        const int64_t last = std::min(skip + number * per_batch_, count_);
        for (int64_t n = skip + (number - 1) * per_batch_ + 1; n <= last; ++n) {
          const uint32_t event = batch.append(fixture::clock_ns(CLOCK_REALTIME));
          const int len = std::snprintf(text, sizeof text, "line-%" PRId64, n);
          batch.set(event, message_, logagent::Value::string(std::string_view(text, static_cast<size_t>(len))));
        }
        if (resume_) {
          std::lock_guard lock(tracker_mutex_);  // before emit: the ack may come first
          tracker_.record(static_cast<uint64_t>(number), 0, static_cast<uint64_t>(last));
        }
        // ERROR means the agent is aborting and discarded the batch: nothing more to do.
        if (!emit(batch.raw_mut(), static_cast<uint64_t>(number))) return;
      }
    };
    std::vector<std::thread> others;
    for (int64_t t = 1; t < threads_; ++t) others.emplace_back(emit_batches);
    emit_batches();
    for (auto& t : others) t.join();
    while (ignore_stop_) ::sleep(1);
    return Status::Ok();
  }

  // False when the agent is aborting.
  bool emit(logagent_batch* batch, uint64_t cookie) {
    std::unique_lock lock(lock_, std::defer_lock);
    if (lock_in_emit_and_ack_) lock.lock();
    if (!use_try_emit_) return host_.emit(batch, cookie).ok();
    while (true) {
      const Status status = host_.try_emit(batch, cookie);
      if (status != Status::Retry()) return status.ok();
      host_.add(queue_full_, 1);  // the batch is still ours: keep it and try again
      ::usleep(1000);
    }
  }

  void stop() noexcept override { stop_.store(true, std::memory_order_relaxed); }

  void ack(uint64_t cookie, Status status) noexcept override {
    std::unique_lock lock(lock_, std::defer_lock);
    if (lock_in_emit_and_ack_) lock.lock();  // the emit path holds it while blocked for room
    if (resume_) {
      std::lock_guard guard(tracker_mutex_);
      for (const auto& checkpoint : tracker_.ack(cookie)) {
        char text[24];
        const int len = std::snprintf(text, sizeof text, "%" PRIu64, checkpoint.position);
        host_.save_state(std::string_view(text, static_cast<size_t>(len)));
      }
    }
    if (!acks_.valid()) return;
    // No allocation: ack is noexcept and may run on any host thread.
    char line[40];
    const int len = std::snprintf(line, sizeof line, "%" PRIu64 "\t%s\n", cookie, status.ok() ? "ok" : "error");
    if (fixture::append_record(acks_.get(), std::string_view(line, static_cast<size_t>(len))) != 0)
      host_.warn(std::string_view("fixture_lines cannot append to ack_path"));
  }

 private:
  logagent::Host host_;
  logagent_key message_;
  int64_t count_;
  int64_t per_batch_;
  bool ignore_stop_;
  int64_t threads_;
  bool lock_in_emit_and_ack_;
  bool use_try_emit_;
  logagent_counter* queue_full_;
  bool resume_;
  int64_t first_line_ = 1;
  std::mutex tracker_mutex_;
  logagent::AckTracker tracker_;
  fixture::UniqueFd acks_;
  std::atomic<bool> stop_{false};
  std::mutex lock_;
};

}  // namespace

LOGAGENT_INPUT_PLUGIN(LinesInput, "fixture_lines", "1.0.0",
                      "Test input: emits line-1..line-<count> in batches and records acknowledgements", kOptions)
