// The validated pipeline: [service], and each [[inputs]], [[filters]], [[outputs]] section.
#pragma once

#include "config/config_error.hpp"
#include "plugin/option_schema.hpp"
#include "plugin/plugin_library.hpp"

#include <logagent/plugin.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace logagent::core {

struct ServiceConfig {
  std::string log_level = "info";
  std::string state_dir = "/var/lib/logagent";
  std::vector<std::string> plugin_dirs;
  int64_t queue_max_bytes = 4 << 20;  // per input: unacknowledged bytes before emit blocks
  int64_t batch_max_events = 2048;
  int64_t batch_max_bytes = 1 << 20;
  int64_t grace_period_ns = 5'000'000'000;
  int64_t state_flush_interval_ns = 1'000'000'000;  // how often inputs' checkpoints are written at most
};

// One [[inputs]], [[filters]] or [[outputs]] table.
struct ComponentConfig {
  uint32_t kind = 0;  // logagent_kind
  size_t index = 0;   // position within its section
  std::string type;
  SourcePosition where;  // the table
  std::shared_ptr<PluginLibrary> library;

  // Unique in the pipeline when set explicitly, and always for inputs (they keep state).
  // Otherwise derived: "<type>.<tag>" for inputs, "<type>.<match>" for filters and outputs,
  // with characters outside [A-Za-z0-9._-] replaced by '_', so that reordering sections
  // keeps it. A derived id of a filter or output may equal another's: id_unique is then
  // false, and the instance must not keep state under it.
  std::string id;
  bool id_unique = true;
  SourcePosition id_where;  // of the `id` value; of the section when derived

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

// Where `option` of the component was written, or the component's section when it was not
// set (a default, or absent): for errors that point at an option, such as a plugin's
// create refusing one (host set_option_error). "TABLE.KEY" names the item KEY of the table
// option TABLE (KEY may hold dots): its value's position, or the table's when the table
// holds no such key.
SourcePosition option_position(const ComponentConfig& component, std::string_view option);

struct PipelineConfig {
  std::string file;
  ServiceConfig service;
  std::vector<ComponentConfig> inputs;
  std::vector<ComponentConfig> filters;
  std::vector<ComponentConfig> outputs;

  // "1 input, 0 filters, 2 outputs", for the start-up line and check's OK line.
  std::string counts_text() const;
};

}  // namespace logagent::core
