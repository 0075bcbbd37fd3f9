// Labels and option positions of a validated component, for messages about it.
#include "config/pipeline_config.hpp"

namespace logagent::core {

std::string ComponentConfig::label() const {
  return std::string(section_name(kind)) + "[" + std::to_string(index) + "] (type \"" + type + "\")";
}

std::string PipelineConfig::counts_text() const {
  auto counted = [](size_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); };
  return counted(inputs.size(), "input") + ", " + counted(filters.size(), "filter") + ", " +
         counted(outputs.size(), "output");
}

SourcePosition option_position(const ComponentConfig& component, std::string_view option) {
  // The core's own options leave `options` when read; those with a position of their own:
  if (option == "match" && component.kind != LOGAGENT_KIND_INPUT) return component.match_where;
  if (option == "id") return component.id_where;
  auto it = component.options.find(option);
  return it == component.options.end() ? component.where : it->second.where;
}

}  // namespace logagent::core
