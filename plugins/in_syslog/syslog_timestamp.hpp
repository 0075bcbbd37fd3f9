// The syslog input's timestamps: RFC 3339 (RFC 5424 and rsyslog's forwarding format) and
// the BSD "Mmm dd hh:mm:ss" of RFC 3164, whose year is inferred.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace logagent::plugins::syslog_input {

// The last "YYYY-MM-DDThh:mm:ss" read_rfc3339 turned into seconds: the messages of a stream
// share their date and, at high rates, their second, so most are read by one compare. Owned
// by one reader (not thread-safe); the results are the same with or without it.
struct Rfc3339Cache {
  static constexpr size_t kSize = 19;
  char text[kSize] = {};
  int64_t utc_seconds = 0;  // of the text read as UTC: the zone is applied after
  bool valid = false;
};

// YYYY-MM-DDThh:mm:ss[.f](Z|+hh:mm|-hh:mm), the fraction 1 to 9 digits, read from `pos`.
// On success returns ns since the epoch (UTC) and moves `pos` past it; a time outside what
// 64-bit nanoseconds hold (years 1678..2261) fails. `cache` may be null.
std::optional<int64_t> read_rfc3339(std::string_view text, size_t& pos, Rfc3339Cache* cache = nullptr) noexcept;

// "Mmm dd hh:mm:ss" read from `pos`: the month in any case, the day space-padded (" 1"),
// zero-padded or one digit, and as rsyslog reads them, a year before the time
// ("Mmm dd yyyy hh:mm:ss", as some network devices write) and one ':' after it. Without a
// year, the year is the one that puts the time closest to `now_ns`. The time is local to
// `zone_offset_seconds` (east of UTC).
std::optional<int64_t> read_bsd_timestamp(std::string_view text, size_t& pos, int64_t now_ns,
                                          int32_t zone_offset_seconds) noexcept;

}  // namespace logagent::plugins::syslog_input
