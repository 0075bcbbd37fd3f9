// Reading a pipeline file: TOML syntax, [service], then each section against its plugin.
#pragma once

#include "config/config_error.hpp"
#include "config/pipeline_config.hpp"
#include "plugin/plugin_registry.hpp"

#include <filesystem>
#include <optional>

#include <toml++/toml.h>

namespace logagent::core {

// A parsed file: the TOML tree keeps source positions for every later error.
struct ConfigDocument {
  std::string file;
  toml::table root;
};

// Errors are appended, never thrown: one pass reports everything wrong with a file.
std::optional<ConfigDocument> parse_config_file(const std::filesystem::path& file, ConfigErrors& errors);
std::optional<ConfigDocument> parse_config_text(std::string_view text, std::string file_name, ConfigErrors& errors);

// [service]; unknown sections at the top level are reported here too.
ServiceConfig read_service(const ConfigDocument& doc, ConfigErrors& errors);

// [[inputs]], [[filters]], [[outputs]], each validated against its plugin's option schema.
void read_components(const ConfigDocument& doc, const PluginRegistry& registry, PipelineConfig& config,
                     ConfigErrors& errors);

// Every input's tag reaches at least one output.
void check_routes(const PipelineConfig& config, ConfigErrors& errors);

// Converts a TOML value (or, with node == nullptr, the option's default) to an option value.
// Returns an error message naming what was expected, or nullopt on success.
std::optional<std::string> convert_option(const logagent_option& option, const toml::node* node, OptionValue& out);

}  // namespace logagent::core
