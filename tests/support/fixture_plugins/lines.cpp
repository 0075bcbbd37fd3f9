// Test input "fixture_lines": emits `count` events "line-1".."line-N" in fixed-size batches and
// records every acknowledgement, so tests can check delivery end to end and early stop.
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
};

class LinesInput final : public logagent::Input {
 public:
  LinesInput(logagent::Host host, const logagent::Config& config)
      : host_(host),
        message_(host.intern("message")),
        count_(config.get_int("count")),
        per_batch_(config.get_int("per_batch", 100)),
        ignore_stop_(config.get_bool("ignore_stop", false)) {
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
    // snprintf rather than std::to_chars: that instantiates libstdc++ templates with default
    // visibility, which would add exported (and GNU-unique) symbols to the library.
    char text[32];
    uint64_t cookie = 0;
    int64_t n = 1;
    while (n <= count_) {
      // Checked per batch: tests stop the agent mid-stream and expect the input to notice.
      if (stop_.load(std::memory_order_relaxed) || host_.should_stop()) break;
      logagent::Batch batch{host_.raw(), host_.new_batch()};
      // Exactly per_batch events (not batch_full) so a test can predict batch numbers.
      for (int64_t k = 0; k < per_batch_ && n <= count_; ++k, ++n) {
        const uint32_t event = batch.append(fixture::clock_ns(CLOCK_REALTIME));
        const int len = std::snprintf(text, sizeof text, "line-%" PRId64, n);
        batch.set(event, message_, logagent::Value::string(std::string_view(text, static_cast<size_t>(len))));
      }
      // ERROR means the agent is aborting and discarded the batch: nothing more to do.
      if (!host_.emit(batch.raw_mut(), ++cookie).ok()) break;
    }
    while (ignore_stop_) ::sleep(1);
    return Status::Ok();
  }

  void stop() noexcept override { stop_.store(true, std::memory_order_relaxed); }

  void ack(uint64_t cookie, Status status) noexcept override {
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
  fixture::UniqueFd acks_;
  std::atomic<bool> stop_{false};
};

}  // namespace

LOGAGENT_INPUT_PLUGIN(LinesInput, "fixture_lines", "1.0.0",
                      "Test input: emits line-1..line-<count> in batches and records acknowledgements", kOptions)
