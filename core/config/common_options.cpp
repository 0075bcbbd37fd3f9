// The options the core itself reads from every input, filter and output section.
#include "config/pipeline_config.hpp"

#include <logagent/plugin.hpp>

namespace logagent::core {

const std::vector<logagent_option>& common_options(uint32_t kind) {
  static const std::vector<logagent_option> inputs = {
      logagent::option("type", LOGAGENT_OPTION_STRING).required().doc("The input plugin to run").example("\"stdin\""),
      logagent::option("tag", LOGAGENT_OPTION_STRING)
          .doc("Tag of every event of this input, selected by filters' and outputs' match (default: the type)")
          .example("\"app.access\""),
  };
  static const std::vector<logagent_option> filters = {
      logagent::option("type", LOGAGENT_OPTION_STRING).required().doc("The filter plugin to run").example("\"regex\""),
      logagent::option("match", LOGAGENT_OPTION_STRING)
          .defaults("*")
          .doc("Glob selecting the tags this filter applies to (* ? [a-z] [!a-z])")
          .example("\"app.*\""),
  };
  static const std::vector<logagent_option> outputs = {
      logagent::option("type", LOGAGENT_OPTION_STRING).required().doc("The output plugin to run").example("\"stdout\""),
      logagent::option("match", LOGAGENT_OPTION_STRING)
          .defaults("*")
          .doc("Glob selecting the tags this output receives (* ? [a-z] [!a-z])")
          .example("\"app.*\""),
      logagent::option("retry_backoff", LOGAGENT_OPTION_DURATION)
          .defaults("100ms")
          .doc("Delay before the first retry of a batch the output answered RETRY for; doubles each time")
          .example("\"1s\""),
      logagent::option("retry_max_backoff", LOGAGENT_OPTION_DURATION)
          .defaults("30s")
          .doc("Upper bound of the retry delay")
          .example("\"1m\""),
      logagent::option("retry_limit", LOGAGENT_OPTION_INT)
          .defaults("0")
          .doc("Retries before a batch counts as a permanent error; 0 retries until delivered")
          .example("5"),
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
