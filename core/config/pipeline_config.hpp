// The validated pipeline: [service], and each [[inputs]], [[filters]], [[outputs]] section.
#pragma once

#include "config/config_error.hpp"
#include "plugin/plugin_library.hpp"

#include <logagent/plugin.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace logagent::core {

// One option's validated value.
struct OptionValue {
  uint32_t type = 0;    // logagent_option_type
  int64_t integer = 0;  // INT, DURATION (ns), SIZE (bytes)
  double real = 0;
  bool boolean = false;
  std::string text;                                        // STRING
  std::vector<std::pair<std::string, std::string>> items;  // LIST (keys empty) and TABLE
  SourcePosition where;                                    // of the value; of the section when it is a default
};

struct ServiceConfig {
  std::string log_level = "info";
  std::string state_dir = "/var/lib/logagent";
  std::vector<std::string> plugin_dirs;
  int64_t queue_max_bytes = 4 << 20;  // per input: unacknowledged bytes before emit blocks
  int64_t batch_max_events = 2048;
  int64_t batch_max_bytes = 1 << 20;
  int64_t grace_period_ns = 5'000'000'000;
};

// One [[inputs]], [[filters]] or [[outputs]] table.
struct ComponentConfig {
  uint32_t kind = 0;  // logagent_kind
  size_t index = 0;   // position within its section
  std::string type;
  SourcePosition where;  // the table
  std::shared_ptr<PluginLibrary> library;

  std::string tag;    // inputs: defaults to the type
  std::string match;  // filters, outputs: glob, defaults to "*"
  SourcePosition match_where;
  int64_t retry_backoff_ns = 100'000'000;         // outputs: first retry delay
  int64_t retry_max_backoff_ns = 30'000'000'000;  // outputs: the delay doubles up to this
  int64_t retry_limit = 0;                        // outputs: 0 = retry until delivered

  std::map<std::string, OptionValue, std::less<>> options;  // the plugin's own, defaults applied

  // `outputs[1] (type "stdout")`, used to prefix errors and log lines.
  std::string label() const;
};

struct PipelineConfig {
  std::string file;
  ServiceConfig service;
  std::vector<ComponentConfig> inputs;
  std::vector<ComponentConfig> filters;
  std::vector<ComponentConfig> outputs;
};

// Options every component of a kind accepts besides its plugin's own (type, tag, match,
// retry_*). Shown by `logagent plugins NAME` and checked like plugin options.
const std::vector<logagent_option>& common_options(uint32_t kind);

}  // namespace logagent::core
