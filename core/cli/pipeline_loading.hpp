// From a pipeline file to a validated configuration with its plugins found.
#pragma once

#include "config/pipeline_config.hpp"
#include "config/pipeline_tests.hpp"
#include "plugin/plugin_registry.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace logagent::cli {

struct LoadedPipeline {
  core::PluginRegistry registry;
  core::PipelineConfig config;
  std::vector<core::PipelineTest> tests;  // read only when asked for (check, test)
};

// Whether the [[tests]] tables are validated and read: `run` accepts them unread.
enum class PipelineTests { Ignore, Read };

// Every problem found (TOML syntax, a plugin library the pipeline names that cannot be
// used, invalid options, routes, and with PipelineTests::Read the [[tests]]) is appended to
// `errors` as a line for the user; returns nullopt if there was any. Only the plugin
// libraries the pipeline names are loaded (see PluginRegistry::load_needed); what is wrong
// with other files met while looking for them is printed on stderr as "warning: ..."
// lines and does not fail the load.
std::optional<LoadedPipeline> load_pipeline(const std::filesystem::path& file, std::vector<std::string>& errors,
                                            PipelineTests tests = PipelineTests::Ignore);

// load_pipeline, and on failure each error on stderr, then "FILE: N errors".
std::optional<LoadedPipeline> load_pipeline_or_report(const std::string& file, PipelineTests tests);

// "FILE: N errors" on stderr, after the errors themselves.
void print_error_count(const std::string& file, size_t count);

}  // namespace logagent::cli
