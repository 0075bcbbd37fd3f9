// The time_key and time_format options of a plugin that parses text into fields (the regex
// and json filters): the same names, rules and errors in every such plugin.
//
// Header-only, compiled into each plugin that includes it.
//
//   const logagent_option kOptions[] = {
//       logagent::option("time_key", LOGAGENT_OPTION_STRING).doc("The capture holding ...").example("\"time\""),
//       logagent::time_format_option("\"%d/%b/%Y:%H:%M:%S %z\""),
//       ...
//   };
//   std::optional<logagent::TimeKeyOption> time = logagent::read_time_key_option(config);
//   if (time) ... time->key names the field, time->format reads it
#pragma once

#include <logagent/plugin.hpp>
#include <logagent/time_format.hpp>

#include <optional>
#include <string>
#include <utility>

namespace logagent {

// `example`: a format typical of what the plugin parses, as TOML.
constexpr Option time_format_option(const char* example) noexcept {
  return option("time_format", LOGAGENT_OPTION_STRING)
      .doc("strptime-style format of time_key: %Y %m %d %H %M %S %f %b %z %Z %T %F")
      .example(example);
}

struct TimeKeyOption {
  std::string key;  // as written; what it names (a capture, a member) is the plugin's to check
  TimeFormat format;
};

// nullopt when neither option is set. Throws OptionError at the option at fault: one given
// without the other, or a format that does not compile (with TimeFormat's reason).
inline std::optional<TimeKeyOption> read_time_key_option(const Config& config) {
  const bool has_key = config.has("time_key");
  const bool has_format = config.has("time_format");
  if (has_key != has_format) {
    throw OptionError(has_key ? "time_key" : "time_format", "time_key and time_format go together");
  }
  if (!has_key) return std::nullopt;
  std::string key = config.get_string("time_key");
  std::string why;
  std::optional<TimeFormat> format = TimeFormat::compile(config.get_string("time_format"), why);
  if (!format) throw OptionError("time_format", "time_format: " + why);
  return TimeKeyOption{std::move(key), std::move(*format)};
}

}  // namespace logagent
