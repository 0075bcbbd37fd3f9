// From a pipeline file to a validated configuration with its plugins found.
#pragma once

#include "config/pipeline_config.hpp"
#include "plugin/plugin_registry.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace logagent::cli {

struct LoadedPipeline {
  core::PluginRegistry registry;
  core::PipelineConfig config;
};

// Every problem found (TOML syntax, a plugin library the pipeline names that cannot be
// used, invalid options, routes) is appended to `errors` as a line for the user; returns
// nullopt if there was any. Only the plugin libraries the pipeline names are loaded (see
// PluginRegistry::load_needed); what is wrong with other files met while looking for them
// is printed on stderr as "warning: ..." lines and does not fail the load.
std::optional<LoadedPipeline> load_pipeline(const std::filesystem::path& file, std::vector<std::string>& errors);

}  // namespace logagent::cli
