// The plugins available to this agent: every library found in the plugin folders.
#pragma once

#include "plugin/plugin_library.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace logagent::core {

// Folders searched, in order: the built-in folder next to the binary (<exe>/plugins in a
// build tree, <prefix>/<libdir>/logagent/plugins when installed), then `service.plugin_dirs`,
// then each folder of LOGAGENT_PLUGIN_PATH (colon-separated).
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& service_dirs);

class PluginRegistry {
 public:
  // Loads every *.so directly inside each folder. Each library that cannot be used, and
  // each second library declaring an existing kind and name, adds one message to `errors`
  // naming the file; the others remain usable.
  static PluginRegistry discover(const std::vector<std::filesystem::path>& dirs, std::vector<std::string>& errors);

  std::shared_ptr<PluginLibrary> find(uint32_t kind, std::string_view name) const;
  std::vector<std::string> names(uint32_t kind) const;  // sorted
  const std::vector<std::shared_ptr<PluginLibrary>>& libraries() const noexcept { return libraries_; }

 private:
  std::vector<std::shared_ptr<PluginLibrary>> libraries_;
};

}  // namespace logagent::core
