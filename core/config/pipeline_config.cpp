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
  if (it != component.options.end()) return it->second.where;
  // "TABLE.KEY": an item of a table option. Option names hold no dots, keys may
  // ("rdkafka.linger.ms"), so the first dot ends the option's name.
  const size_t dot = option.find('.');
  if (dot == std::string_view::npos) return component.where;
  it = component.options.find(option.substr(0, dot));
  if (it == component.options.end()) return component.where;
  const OptionValue& table = it->second;
  if (table.type != LOGAGENT_OPTION_STRING_TABLE) return component.where;
  const std::string_view key = option.substr(dot + 1);
  for (size_t i = 0; i < table.items.size() && i < table.item_where.size(); ++i) {
    if (table.items[i].first == key) return table.item_where[i];
  }
  return table.where;  // a key the table does not hold: the table itself
}

}  // namespace logagent::core
