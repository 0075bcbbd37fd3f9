// The order of validation: syntax, [service], the plugins the sections name, sections, routes,
// tests.
#include "cli/pipeline_loading.hpp"

#include "config/config_loader.hpp"

#include <algorithm>
#include <cstdio>
#include <system_error>
#include <tuple>

namespace logagent::cli {

std::optional<LoadedPipeline> load_pipeline(const std::filesystem::path& file, std::vector<std::string>& errors,
                                            PipelineTests tests) {
  core::ConfigErrors config_errors;
  auto doc = core::parse_config_file(file, config_errors);
  if (!doc) {
    for (const auto& e : config_errors) errors.push_back(e.to_string());
    return std::nullopt;
  }
  LoadedPipeline loaded;
  loaded.config.file = doc->file;
  loaded.config.service = core::read_service(*doc, config_errors);
  // A relative plugin_dirs entry names a neighbour of the pipeline file, wherever the agent
  // was started from (an error leaves it relative, and so refused).
  std::error_code ec;
  const std::filesystem::path config_dir = std::filesystem::absolute(file, ec).parent_path();
  std::vector<std::string> warnings;
  const auto dirs = core::plugin_search_path(loaded.config.service.plugin_dirs, config_dir, warnings);
  // Only the libraries the sections name: a broken library the pipeline does not use (a
  // Kafka output whose librdkafka is missing) must not stop a stdin -> stdout pipeline.
  loaded.registry = core::PluginRegistry::load_needed(dirs, core::needed_plugins(*doc), warnings);
  for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  core::read_components(*doc, loaded.registry, loaded.config, config_errors);
  core::check_routes(loaded.config, config_errors);
  // Ids are looked up only in sections read without error: others would only echo them.
  if (tests == PipelineTests::Read)
    loaded.tests = core::read_tests(*doc, loaded.config, config_errors.empty(), config_errors);
  // In file order, as a compiler reports: checks run section by section, and toml++ keeps
  // a table's keys sorted, so the order found is not the order written.
  std::stable_sort(config_errors.begin(), config_errors.end(), [](const auto& a, const auto& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
  for (const auto& e : config_errors) errors.push_back(e.to_string());
  if (!errors.empty()) return std::nullopt;
  return loaded;
}

void print_error_count(const std::string& file, size_t count) {
  std::fprintf(stderr, "%s: %zu error%s\n", file.c_str(), count, count == 1 ? "" : "s");
}

std::optional<LoadedPipeline> load_pipeline_or_report(const std::string& file, PipelineTests tests) {
  std::vector<std::string> errors;
  auto loaded = load_pipeline(file, errors, tests);
  if (!loaded) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
    print_error_count(file, errors.size());
  }
  return loaded;
}

}  // namespace logagent::cli
