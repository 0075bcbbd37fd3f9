// Reading a pipeline file: TOML syntax, [service], then each section against its plugin.
#pragma once

#include "config/config_error.hpp"
#include "config/environment.hpp"
#include "config/pipeline_config.hpp"
#include "plugin/plugin_registry.hpp"

#include <filesystem>
#include <optional>
#include <vector>

#include <toml++/toml.h>

namespace logagent::core {

// A parsed file: the TOML tree keeps source positions for every later error.
struct ConfigDocument {
  std::string file;
  toml::table root;  // environment variables already substituted in its string values
  // Values naming an unset variable, left as written: reported by read_service and
  // read_components with the section and option they belong to, and then not validated.
  UnsetVariables unset;
};

// Errors are appended, never thrown: one pass reports everything wrong with a file. Every
// string value has its ${NAME} references replaced (see expand_environment), from
// `environment`, before anything validates it.
std::optional<ConfigDocument> parse_config_file(const std::filesystem::path& file, ConfigErrors& errors,
                                                const EnvironmentLookup& environment = process_environment);
std::optional<ConfigDocument> parse_config_text(std::string_view text, const std::string& file_name,
                                                ConfigErrors& errors,
                                                const EnvironmentLookup& environment = process_environment);

// The options of [service], validated with the same machinery as plugin options.
const std::vector<logagent_option>& service_options();

// [service]; unknown sections at the top level are reported here too ([[tests]] is known:
// read by read_tests in config/pipeline_tests.hpp).
ServiceConfig read_service(const ConfigDocument& doc, ConfigErrors& errors);

// The plugins the sections name (each kind and type once, in file order), so that only
// their libraries need loading. Sections without a string `type` are left to
// read_components to report.
std::vector<PluginName> needed_plugins(const ConfigDocument& doc);

// [[inputs]], [[filters]], [[outputs]], each validated against its plugin's option schema;
// then every component's `id` (explicit ones checked, the others derived).
void read_components(const ConfigDocument& doc, const PluginRegistry& registry, PipelineConfig& config,
                     ConfigErrors& errors);

// Every input's tag reaches at least one output.
void check_routes(const PipelineConfig& config, ConfigErrors& errors);

}  // namespace logagent::core
