// The "stdout" output: writes each event to standard output as a JSON line or as its raw message.
#include "fd_writer.hpp"

#include <logagent/event_json.hpp>
#include <logagent/plugin.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace logagent::plugins::stdout_output {
namespace {

const char* const kFormats[] = {"json", "raw", nullptr};

const logagent_option kOptions[] = {
    logagent::option("format", LOGAGENT_OPTION_STRING)
        .defaults("json")
        .choices(kFormats)
        .doc("\"json\": one JSON object per line with @timestamp and every field; \"raw\": the message field "
             "as it was read")
        .example("\"raw\""),
};

enum class Format { json, raw };

Format parse_format(const std::string& text) {
  if (text == "json") return Format::json;
  if (text == "raw") return Format::raw;
  // += rather than operator+: clang exports that free template from the library even with
  // hidden inline visibility, and a plugin exports nothing but its entry.
  std::string message = "format must be \"json\" or \"raw\", got \"";
  message += text;
  message += '"';
  throw ConfigError(message);
}

// The most buffer memory kept between batches; larger batches still work, growing it.
constexpr size_t kKeepAtMost = size_t{64} << 20;

class StdoutOutput final : public Output {
 public:
  StdoutOutput(Host host, const Config& config)
      : host_(host),
        format_(parse_format(config.get_string("format", "json"))),
        message_(host.intern("message")),
        events_(host.counter("events")),
        json_(host.intern("@timestamp")) {}

  Status write(const BatchView& batch, logagent_token* /*token*/) override {
    const uint32_t count = batch.size();
    buffer_.clear();  // keeps its capacity: steady state allocates nothing
    // Capped: after one huge event, the estimate times a full batch could be absurd.
    buffer_.reserve(std::min(static_cast<size_t>(count) * bytes_per_event_, kKeepAtMost));

    uint64_t written = 0;
    for (uint32_t event = 0; event < count; ++event) {
      if (batch.dropped(event)) continue;
      if (format_ == Format::json) {
        json_.append_line(buffer_, batch, event);
      } else {
        // Raw bytes, unchanged: the user asked for exactly what the input read.
        buffer_.append(batch.get_string(event, message_));
        buffer_.push_back('\n');
      }
      ++written;
    }
    if (written == 0) return Status::Ok();
    bytes_per_event_ = buffer_.size() / written + 1;

    const int error = write_all(STDOUT_FILENO, buffer_);
    release_if_oversized();
    if (error != 0) {
      report_once(error);
      return Status::Error();
    }
    host_.add(events_, written);
    return Status::Ok();
  }

 private:
  // A closed pipe (`| head -1`) or a failing device fails every later batch too: the output
  // cannot go on, so the agent is told to stop (one log line, exit status 4) rather than
  // read its whole input into batches that all fail.
  void report_once(int error) {
    if (reported_error_) return;
    reported_error_ = true;
    std::string message = "cannot write to standard output: ";
    message += std::strerror(error);
    host_.fatal(message);
  }

  // One unusually large batch should not pin its buffer for the life of the agent.
  void release_if_oversized() {
    if (buffer_.capacity() > kKeepAtMost) std::string().swap(buffer_);
  }

  Host host_;
  Format format_;
  logagent_key message_;
  logagent_counter* events_;
  EventJsonEncoder json_;
  std::string buffer_;
  size_t bytes_per_event_ = 256;  // estimate from the previous batch, to reserve once per batch
  bool reported_error_ = false;
};

}  // namespace
}  // namespace logagent::plugins::stdout_output

LOGAGENT_OUTPUT_PLUGIN(logagent::plugins::stdout_output::StdoutOutput, "stdout", "1.0.0",
                       "Writes events to standard output as JSON lines or raw messages",
                       logagent::plugins::stdout_output::kOptions)
