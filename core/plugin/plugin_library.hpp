// One loaded plugin library: the shared object, its validated descriptor and its file.
#pragma once

#include <logagent/plugin.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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
  // Loads `file` and validates its descriptor before any plugin callback runs: a file
  // refused by plugin_file_problem (a relative path, or one that others than root and the
  // agent's user could change; checked before the file is opened), not a loadable library,
  // no logagent_plugin_entry, entry returning NULL, a descriptor too short, another ABI
  // major, a newer ABI minor, an unknown kind, an invalid name, missing callbacks for its
  // kind, an option_size smaller than ABI 1.0's logagent_option or an invalid option
  // schema (see option_table_problem) each throw PluginLoadError.
  static std::shared_ptr<PluginLibrary> load(const std::filesystem::path& file);

  // As load, for a descriptor compiled into this process (engine tests): the same checks,
  // with `origin` where messages name the file. file() returns `origin`.
  static std::shared_ptr<PluginLibrary> from_descriptor(const logagent_plugin_descriptor* descriptor,
                                                        std::string origin);

  // Copied from the plugin (min(struct_size, sizeof)), except that `options` points at
  // options() and `option_size` is sizeof(logagent_option), so indexing it is safe.
  const logagent_plugin_descriptor& descriptor() const noexcept { return descriptor_; }
  // The option table, each entry read with the plugin's stride and copied into a zeroed
  // logagent_option (members of a later ABI minor dropped, members it lacks 0/NULL).
  const std::vector<logagent_option>& options() const noexcept { return options_; }
  const std::filesystem::path& file() const noexcept { return file_; }
  std::string_view name() const noexcept { return descriptor_.name; }
  uint32_t kind() const noexcept { return descriptor_.kind; }

 private:
  PluginLibrary() = default;
  // Copies and validates `raw`; throws PluginLoadError naming `origin`.
  void adopt(const logagent_plugin_descriptor* raw, const std::string& origin);

  boost::dll::shared_library library_;  // not loaded for from_descriptor
  std::filesystem::path file_;
  logagent_plugin_descriptor descriptor_{};
  std::vector<logagent_option> options_;
};

}  // namespace logagent::core
