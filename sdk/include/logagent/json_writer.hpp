// JSON text primitives appended to a caller's std::string: strings, numbers, literals, timestamps.
//
// Header-only and compiled into each plugin that writes JSON (stdout, Kafka, ...); depends
// on the C++ standard library only. Every function is inline, so with the plugin's hidden
// visibility nothing here is exported. Nothing allocates beyond the growth of the caller's
// string: callers reuse one reserve()d buffer per batch, so encoding an event costs no heap
// allocation.
#pragma once

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LOGAGENT_JSON_AVX2 1  // an AVX2 path, chosen at run time on CPUs that have it
#endif

namespace logagent::json {

// Appends `bytes` as a quoted JSON string. Bytes need not be valid UTF-8: every invalid
// sequence becomes U+FFFD, so the output is always valid UTF-8 and valid JSON.
// Escapes: \" \\ \b \f \n \r \t; every other byte < 0x20, and 0x7F, as \u00xx (lowercase hex).
inline void append_string(std::string& out, std::string_view bytes);
// The same for bytes followed by at least 31 readable bytes (any string read from a batch:
// LOGAGENT_BATCH_PADDING), scanned 16 or 32 at a time to their end.
inline void append_padded_string(std::string& out, std::string_view bytes);

// Appends a decimal integer, e.g. -9223372036854775808.
inline void append_int(std::string& out, int64_t value);

// Appends the shortest text that reads back as exactly `value` (std::to_chars), with ".0"
// added when that text would read as an integer (1.0 gives "1.0", not "1"), so consumers keep
// the float type. JSON has no NaN or infinity: those are written as null.
inline void append_float(std::string& out, double value);

// Appends one byte as it is: JSON punctuation ('{', ',', ':', '"'). Not push_back: GCC inlines
// push_back only where few calls share a translation unit, and a plugin compiling the whole
// encoder in one unit would then pay a call per quote and comma; a one-byte append inlines
// to a store.
inline void append_char(std::string& out, char c) { out.append(&c, 1); }

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
  inline void format(int64_t ns_since_epoch, char* out);
  inline void append(std::string& out, int64_t ns_since_epoch);

 private:
  static constexpr size_t kSecondLength = 19;  // "YYYY-MM-DDTHH:MM:SS"
  bool has_cached_second_ = false;
  int64_t cached_second_ = 0;
  char cached_text_[kSecondLength] = {};
};

// ---- Implementation ------------------------------------------------------------------------

namespace detail {

// ---- Plain runs, 16 bytes (SSE2) or 8 bytes (SWAR) at a time -----------------------------
//
// Log lines are mostly printable ASCII, so the encoder looks for the first byte that cannot
// be copied verbatim a whole vector or uint64 word at a time and copies everything before it
// at once.

inline constexpr uint64_t kOnes = 0x0101010101010101ull;
inline constexpr uint64_t kHighBits = 0x8080808080808080ull;

// High bit set in every byte below `limit` (limit <= 0x80). A borrow can also flag bytes
// above a true hit, never below one: the lowest flagged byte is always a real hit.
constexpr uint64_t bytes_below(uint64_t word, uint8_t limit) { return (word - kOnes * limit) & ~word & kHighBits; }
constexpr uint64_t bytes_equal(uint64_t word, uint8_t value) { return bytes_below(word ^ (kOnes * value), 1); }

// Flags control characters, '"', '\\', DEL and every non-ASCII byte (UTF-8 must be validated).
constexpr uint64_t special_bytes(uint64_t word) {
  return bytes_below(word, 0x20) | bytes_equal(word, '"') | bytes_equal(word, '\\') | bytes_equal(word, 0x7F) |
         (word & kHighBits);
}

// How each ASCII byte is written inside a JSON string: 0 verbatim, 'u' as \u00xx, otherwise
// a backslash and this letter.
constexpr std::array<char, 128> make_ascii_escapes() {
  std::array<char, 128> escapes{};
  for (int c = 0; c < 0x20; ++c) escapes[c] = 'u';
  escapes['\b'] = 'b';
  escapes['\f'] = 'f';
  escapes['\n'] = 'n';
  escapes['\r'] = 'r';
  escapes['\t'] = 't';
  escapes['"'] = '"';
  escapes['\\'] = '\\';
  escapes[0x7F] = 'u';  // DEL is legal in JSON but invisible and mangled by terminals
  return escapes;
}
inline constexpr std::array<char, 128> kAsciiEscapes = make_ascii_escapes();

inline bool is_verbatim(unsigned char c) { return c < 0x80 && kAsciiEscapes[c] == 0; }

#if defined(__SSE2__)
// Bit k set when byte k of v is not copied verbatim. A signed compare with 0x20 flags
// control characters and every byte >= 0x80 at once, since those are negative as int8.
inline unsigned special_mask(__m128i v) {
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7F);
  const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, quote)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, del)));
  return static_cast<unsigned>(_mm_movemask_epi8(special));
}
#endif

// Writes the escape of ASCII byte c at w; returns the end of what it wrote.
inline char* write_ascii_escape(char* w, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char letter = kAsciiEscapes[c];
  w[0] = '\\';
  if (letter != 'u') {
    w[1] = letter;
    return w + 2;
  }
  w[1] = 'u';
  w[2] = '0';
  w[3] = '0';
  w[4] = kHex[c >> 4];
  w[5] = kHex[c & 0xF];
  return w + 6;
}

// ---- UTF-8 validation --------------------------------------------------------------------
//
// Replacement policy: one U+FFFD per *maximal subpart* of an ill-formed sequence, the
// practice the Unicode Standard recommends (ch. 3, "U+FFFD Substitution of Maximal
// Subparts") and the one the WHATWG Encoding Standard's decoder (browsers, Python's
// "replace") implements. A maximal subpart is the longest prefix of a well-formed sequence
// (Unicode Table 3-7) that the bytes start with, or else the single offending byte. So:
//   - a stray continuation byte (80..BF), C0, C1 and F5..FF: one U+FFFD each;
//   - a truncated sequence (E2 82 then end or 'A'): one U+FFFD for E2 82;
//   - overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and values above U+10FFFF
//     (F4 90..BF): the lead byte fails on its second byte, so every byte gets its own U+FFFD
//     (ED A0 80 gives three).

inline constexpr char kReplacement[3] = {'\xEF', '\xBF', '\xBD'};  // U+FFFD in UTF-8

struct Utf8Sequence {
  size_t length;  // bytes to copy when valid, else bytes covered by one U+FFFD (>= 1)
  bool valid;
};

// The sequence at p[0] (>= 0x80), with n >= 1 bytes available.
inline Utf8Sequence utf8_sequence(const unsigned char* p, size_t n) {
  const unsigned char lead = p[0];
  size_t length;
  // The second byte's range is where overlongs, surrogates and > U+10FFFF are excluded.
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // below is overlong
    if (lead == 0xED) second_max = 0x9F;  // above is a surrogate
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // below is overlong
    if (lead == 0xF4) second_max = 0x8F;  // above is beyond U+10FFFF
  } else {
    return {1, false};  // continuation byte, C0, C1 or F5..FF
  }
  if (n < 2 || p[1] < second_min || p[1] > second_max) return {1, false};
  for (size_t k = 2; k < length; ++k) {
    if (k >= n || (p[k] & 0xC0) != 0x80) return {k, false};
  }
  return {length, true};
}

// ---- Numbers and dates -------------------------------------------------------------------

// Hand-written rather than std::to_chars: the integer overloads are templates whose
// instantiations get default visibility and would be exported from the plugin library.
inline char* write_decimal(char* end, uint64_t value) {
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return end;
}

inline void write_two_digits(char* out, unsigned value) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days),
// exact for negative days too.
inline CivilDate civil_from_days(int64_t days) {
  days += 719468;  // shift the epoch to 0000-03-01 so leap days end each 400-year era
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned month_from_march = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  const unsigned month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  return {static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace detail

namespace detail {

// Writes the byte at p[i] (one that is not copied verbatim) escaped, or the UTF-8 sequence
// it starts (valid: as it is; not: U+FFFD); returns the index after what it consumed.
inline size_t write_special(char*& w, const char* p, size_t i, size_t n) {
  const auto c = static_cast<unsigned char>(p[i]);
  if (c < 0x80) {
    w = write_ascii_escape(w, c);
    return i + 1;
  }
  const Utf8Sequence sequence = utf8_sequence(reinterpret_cast<const unsigned char*>(p + i), n - i);
  if (sequence.valid) {
    for (size_t k = 0; k < sequence.length; ++k) *w++ = p[i + k];
  } else {
    for (char r : kReplacement) *w++ = r;
  }
  return i + sequence.length;
}

// Escaped into a buffer on the stack, appended to `out` once per 4 KiB: a line with a few
// quotes costs one append, not one per escape and per run between escapes. Plain bytes are
// stored 16 at a time as they are scanned, whatever follows the first special one, since
// what is written next overwrites it: no copy call per run. `Padded`: at least 31 bytes
// after the end may be read (every string in a batch has LOGAGENT_BATCH_PADDING), so the
// last partial block is scanned as a whole one too, not byte by byte.
template <bool Padded>
inline void append_string(std::string& out, std::string_view bytes) {
  constexpr size_t kBuffer = 4096;
  constexpr size_t kSlack = 32;  // the widest step: a 16-byte store, or a 6-byte escape
  char buffer[kBuffer + kSlack];
  char* w = buffer;
  *w++ = '"';
  const char* p = bytes.data();
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    if (w >= buffer + kBuffer) {
      out.append(buffer, static_cast<size_t>(w - buffer));
      w = buffer;
    }
#if defined(__SSE2__)
    if (Padded || i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
      unsigned special = special_mask(v);
      const size_t left = n - i;
      if (Padded && left < 16) special |= 1u << left;  // the end stops the run like a special byte
      if (special == 0) {
        i += 16;
        w += 16;
        continue;
      }
      const auto k = static_cast<size_t>(std::countr_zero(special));
      i += k;
      w += k;
      if (i >= n) break;
      i = write_special(w, p, i, n);
      continue;
    }
#else
    if (std::endian::native == std::endian::little && i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);  // unaligned load and store, one instruction each
      std::memcpy(w, &word, 8);
      const uint64_t special = special_bytes(word);
      if (special == 0) {
        i += 8;
        w += 8;
        continue;
      }
      const auto k = static_cast<size_t>(std::countr_zero(special)) / 8;
      i += k;
      w += k;
      i = write_special(w, p, i, n);
      continue;
    }
#endif
    if (is_verbatim(static_cast<unsigned char>(p[i]))) {
      *w++ = p[i++];
    } else {
      i = write_special(w, p, i, n);
    }
  }
  *w++ = '"';
  out.append(buffer, static_cast<size_t>(w - buffer));
}

#if defined(LOGAGENT_JSON_AVX2)
// append_string<true>, 32 bytes a step. Compiled for AVX2 whatever the plugin's target (the
// attribute), called only where the CPU has it: x86-64's baseline is SSE2, and every x86-64
// server of the last ten years has AVX2. Log lines with a few quotes take half the steps.
__attribute__((target("avx2"))) inline void append_padded_string_avx2(std::string& out, std::string_view bytes) {
  constexpr size_t kBuffer = 4096;
  constexpr size_t kSlack = 32;
  char buffer[kBuffer + kSlack];
  char* w = buffer;
  *w++ = '"';
  const char* p = bytes.data();
  const size_t n = bytes.size();
  const __m256i space = _mm256_set1_epi8(0x20);
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i backslash = _mm256_set1_epi8('\\');
  const __m256i del = _mm256_set1_epi8(0x7F);
  size_t i = 0;
  while (i < n) {
    if (w >= buffer + kBuffer) {
      out.append(buffer, static_cast<size_t>(w - buffer));
      w = buffer;
    }
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w), v);
    // v < 0x20 as signed bytes: control characters and every byte >= 0x80.
    const __m256i special =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpgt_epi8(space, v), _mm256_cmpeq_epi8(v, quote)),
                        _mm256_or_si256(_mm256_cmpeq_epi8(v, backslash), _mm256_cmpeq_epi8(v, del)));
    uint64_t mask = static_cast<uint32_t>(_mm256_movemask_epi8(special));
    const size_t left = n - i;
    if (left < 32) mask |= uint64_t{1} << left;  // the end stops the run like a special byte
    if (mask == 0) {
      i += 32;
      w += 32;
      continue;
    }
    const auto k = static_cast<size_t>(std::countr_zero(mask));
    i += k;
    w += k;
    if (i >= n) break;
    i = write_special(w, p, i, n);
  }
  *w++ = '"';
  out.append(buffer, static_cast<size_t>(w - buffer));
}

inline bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace detail

inline void append_string(std::string& out, std::string_view bytes) { detail::append_string<false>(out, bytes); }
inline void append_padded_string(std::string& out, std::string_view bytes) {
#if defined(LOGAGENT_JSON_AVX2)
  if (detail::cpu_has_avx2()) {
    detail::append_padded_string_avx2(out, bytes);
    return;
  }
#endif
  detail::append_string<true>(out, bytes);
}

inline void append_int(std::string& out, int64_t value) {
  char text[20];  // "-9223372036854775808"
  char* const end = text + sizeof text;
  // Negating in unsigned arithmetic keeps INT64_MIN exact.
  const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  char* begin = detail::write_decimal(end, magnitude);
  if (value < 0) *--begin = '-';
  out.append(begin, static_cast<size_t>(end - begin));
}

inline void append_float(std::string& out, double value) {
  if (!std::isfinite(value)) {
    append_null(out);
    return;
  }
  char text[40];  // the shortest form of a double is at most 24 characters, plus ".0"
  // The double overload is a plain function in libstdc++.so (not a template), so calling it
  // exports nothing from the plugin.
  char* end = std::to_chars(text, text + sizeof text - 2, value).ptr;
  bool reads_as_integer = true;
  for (const char* c = text; c != end; ++c) {
    if (*c == '.' || *c == 'e') reads_as_integer = false;
  }
  if (reads_as_integer) {
    *end++ = '.';
    *end++ = '0';
  }
  out.append(text, static_cast<size_t>(end - text));
}

inline void TimestampFormatter::format(int64_t ns_since_epoch, char* out) {
  constexpr int64_t kNsPerSecond = 1'000'000'000;
  // Floor division: the sub-second part stays in 0..999999999 before 1970 too.
  int64_t second = ns_since_epoch / kNsPerSecond;
  int64_t ns_of_second = ns_since_epoch % kNsPerSecond;
  if (ns_of_second < 0) {
    ns_of_second += kNsPerSecond;
    --second;
  }
  if (!has_cached_second_ || second != cached_second_) {
    constexpr int64_t kSecondsPerDay = 86'400;
    int64_t days = second / kSecondsPerDay;
    int64_t second_of_day = second % kSecondsPerDay;
    if (second_of_day < 0) {
      second_of_day += kSecondsPerDay;
      --days;
    }
    const detail::CivilDate date = detail::civil_from_days(days);
    const auto sod = static_cast<unsigned>(second_of_day);
    char* t = cached_text_;
    // int64 ns spans years 1677..2262: always four digits.
    const auto year = static_cast<unsigned>(date.year);
    detail::write_two_digits(t, year / 100);
    detail::write_two_digits(t + 2, year % 100);
    t[4] = '-';
    detail::write_two_digits(t + 5, date.month);
    t[7] = '-';
    detail::write_two_digits(t + 8, date.day);
    t[10] = 'T';
    detail::write_two_digits(t + 11, sod / 3600);
    t[13] = ':';
    detail::write_two_digits(t + 14, sod / 60 % 60);
    t[16] = ':';
    detail::write_two_digits(t + 17, sod % 60);
    cached_second_ = second;
    has_cached_second_ = true;
  }
  std::memcpy(out, cached_text_, kSecondLength);
  out[kSecondLength] = '.';
  auto micros = static_cast<unsigned>(ns_of_second / 1000);
  for (size_t k = kSecondLength + 6; k > kSecondLength; --k) {
    out[k] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  out[kLength - 1] = 'Z';
}

inline void TimestampFormatter::append(std::string& out, int64_t ns_since_epoch) {
  char text[kLength];
  format(ns_since_epoch, text);
  out.append(text, kLength);
}

}  // namespace logagent::json
