// The syslog input's timestamps (syslog_timestamp.hpp).
#include "syslog_timestamp.hpp"

#include <array>
#include <cstring>
#include <limits>

namespace logagent::plugins::syslog_input {
namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
// Seconds whose nanoseconds, plus a fraction, still fit int64_t.
constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / kNsPerSecond - 1;
constexpr int64_t kMinSeconds = std::numeric_limits<int64_t>::min() / kNsPerSecond + 1;
constexpr int64_t kSecondsPerDay = 86'400;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Exactly `count` digits at `pos`.
bool fixed_digits(std::string_view text, size_t& pos, size_t count, int& out) noexcept {
  if (text.size() - pos < count) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!is_digit(text[pos + i])) return false;
    value = value * 10 + (text[pos + i] - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool expect(std::string_view text, size_t& pos, char c) noexcept {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool leap(int64_t year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int64_t year, int month) noexcept {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar, counted in eras of
// 400 years (146,097 days) so that no loop over years is needed.
int64_t days_from_civil(int64_t year, int month, int day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146'097 + day_of_era - 719'468;
}

// The year of a day counted from 1970-01-01: the inverse of days_from_civil.
int64_t year_of_day(int64_t days) noexcept {
  days += 719'468;
  const int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
  const int64_t day_of_era = days - era * 146'097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
  return year_of_era + era * 400 + (month_index >= 10 ? 1 : 0);
}

struct ClockTime {
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// hh:mm:ss; a second of 60 (a leap second) is read as the next minute's 00, as the SDK's
// time parser does.
bool read_clock(std::string_view text, size_t& pos, ClockTime& out) noexcept {
  ClockTime t;
  if (!fixed_digits(text, pos, 2, t.hour) || !expect(text, pos, ':') || !fixed_digits(text, pos, 2, t.minute) ||
      !expect(text, pos, ':') || !fixed_digits(text, pos, 2, t.second)) {
    return false;
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 60) return false;
  out = t;
  return true;
}

// Seconds since the epoch of a local date and time `zone` seconds east of UTC; nullopt
// when the date does not exist or the result does not fit nanoseconds.
std::optional<int64_t> to_epoch_seconds(int64_t year, int month, int day, const ClockTime& t, int64_t zone) noexcept {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  // Far outside the range checked below, and small enough that nothing overflows.
  if (year < 1000 || year > 9999) return std::nullopt;
  const int64_t seconds = days_from_civil(year, month, day) * kSecondsPerDay + int64_t{t.hour} * 3600 +
                          int64_t{t.minute} * 60 + int64_t{t.second} - zone;
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  return seconds;
}

// The first three letters of an English month name, in any case; 1..12 or 0.
int month_from_name(std::string_view text, size_t pos) noexcept {
  static constexpr std::array<std::string_view, 12> kNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  if (text.size() - pos < 3) return 0;
  char lowered[3];
  for (size_t i = 0; i < 3; ++i) {
    const char c = text[pos + i];
    lowered[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view name(lowered, 3);
  for (size_t m = 0; m < kNames.size(); ++m) {
    if (name == kNames[m]) return static_cast<int>(m) + 1;
  }
  return 0;
}

}  // namespace

std::optional<int64_t> read_rfc3339(std::string_view text, size_t& pos, Rfc3339Cache* cache) noexcept {
  size_t p = pos;
  std::optional<int64_t> utc_seconds;
  const bool cached = cache != nullptr && cache->valid && text.size() - pos >= Rfc3339Cache::kSize &&
                      std::memcmp(text.data() + pos, cache->text, Rfc3339Cache::kSize) == 0;
  if (cached) {
    utc_seconds = cache->utc_seconds;
    p += Rfc3339Cache::kSize;
  } else {
    int year = 0;
    int month = 0;
    int day = 0;
    ClockTime clock;
    if (!fixed_digits(text, p, 4, year) || !expect(text, p, '-') || !fixed_digits(text, p, 2, month) ||
        !expect(text, p, '-') || !fixed_digits(text, p, 2, day) || !expect(text, p, 'T') ||
        !read_clock(text, p, clock)) {
      return std::nullopt;
    }
    utc_seconds = to_epoch_seconds(year, month, day, clock, 0);
    if (!utc_seconds) return std::nullopt;
  }
  int64_t nanos = 0;
  if (p < text.size() && text[p] == '.') {
    const size_t start = ++p;
    while (p < text.size() && is_digit(text[p])) {
      if (p - start == 9) return std::nullopt;  // finer than a nanosecond
      nanos = nanos * 10 + (text[p] - '0');
      ++p;
    }
    if (p == start) return std::nullopt;
    for (size_t n = p - start; n < 9; ++n) nanos *= 10;
  }
  int64_t zone = 0;
  if (p >= text.size()) return std::nullopt;
  if (text[p] == 'Z') {
    ++p;
  } else if (text[p] == '+' || text[p] == '-') {
    const bool west = text[p] == '-';
    ++p;
    int hours = 0;
    int minutes = 0;
    if (!fixed_digits(text, p, 2, hours) || !expect(text, p, ':') || !fixed_digits(text, p, 2, minutes) || hours > 23 ||
        minutes > 59) {
      return std::nullopt;
    }
    zone = (west ? -1 : 1) * (int64_t{hours} * 3600 + int64_t{minutes} * 60);
  } else {
    return std::nullopt;
  }
  const int64_t seconds = *utc_seconds - zone;
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  if (cache != nullptr && !cached) {
    std::memcpy(cache->text, text.data() + pos, Rfc3339Cache::kSize);
    cache->utc_seconds = *utc_seconds;
    cache->valid = true;
  }
  pos = p;
  return seconds * kNsPerSecond + nanos;
}

std::optional<int64_t> read_bsd_timestamp(std::string_view text, size_t& pos, int64_t now_ns,
                                          int32_t zone_offset_seconds) noexcept {
  size_t p = pos;
  const int month = month_from_name(text, p);
  if (month == 0) return std::nullopt;
  p += 3;
  if (!expect(text, p, ' ')) return std::nullopt;
  if (p < text.size() && text[p] == ' ') ++p;  // " 1": the day padded with a space
  int day = 0;
  if (p >= text.size() || !is_digit(text[p])) return std::nullopt;
  day = text[p++] - '0';
  if (p < text.size() && is_digit(text[p])) day = day * 10 + (text[p++] - '0');
  if (!expect(text, p, ' ')) return std::nullopt;
  std::optional<int64_t> written_year;
  {
    size_t q = p;
    int year = 0;
    if (fixed_digits(text, q, 4, year) && q < text.size() && text[q] == ' ') {
      written_year = year;
      p = q + 1;
    }
  }
  ClockTime clock;
  if (!read_clock(text, p, clock)) return std::nullopt;
  if (p < text.size() && text[p] == ':') ++p;

  const int64_t zone = zone_offset_seconds;
  std::optional<int64_t> best;
  if (written_year) {
    best = to_epoch_seconds(*written_year, month, day, clock, zone);
  } else {
    // The local year now, then of last year, this year and next year the time closest to
    // now: a December message read in January is last year's, and the reverse.
    const int64_t now_seconds = now_ns / kNsPerSecond;
    const int64_t local_now = now_seconds + zone;
    const int64_t floor_days = local_now / kSecondsPerDay - (local_now % kSecondsPerDay < 0 ? 1 : 0);
    const int64_t this_year = year_of_day(floor_days);
    int64_t best_distance = 0;
    for (int64_t year = this_year - 1; year <= this_year + 1; ++year) {
      const std::optional<int64_t> candidate = to_epoch_seconds(year, month, day, clock, zone);
      if (!candidate) continue;  // February 29th of a year that has none
      const int64_t distance = *candidate > now_seconds ? *candidate - now_seconds : now_seconds - *candidate;
      if (!best || distance < best_distance) {
        best = candidate;
        best_distance = distance;
      }
    }
  }
  if (!best) return std::nullopt;
  pos = p;
  return *best * kNsPerSecond;
}

}  // namespace logagent::plugins::syslog_input
