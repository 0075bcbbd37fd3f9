// JSON text primitives appended to a caller's std::string: strings, numbers, literals, timestamps.
//
// Depends on the C++ standard library only, so unit tests compile json_writer.cpp directly.
// Nothing here allocates beyond the growth of the caller's string: callers reuse one
// reserve()d buffer per batch, so encoding an event costs no heap allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace logagent::plugins::stdout_output::json {

// Appends `bytes` as a quoted JSON string. Bytes need not be valid UTF-8: every invalid
// sequence becomes U+FFFD, so the output is always valid UTF-8 and valid JSON.
// Escapes: \" \\ \b \f \n \r \t; every other byte < 0x20, and 0x7F, as \u00xx (lowercase hex).
void append_string(std::string& out, std::string_view bytes);

// Appends a decimal integer, e.g. -9223372036854775808.
void append_int(std::string& out, int64_t value);

// Appends the shortest text that reads back as exactly `value` (std::to_chars), with ".0"
// added when that text would read as an integer (1.0 gives "1.0", not "1"), so consumers keep
// the float type. JSON has no NaN or infinity: those are written as null.
void append_float(std::string& out, double value);

inline void append_bool(std::string& out, bool value) { value ? out.append("true", 4) : out.append("false", 5); }
inline void append_null(std::string& out) { out.append("null", 4); }

// Formats event times as RFC 3339 in UTC with microseconds: "2026-11-24T19:03:55.123456Z".
// Keeps the date and time of the last whole second, because consecutive events almost always
// share it; one instance per writer thread (not thread-safe).
class TimestampFormatter {
 public:
  static constexpr size_t kLength = 27;  // "YYYY-MM-DDTHH:MM:SS.uuuuuuZ"

  // Writes exactly kLength bytes to `out`. Sub-microsecond digits are truncated towards the
  // past (floor), also before 1970: -1 ns is 1969-12-31T23:59:59.999999Z. Every int64 ns
  // value (years 1677..2262) has a four-digit year, so no clamping is needed.
  void format(int64_t ns_since_epoch, char* out);
  void append(std::string& out, int64_t ns_since_epoch);

 private:
  static constexpr size_t kSecondLength = 19;  // "YYYY-MM-DDTHH:MM:SS"
  bool has_cached_second_ = false;
  int64_t cached_second_ = 0;
  char cached_text_[kSecondLength] = {};
};

}  // namespace logagent::plugins::stdout_output::json
