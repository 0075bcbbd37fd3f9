// Parses timestamps written in a strptime-style format into nanoseconds since the epoch (UTC).
//
// Header-only, compiled into each plugin that includes it (the regex filter's time_key; the
// json filter). Unlike strptime it needs no locale, allocates nothing per call, reads
// fractions of a second and zone offsets, and never consults the process's time zone: a
// time without a zone is UTC.
//
//   std::string error;
//   auto format = logagent::TimeFormat::compile("%d/%b/%Y:%H:%M:%S %z", error);
//   if (!format) throw logagent::ConfigError("time_format: " + error);
//   std::optional<int64_t> ns = format->parse("10/Oct/2000:13:55:36 -0700");
//
// Directives (every number may have fewer digits than its width, not more):
//   %Y  year, 4 digits          %m  month 01-12          %d  day of month 01-31
//   %H  hour 00-23              %M  minute 00-59         %S  second 00-60 (60: a leap second,
//                                                            read as the next minute's 00)
//   %f  fraction of a second, 1 to 9 digits (write "%S.%f" or "%S,%f")
//   %b  month name, English, abbreviated or full, any case ("Oct", "october"); %B and %h too
//   %z  zone offset: "+0000", "-07:00", "+05", or "Z"
//   %Z  zone name: "UTC", "GMT" or "Z" (names that are not fixed offsets cannot be read)
//   %T  %H:%M:%S                %F  %Y-%m-%d             %%  a literal '%'
// Any other character matches itself. The whole text must be used: "2024-01-02 trailing"
// does not parse as "%Y-%m-%d".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logagent {

class TimeFormat {
 public:
  // Checks `format` once. On failure returns nullopt and sets `error`, e.g.
  // "unsupported directive %q at offset 3".
  static inline std::optional<TimeFormat> compile(std::string_view format, std::string& error);

  // Nanoseconds since 1970-01-01T00:00:00Z, or nullopt when `text` does not fit the format
  // or names an impossible date (February 30th, hour 24).
  inline std::optional<int64_t> parse(std::string_view text) const noexcept;

  const std::string& format() const noexcept { return format_; }

 private:
  enum class Op : uint8_t { literal, year, month, day, hour, minute, second, fraction, month_name, offset, zone_name };
  struct Step {
    Op op;
    char literal;
  };

  TimeFormat(std::string format, std::vector<Step> steps) : format_(std::move(format)), steps_(std::move(steps)) {}

  // Reads 1..max_digits digits at `pos`; false when there is none.
  static bool digits(std::string_view text, size_t& pos, size_t max_digits, int& out) noexcept {
    size_t n = 0;
    int value = 0;
    while (n < max_digits && pos + n < text.size() && text[pos + n] >= '0' && text[pos + n] <= '9') {
      value = value * 10 + (text[pos + n] - '0');
      ++n;
    }
    if (n == 0) return false;
    pos += n;
    out = value;
    return true;
  }
  static char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
  static bool starts_with_caseless(std::string_view text, size_t pos, std::string_view word) noexcept {
    if (text.size() - pos < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (lower(text[pos + i]) != word[i]) return false;
    }
    return true;
  }
  // The first three letters decide the month; the full name is taken when it follows.
  // One comparison of the three lowered letters per month, not a caseless scan per name:
  // this runs once per line of a parsed access log.
  static bool month_name(std::string_view text, size_t& pos, int& month) noexcept {
    static constexpr std::string_view kNames[12] = {"january",   "february", "march",    "april",
                                                    "may",       "june",     "july",     "august",
                                                    "september", "october",  "november", "december"};
    if (text.size() - pos < 3) return false;
    const auto letters = static_cast<uint32_t>(static_cast<unsigned char>(lower(text[pos]))) |
                         static_cast<uint32_t>(static_cast<unsigned char>(lower(text[pos + 1]))) << 8 |
                         static_cast<uint32_t>(static_cast<unsigned char>(lower(text[pos + 2]))) << 16;
    for (int m = 0; m < 12; ++m) {
      const std::string_view full = kNames[m];
      const uint32_t abbreviation = static_cast<uint32_t>(static_cast<unsigned char>(full[0])) |
                                    static_cast<uint32_t>(static_cast<unsigned char>(full[1])) << 8 |
                                    static_cast<uint32_t>(static_cast<unsigned char>(full[2])) << 16;
      if (letters != abbreviation) continue;
      pos += starts_with_caseless(text, pos, full) ? full.size() : 3;
      month = m + 1;
      return true;
    }
    return false;
  }
  // "+hhmm", "+hh:mm", "+hh" or "Z"; seconds east of UTC.
  static bool offset(std::string_view text, size_t& pos, int64_t& seconds) noexcept {
    if (pos >= text.size()) return false;
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
      seconds = 0;
      return true;
    }
    if (text[pos] != '+' && text[pos] != '-') return false;
    const bool negative = text[pos] == '-';
    size_t p = pos + 1;
    const size_t start = p;
    int hours = 0;
    if (!digits(text, p, 2, hours) || p - start != 2 || hours > 23) return false;
    int minutes = 0;
    if (p < text.size() && text[p] == ':') {
      const size_t m = ++p;
      if (!digits(text, p, 2, minutes) || p - m != 2) return false;
    } else if (p < text.size() && text[p] >= '0' && text[p] <= '9') {
      const size_t m = p;
      if (!digits(text, p, 2, minutes) || p - m != 2) return false;
    }
    if (minutes > 59) return false;
    seconds = (negative ? -1 : 1) * (static_cast<int64_t>(hours) * 3600 + static_cast<int64_t>(minutes) * 60);
    pos = p;
    return true;
  }
  static bool leap(int year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }
  static int days_in_month(int year, int month) noexcept {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : kDays[month - 1];
  }
  // Days from 1970-01-01 to the civil date (proleptic Gregorian calendar).
  static int64_t days_from_civil(int64_t y, int m, int d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  std::string format_;
  std::vector<Step> steps_;
};

inline std::optional<TimeFormat> TimeFormat::compile(std::string_view format, std::string& error) {
  std::vector<Step> steps;
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c != '%') {
      steps.push_back({Op::literal, c});
      continue;
    }
    if (i + 1 == format.size()) {
      error = "a lone % at the end (write %% for a literal %)";
      return std::nullopt;
    }
    const char d = format[++i];
    switch (d) {
      case 'Y':
        steps.push_back({Op::year, 0});
        break;
      case 'm':
        steps.push_back({Op::month, 0});
        break;
      case 'd':
        steps.push_back({Op::day, 0});
        break;
      case 'H':
        steps.push_back({Op::hour, 0});
        break;
      case 'M':
        steps.push_back({Op::minute, 0});
        break;
      case 'S':
        steps.push_back({Op::second, 0});
        break;
      case 'f':
        steps.push_back({Op::fraction, 0});
        break;
      case 'b':
      case 'B':
      case 'h':
        steps.push_back({Op::month_name, 0});
        break;
      case 'z':
        steps.push_back({Op::offset, 0});
        break;
      case 'Z':
        steps.push_back({Op::zone_name, 0});
        break;
      case 'T':
        steps.insert(steps.end(),
                     {{Op::hour, 0}, {Op::literal, ':'}, {Op::minute, 0}, {Op::literal, ':'}, {Op::second, 0}});
        break;
      case 'F':
        steps.insert(steps.end(),
                     {{Op::year, 0}, {Op::literal, '-'}, {Op::month, 0}, {Op::literal, '-'}, {Op::day, 0}});
        break;
      case '%':
        steps.push_back({Op::literal, '%'});
        break;
      default:
        error = "unsupported directive %";
        error += d;
        error += " at offset " + std::to_string(i - 1);
        return std::nullopt;
    }
  }
  return TimeFormat(std::string(format), std::move(steps));
}

inline std::optional<int64_t> TimeFormat::parse(std::string_view text) const noexcept {
  int year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t nanos = 0;
  int64_t zone = 0;  // seconds east of UTC
  size_t pos = 0;
  for (const Step& step : steps_) {
    switch (step.op) {
      case Op::literal:
        if (pos >= text.size() || text[pos] != step.literal) return std::nullopt;
        ++pos;
        break;
      case Op::year:
        if (!digits(text, pos, 4, year)) return std::nullopt;
        break;
      case Op::month:
        if (!digits(text, pos, 2, month)) return std::nullopt;
        break;
      case Op::day:
        if (!digits(text, pos, 2, day)) return std::nullopt;
        break;
      case Op::hour:
        if (!digits(text, pos, 2, hour)) return std::nullopt;
        break;
      case Op::minute:
        if (!digits(text, pos, 2, minute)) return std::nullopt;
        break;
      case Op::second:
        if (!digits(text, pos, 2, second)) return std::nullopt;
        break;
      case Op::fraction: {
        const size_t start = pos;
        int64_t value = 0;
        while (pos < text.size() && pos - start < 9 && text[pos] >= '0' && text[pos] <= '9') {
          value = value * 10 + (text[pos] - '0');
          ++pos;
        }
        if (pos == start) return std::nullopt;
        for (size_t n = pos - start; n < 9; ++n) value *= 10;
        nanos = value;
        break;
      }
      case Op::month_name:
        if (!month_name(text, pos, month)) return std::nullopt;
        break;
      case Op::offset:
        if (!offset(text, pos, zone)) return std::nullopt;
        break;
      case Op::zone_name:
        if (starts_with_caseless(text, pos, "utc") || starts_with_caseless(text, pos, "gmt")) {
          pos += 3;
        } else if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
          ++pos;
        } else {
          return std::nullopt;
        }
        zone = 0;
        break;
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const int64_t days = days_from_civil(year, month, day);
  const int64_t seconds = days * 86400 + static_cast<int64_t>(hour) * 3600 + static_cast<int64_t>(minute) * 60 +
                          static_cast<int64_t>(second) - zone;
  return seconds * 1'000'000'000 + nanos;
}

}  // namespace logagent
