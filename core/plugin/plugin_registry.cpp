// Discovery of plugin libraries in the plugin folders.
#include "plugin/plugin_registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace logagent::core {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe.parent_path();
}

}  // namespace

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& service_dirs) {
  std::vector<std::filesystem::path> dirs;
  if (auto exe_dir = executable_dir(); !exe_dir.empty()) {
    for (auto candidate : {exe_dir / "plugins", exe_dir / LOGAGENT_PLUGIN_RELDIR}) {
      std::error_code ec;
      if (std::filesystem::is_directory(candidate, ec)) dirs.push_back(candidate.lexically_normal());
    }
  }
  for (const std::string& d : service_dirs) dirs.emplace_back(d);
  if (const char* env = std::getenv("LOGAGENT_PLUGIN_PATH"); env != nullptr) {
    std::string_view rest = env;
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view part = rest.substr(0, colon);
      if (!part.empty()) dirs.emplace_back(part);
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
  }
  return dirs;
}

PluginRegistry PluginRegistry::discover(const std::vector<std::filesystem::path>& dirs,
                                        std::vector<std::string>& errors) {
  PluginRegistry registry;
  std::vector<std::filesystem::path> seen_dirs;
  for (const auto& dir : dirs) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(dir, ec);
    if (std::find(seen_dirs.begin(), seen_dirs.end(), canonical) != seen_dirs.end()) continue;
    seen_dirs.push_back(canonical);
    if (!std::filesystem::is_directory(dir, ec)) {
      errors.push_back(dir.string() + ": plugin folder does not exist or is not a folder");
      continue;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so" && !entry.is_directory()) files.push_back(entry.path());
    }
    if (ec) {
      errors.push_back(dir.string() + ": cannot list plugin folder: " + ec.message());
      continue;
    }
    std::sort(files.begin(), files.end());  // deterministic: which duplicate is reported
    for (const auto& file : files) {
      try {
        auto lib = PluginLibrary::load(file);
        if (auto existing = registry.find(lib->kind(), lib->name())) {
          errors.push_back(file.string() + ": " + std::string(kind_name(lib->kind())) + " plugin \"" +
                           std::string(lib->name()) + "\" is already provided by " + existing->file().string());
          continue;
        }
        registry.libraries_.push_back(std::move(lib));
      } catch (const PluginLoadError& e) {
        errors.emplace_back(e.what());
      }
    }
  }
  return registry;
}

std::shared_ptr<PluginLibrary> PluginRegistry::find(uint32_t kind, std::string_view name) const {
  for (const auto& lib : libraries_) {
    if (lib->kind() == kind && lib->name() == name) return lib;
  }
  return nullptr;
}

std::vector<std::string> PluginRegistry::names(uint32_t kind) const {
  std::vector<std::string> out;
  for (const auto& lib : libraries_) {
    if (lib->kind() == kind) out.emplace_back(lib->name());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace logagent::core
