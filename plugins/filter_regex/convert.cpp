// The regex filter's capture types (convert.hpp).
#include "convert.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <system_error>

namespace logagent::plugins::regex_filter {
namespace {

bool equals_caseless(std::string_view text, std::string_view lower_word) noexcept {
  if (text.size() != lower_word.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != lower_word[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<CaptureType> parse_capture_type(std::string_view name) noexcept {
  if (name == "int") return CaptureType::integer;
  if (name == "float") return CaptureType::real;
  if (name == "bool") return CaptureType::boolean;
  if (name == "string") return CaptureType::string;
  return std::nullopt;
}

std::string_view capture_type_name(CaptureType type) noexcept {
  switch (type) {
    case CaptureType::integer:
      return "int";
    case CaptureType::real:
      return "float";
    case CaptureType::boolean:
      return "bool";
    case CaptureType::string:
      break;
  }
  return "string";
}

bool to_int(std::string_view text, int64_t& out) noexcept {
  // from_chars takes a '-' but not a '+'.
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;
  }
  if (text.empty()) return false;
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (ec != std::errc() || ptr != end) return false;
  out = value;
  return true;
}

bool to_float(std::string_view text, double& out) noexcept {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;
  }
  if (text.empty()) return false;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return false;
  out = value;
  return true;
}

bool to_bool(std::string_view text, bool& out) noexcept {
  if (equals_caseless(text, "true")) {
    out = true;
    return true;
  }
  if (equals_caseless(text, "false")) {
    out = false;
    return true;
  }
  return false;
}

}  // namespace logagent::plugins::regex_filter
