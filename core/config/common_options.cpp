// The options the core itself reads from every input, filter and output section.
#include "config/pipeline_config.hpp"

namespace logagent::core {

const std::vector<logagent_option>& common_options(uint32_t kind) {
  static const std::vector<logagent_option> inputs = {
      {.name = "type",
       .type = LOGAGENT_OPTION_STRING,
       .required = 1,
       .default_value = nullptr,
       .doc = "The input plugin to run",
       .example = "\"stdin\""},
      {.name = "tag",
       .type = LOGAGENT_OPTION_STRING,
       .required = 0,
       .default_value = nullptr,
       .doc = "Tag of every event of this input, selected by filters' and outputs' match (default: the type)",
       .example = "\"app.access\""},
  };
  static const std::vector<logagent_option> filters = {
      {.name = "type",
       .type = LOGAGENT_OPTION_STRING,
       .required = 1,
       .default_value = nullptr,
       .doc = "The filter plugin to run",
       .example = "\"regex\""},
      {.name = "match",
       .type = LOGAGENT_OPTION_STRING,
       .required = 0,
       .default_value = "*",
       .doc = "Glob selecting the tags this filter applies to (* ? [a-z] [!a-z])",
       .example = "\"app.*\""},
  };
  static const std::vector<logagent_option> outputs = {
      {.name = "type",
       .type = LOGAGENT_OPTION_STRING,
       .required = 1,
       .default_value = nullptr,
       .doc = "The output plugin to run",
       .example = "\"stdout\""},
      {.name = "match",
       .type = LOGAGENT_OPTION_STRING,
       .required = 0,
       .default_value = "*",
       .doc = "Glob selecting the tags this output receives (* ? [a-z] [!a-z])",
       .example = "\"app.*\""},
      {.name = "retry_backoff",
       .type = LOGAGENT_OPTION_DURATION,
       .required = 0,
       .default_value = "100ms",
       .doc = "Delay before the first retry of a batch the output answered RETRY for; doubles each time",
       .example = "\"1s\""},
      {.name = "retry_max_backoff",
       .type = LOGAGENT_OPTION_DURATION,
       .required = 0,
       .default_value = "30s",
       .doc = "Upper bound of the retry delay",
       .example = "\"1m\""},
      {.name = "retry_limit",
       .type = LOGAGENT_OPTION_INT,
       .required = 0,
       .default_value = "0",
       .doc = "Retries before a batch counts as a permanent error; 0 retries until delivered",
       .example = "5"},
  };
  static const std::vector<logagent_option> none;
  switch (kind) {
    case LOGAGENT_KIND_INPUT:
      return inputs;
    case LOGAGENT_KIND_FILTER:
      return filters;
    case LOGAGENT_KIND_OUTPUT:
      return outputs;
    default:
      return none;
  }
}

std::string ComponentConfig::label() const {
  return std::string(section_name(kind)) + "[" + std::to_string(index) + "] (type \"" + type + "\")";
}

}  // namespace logagent::core
