// Parsing of durations and sizes.
#include "plugin/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace logagent::core {
namespace {

struct NumberAndUnit {
  double number;
  std::string unit;  // lower-cased
};

std::optional<NumberAndUnit> split(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  if (end == 0) return std::nullopt;
  double number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
  if (ec != std::errc{} || ptr != text.data() + end || !std::isfinite(number)) return std::nullopt;
  std::string_view rest = text.substr(end);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  std::string unit;
  for (char c : rest) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return NumberAndUnit{number, unit};
}

std::optional<int64_t> scaled(double number, double scale) {
  double v = number * scale;
  if (v > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(v));
}

struct Unit {
  int64_t scale;
  const char* name;
};

// `units` from the largest; the last has scale 1.
template <size_t N>
std::string format_exact(int64_t value, const std::array<Unit, N>& units) {
  for (const Unit& u : units) {
    if (value != 0 && value % u.scale == 0) return std::to_string(value / u.scale) + u.name;
  }
  return std::to_string(value) + units.back().name;
}

}  // namespace

std::string format_duration(int64_t ns) {
  static constexpr std::array<Unit, 6> kUnits = {{{3'600'000'000'000, "h"},
                                                  {60'000'000'000, "m"},
                                                  {1'000'000'000, "s"},
                                                  {1'000'000, "ms"},
                                                  {1'000, "us"},
                                                  {1, "ns"}}};
  return format_exact(ns, kUnits);
}

std::string format_size(int64_t bytes) {
  static constexpr std::array<Unit, 4> kUnits = {
      {{int64_t{1} << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}, {1, "B"}}};
  return format_exact(bytes, kUnits);
}

std::optional<int64_t> parse_duration_ns(std::string_view text) {
  auto parsed = split(text);
  if (!parsed) return std::nullopt;
  const std::string& u = parsed->unit;
  double scale = 0;
  if (u.empty() || u == "s")
    scale = 1e9;
  else if (u == "ms")
    scale = 1e6;
  else if (u == "us")
    scale = 1e3;
  else if (u == "ns")
    scale = 1;
  else if (u == "m")
    scale = 60e9;
  else if (u == "h")
    scale = 3600e9;
  else
    return std::nullopt;
  return scaled(parsed->number, scale);
}

std::optional<int64_t> parse_size_bytes(std::string_view text) {
  auto parsed = split(text);
  if (!parsed) return std::nullopt;
  const std::string& u = parsed->unit;
  double scale = 0;
  if (u.empty() || u == "b")
    scale = 1;
  else if (u == "k" || u == "kb" || u == "kib")
    scale = 1024.0;
  else if (u == "m" || u == "mb" || u == "mib")
    scale = 1024.0 * 1024;
  else if (u == "g" || u == "gb" || u == "gib")
    scale = 1024.0 * 1024 * 1024;
  else
    return std::nullopt;
  return scaled(parsed->number, scale);
}

}  // namespace logagent::core
