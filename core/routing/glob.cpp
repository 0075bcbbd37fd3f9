// Glob matching without recursion: linear backtracking over the last `*` only.
#include "routing/glob.hpp"

namespace logagent::core {
namespace {

// Matches one character against the class starting at pattern[p] == '['. Returns the
// index after the closing ']' and sets `matched`.
size_t match_class(std::string_view pattern, size_t p, char c, bool& matched) {
  ++p;
  bool negate = p < pattern.size() && (pattern[p] == '!' || pattern[p] == '^');
  if (negate) ++p;
  bool found = false;
  bool first = true;
  while (p < pattern.size() && (pattern[p] != ']' || first)) {
    first = false;
    char lo = pattern[p];
    if (lo == '\\' && p + 1 < pattern.size()) lo = pattern[++p];
    char hi = lo;
    if (p + 2 < pattern.size() && pattern[p + 1] == '-' && pattern[p + 2] != ']') {
      hi = pattern[p + 2];
      if (hi == '\\' && p + 3 < pattern.size()) {
        hi = pattern[p + 3];
        ++p;
      }
      p += 2;
    }
    if (static_cast<unsigned char>(lo) <= static_cast<unsigned char>(c) &&
        static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi))
      found = true;
    ++p;
  }
  matched = found != negate;
  return p + 1;  // past ']'
}

}  // namespace

std::optional<std::string> Glob::validate(std::string_view pattern) {
  if (pattern.empty()) return "an empty pattern matches nothing; use \"*\" to match every tag";
  for (size_t p = 0; p < pattern.size(); ++p) {
    char c = pattern[p];
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "control character at offset " + std::to_string(p);
    if (c == '\\') {
      if (p + 1 == pattern.size()) return "trailing backslash escapes nothing";
      ++p;
    } else if (c == '[') {
      size_t q = p + 1;
      if (q < pattern.size() && (pattern[q] == '!' || pattern[q] == '^')) ++q;
      if (q < pattern.size() && pattern[q] == ']') ++q;  // a leading ']' is literal
      while (q < pattern.size() && pattern[q] != ']') {
        if (pattern[q] == '\\') ++q;
        ++q;
      }
      if (q >= pattern.size()) return "unclosed '[' at offset " + std::to_string(p);
      p = q;
    } else if (c == ']') {
      return "unmatched ']' at offset " + std::to_string(p);
    }
  }
  return std::nullopt;
}

bool Glob::matches(std::string_view text) const noexcept {
  std::string_view pattern = pattern_;
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (c == '?') {
        ++p;
        ++t;
        continue;
      }
      if (c == '[') {
        bool matched = false;
        size_t next = match_class(pattern, p, text[t], matched);
        if (matched) {
          p = next;
          ++t;
          continue;
        }
      } else {
        if (c == '\\' && p + 1 < pattern.size()) c = pattern[p + 1];
        if (c == text[t]) {
          p += pattern[p] == '\\' ? 2 : 1;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace logagent::core
