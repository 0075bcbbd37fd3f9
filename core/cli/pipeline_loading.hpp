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

// Every problem found (TOML syntax, unusable plugin libraries, invalid options, routes)
// is appended to `errors` as a line for the user; returns nullopt if there was any.
std::optional<LoadedPipeline> load_pipeline(const std::filesystem::path& file, std::vector<std::string>& errors);

}  // namespace logagent::cli
