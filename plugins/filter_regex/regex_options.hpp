// The regex filter's configuration, read and checked once in create; read-only afterwards.
#pragma once

#include "convert.hpp"

#include <logagent/plugin.hpp>
#include <logagent/regex.hpp>
#include <logagent/time_format.hpp>
#include <logagent/time_key_option.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace logagent::plugins::regex_filter {

// keep: unchanged, unmarked; tag: unchanged and marked (the default); drop: removed.
enum class OnMismatch : uint8_t { keep, tag, drop };

struct Capture {
  uint32_t group = 0;  // group number in its pattern
  logagent_key key = LOGAGENT_NO_KEY;
  CaptureType type = CaptureType::string;
  bool time = false;       // the time_key capture
  std::string type_error;  // `regex: capture "size" is not an int`
};

struct Pattern {
  Regex regex;
  std::vector<Capture> captures;
  std::string limit_error;  // the mark for a match that hit PCRE2's limits
  std::string failure;      // the mark for any other PCRE2 failure
};

struct RegexOptionsRead {
  std::vector<Pattern> patterns;
  logagent_key source = LOGAGENT_NO_KEY;
  std::string source_name;
  bool keep_source = true;
  OnMismatch on_mismatch = OnMismatch::tag;
  std::optional<TimeFormat> time_format;
  std::string time_error;  // `regex: capture "time" does not match time_format "..."`
};

// The option table, in the order `logagent plugins regex` prints it.
extern const logagent_option kOptions[8];

// Throws OptionError naming the option at fault (a pattern that does not compile, a type
// that is not one, a type for a capture no pattern has) or ConfigError.
RegexOptionsRead read_options(const Host& host, const Config& config);

}  // namespace logagent::plugins::regex_filter
