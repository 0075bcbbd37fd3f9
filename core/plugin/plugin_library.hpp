// One loaded plugin library: the shared object, its validated descriptor and its file.
#pragma once

#include <logagent/plugin.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace logagent::core {

// A library that cannot be used. what() names the file and the reason.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string_view kind_name(uint32_t kind) noexcept;     // "input", "filter", "output"
std::string_view section_name(uint32_t kind) noexcept;  // "inputs", "filters", "outputs"

// Each instance holds a shared_ptr to its library, and the pipeline destroys instances only
// after the batches and tokens that reach them, so a library's code stays mapped while any
// of it can run.
class PluginLibrary {
 public:
  // Loads `file` and validates its descriptor before any plugin callback runs:
  // not a loadable library, no logagent_plugin_entry, entry returning NULL, a descriptor
  // too short, another ABI major, a newer ABI minor, an unknown kind, an invalid name,
  // missing callbacks for its kind or an invalid option schema (a bad name or type, a name
  // declared twice or reserved by the core for the kind, a required option with a default,
  // a default the config loader would refuse) each throw PluginLoadError.
  static std::shared_ptr<PluginLibrary> load(const std::filesystem::path& file);

  const logagent_plugin_descriptor& descriptor() const noexcept { return descriptor_; }
  const std::filesystem::path& file() const noexcept { return file_; }
  std::string_view name() const noexcept { return descriptor_.name; }
  uint32_t kind() const noexcept { return descriptor_.kind; }
  const logagent_option* find_option(std::string_view name) const noexcept;

 private:
  PluginLibrary() = default;
  boost::dll::shared_library library_;
  std::filesystem::path file_;
  logagent_plugin_descriptor descriptor_{};  // copied from the plugin: min(struct_size, sizeof)
};

}  // namespace logagent::core
