// The plugins available to this agent: the libraries found in the plugin folders.
#pragma once

#include "plugin/plugin_library.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logagent::core {

// Folders searched, in order: the built-in folder next to the binary (<exe>/plugins in a
// build tree, <prefix>/<libdir>/logagent/plugins when installed), then `service_dirs`
// (`service.plugin_dirs`, a relative one taken from `config_dir`, the pipeline file's
// folder), then each folder of LOGAGENT_PLUGIN_PATH (colon-separated). The current
// directory is searched only when named by its absolute path: an empty entry of
// LOGAGENT_PLUGIN_PATH is skipped, and a relative one is skipped with a line in `problems`.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& service_dirs,
                                                      const std::filesystem::path& config_dir,
                                                      std::vector<std::string>& problems);

// A plugin a pipeline names: its kind and its `type`.
struct PluginName {
  uint32_t kind = 0;
  std::string name;
};

// The file an in-tree plugin of this kind and name is built as: in_<name>.so,
// filter_<name>.so or out_<name>.so.
std::string conventional_file_name(uint32_t kind, std::string_view name);

class PluginRegistry {
 public:
  // For `logagent plugins`: loads every *.so directly inside each folder. Each folder or
  // library that cannot be used (none of the files of a folder plugin_folder_problem
  // refuses is opened), and each later library declaring a kind and name already provided
  // (the first in search order wins), adds one message to `problems` naming the folder or
  // file; the others remain usable.
  static PluginRegistry discover(const std::vector<std::filesystem::path>& dirs, std::vector<std::string>& problems);

  // For `run` and `check`: loads only what provides `needed`. A plugin is looked for first
  // as its conventional_file_name, in the folders in search order; the first such file is
  // the one used, and when it cannot be, load_problem() says why. The plugins not found
  // that way are then looked for in the other *.so files, in search order, until every one
  // is found. Whatever is wrong with a file met only then (a broken library, kept in
  // unusable_files(), or a duplicate name), and a missing or refused folder, only adds a
  // line to `warnings`: the pipeline may well not need that file.
  static PluginRegistry load_needed(const std::vector<std::filesystem::path>& dirs,
                                    const std::vector<PluginName>& needed, std::vector<std::string>& warnings);

  std::shared_ptr<PluginLibrary> find(uint32_t kind, std::string_view name) const;
  std::vector<std::string> names(uint32_t kind) const;  // sorted
  const std::vector<std::shared_ptr<PluginLibrary>>& libraries() const noexcept { return libraries_; }

  // load_needed: why the file named for (kind, name) by convention could not be used
  // ("<file>: <reason>"), or nullptr.
  const std::string* load_problem(uint32_t kind, std::string_view name) const;
  // load_needed: the files met while looking for a plugin that could not be used.
  const std::vector<std::filesystem::path>& unusable_files() const noexcept { return unusable_files_; }

 private:
  // Adds `lib` unless its kind and name are taken; then says so in `problems`.
  void add(std::shared_ptr<PluginLibrary> lib, std::vector<std::string>& problems);

  std::vector<std::shared_ptr<PluginLibrary>> libraries_;
  std::map<std::pair<uint32_t, std::string>, std::string> load_problems_;
  std::vector<std::filesystem::path> unusable_files_;
};

}  // namespace logagent::core
