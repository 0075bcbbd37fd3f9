// The syslog input's message parser: one RFC 5424 or RFC 3164 message into views of its fields.
//
// Pure: no batch, no socket, no allocation per message. Every view points into the text
// parsed (or at a static name), so a SyslogMessage lives as long as the text does.
//
//   logagent::plugins::syslog_input::StructuredData sd;   // reused for every message
//   ParseContext ctx{.now_ns = receive_time_ns};
//   ParseResult r = parse_syslog(line, ctx, sd);
//   if (!r.message) keep_whole_and_mark(line, r.reason);  // "syslog: bad timestamp", ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "syslog_timestamp.hpp"

namespace logagent::plugins::syslog_input {

enum class SyslogFormat : uint8_t { rfc5424, rfc3164 };

// One PARAM-NAME="PARAM-VALUE" of a structured data element. `value` is the raw text
// between the quotes; when `escaped` is true it holds backslash escapes (\" \\ \]) that
// unescape_sd_value() resolves. Kept raw so the parser never writes or allocates: the
// writer unescapes straight into its own storage (the batch's arena), once.
struct SdParam {
  std::string_view name;
  std::string_view value;
  bool escaped = false;
};

// One [SD-ID param="value" ...] element; `params` points into StructuredData::params.
struct SdElement {
  std::string_view id;
  std::span<const SdParam> params;
};

// Storage the caller keeps across messages: parse_syslog() clears and refills it, so after
// the first messages it no longer allocates. Valid until the next parse into it.
struct StructuredData {
  std::vector<SdElement> elements;
  std::vector<SdParam> params;
};

struct ParseContext {
  // Time of receipt, ns since the epoch (UTC): an RFC 3164 timestamp has no year, and the
  // year chosen is the one that puts the time closest to this.
  int64_t now_ns = 0;
  // Seconds east of UTC for timestamps written without a zone (RFC 3164).
  int32_t zone_offset_seconds = 0;
  // The reader's own cache of the last RFC 3339 date and time (syslog_timestamp.hpp); may be
  // null. It changes nothing but the time taken.
  Rfc3339Cache* rfc3339_cache = nullptr;
};

// Fields of one message. An empty view is an absent field ("-" in RFC 5424).
struct SyslogMessage {
  SyslogFormat format = SyslogFormat::rfc5424;
  uint8_t priority = 0;  // 0..191
  uint8_t facility = 0;  // priority / 8
  uint8_t severity = 0;  // priority % 8
  std::string_view facility_name;
  std::string_view severity_name;
  uint16_t version = 0;                 // 1 for RFC 5424; 0 for RFC 3164, which has none
  std::optional<int64_t> timestamp_ns;  // ns since the epoch, UTC; nullopt for "-"
  std::string_view hostname;
  std::string_view app_name;                   // RFC 3164: the tag up to '[' or ':'
  std::string_view procid;                     // RFC 3164: the digits of TAG[PID]
  std::string_view msgid;                      // RFC 3164: always absent
  std::span<const SdElement> structured_data;  // into the caller's StructuredData
  std::string_view message;                    // RFC 5424: without a leading UTF-8 BOM
};

struct ParseResult {
  std::optional<SyslogMessage> message;
  // Why the text is not a syslog message, e.g. "syslog: no priority"; empty on success.
  // A static string.
  std::string_view reason;
};

// Detects the format per message: "<PRI>1 " is RFC 5424, any other "<PRI>" is RFC 3164
// (with an "Mmm dd hh:mm:ss" or an RFC 3339 timestamp). Reads no byte outside `text`.
// Throws only std::bad_alloc, when `structured_data` must grow.
ParseResult parse_syslog(std::string_view text, const ParseContext& ctx, StructuredData& structured_data);
// The same into `out`, which a caller reuses (nothing is copied out): returns the reason,
// empty on success. `out` is fully rewritten either way.
std::string_view parse_syslog(std::string_view text, const ParseContext& ctx, StructuredData& structured_data,
                              SyslogMessage& out);

// "kern" .. "local7" and "emerg" .. "debug"; "" outside 0..23 and 0..7.
std::string_view facility_name(unsigned facility) noexcept;
std::string_view severity_name(unsigned severity) noexcept;

// Writes `raw` with \" \\ \] replaced by the character they stand for into `out`, which
// must have room for raw.size() bytes (unescaping never lengthens). Any other backslash is
// kept, as RFC 5424 says. Returns the number of bytes written.
size_t unescape_sd_value(std::string_view raw, char* out) noexcept;

}  // namespace logagent::plugins::syslog_input
