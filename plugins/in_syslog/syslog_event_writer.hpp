// Turns one received syslog message into one event of a batch: its fields, or the raw text marked.
#pragma once

#include <logagent/plugin.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stream_framer.hpp"
#include "syslog_message.hpp"

namespace logagent::plugins::syslog_input {

struct WriterOptions {
  bool parse = true;
  std::string source_field;  // empty: no peer address field
};

// What the receiver knows of a message besides its bytes.
struct Receipt {
  int64_t time_ns = 0;     // when it was read
  std::string_view peer;   // in memory of the batch; empty when there is no source_field
  bool truncated = false;  // longer than max_message_size: these are its first bytes
  FrameIssue issue = FrameIssue::none;
};

// One writer per receiving thread: it keeps scratch storage across messages, so it is not
// shared. Keys are interned when it is made (in the plugin's create).
class SyslogEventWriter {
 public:
  SyslogEventWriter(Host host, const WriterOptions& options);

  // A new batch is being filled: names copied into the previous one are not in it.
  void start_batch() noexcept;

  // Appends the event for `text`, which lives in the batch's memory (its fields borrow it).
  // Returns false when it did not parse and was marked _error.
  bool write(Batch& batch, std::string_view text, const Receipt& receipt);

  bool has_source_field() const noexcept { return source_ != LOGAGENT_NO_KEY; }

 private:
  void write_fields(Batch& batch, uint32_t event, const SyslogMessage& m);
  void write_structured_data(Batch& batch, uint32_t event, const SyslogMessage& m);
  logagent_field append_named(Batch& batch, logagent_field parent, std::string_view name, const Value& value);
  // A facility or severity name (static text), copied into the batch once per batch.
  std::string_view in_batch(Batch& batch, std::string_view& slot, std::string_view name);
  int32_t local_zone_offset(int64_t now_ns) noexcept;

  bool parse_;
  logagent_key message_, facility_, facility_code_, severity_, severity_code_, version_, hostname_, app_name_, procid_,
      msgid_, structured_data_, truncated_, error_, source_;
  StructuredData sd_;
  SyslogMessage message_fields_;  // of the message being written, reused
  Rfc3339Cache rfc3339_cache_;
  // Structured-data names met in the current batch and their keys there (a few per stream;
  // searched in order, so kept short).
  struct NamedKey {
    std::string_view name;  // in the batch's memory
    logagent_key key;
  };
  static constexpr size_t kMaxNamedKeys = 16;
  std::vector<NamedKey> sd_keys_;
  std::array<std::string_view, 24> facility_names_{};
  std::array<std::string_view, 8> severity_names_{};
  int64_t zone_checked_second_ = -1;
  int32_t zone_offset_ = 0;
};

}  // namespace logagent::plugins::syslog_input
