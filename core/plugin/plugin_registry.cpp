// Finding plugin libraries in the plugin folders: all of them, or only those a pipeline needs.
#include "plugin/plugin_registry.hpp"

#include "plugin/plugin_file_safety.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <system_error>

namespace logagent::core {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe.parent_path();
}

// The *.so files directly inside each folder, in search order and by name within a folder
// (deterministic: which of two duplicates wins). A folder listed twice is searched once.
std::vector<std::filesystem::path> list_libraries(const std::vector<std::filesystem::path>& dirs,
                                                  std::vector<std::string>& problems) {
  std::vector<std::filesystem::path> all;
  std::vector<std::filesystem::path> seen_dirs;
  for (const auto& dir : dirs) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(dir, ec);
    if (std::find(seen_dirs.begin(), seen_dirs.end(), canonical) != seen_dirs.end()) continue;
    seen_dirs.push_back(canonical);
    if (!std::filesystem::is_directory(dir, ec)) {
      problems.push_back(dir.string() + ": plugin folder does not exist or is not a folder");
      continue;
    }
    // Refused as a whole, before any of its files is opened.
    if (auto problem = plugin_folder_problem(dir)) {
      problems.push_back(std::move(*problem));
      continue;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so" && !entry.is_directory()) files.push_back(entry.path());
    }
    if (ec) {
      problems.push_back(dir.string() + ": cannot list plugin folder: " + ec.message());
      continue;
    }
    std::sort(files.begin(), files.end());
    all.insert(all.end(), files.begin(), files.end());
  }
  return all;
}

std::string describe(uint32_t kind, std::string_view name) {
  return std::string(kind_name(kind)) + " \"" + std::string(name) + "\"";
}

}  // namespace

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& service_dirs,
                                                      const std::filesystem::path& config_dir,
                                                      std::vector<std::string>& problems) {
  std::vector<std::filesystem::path> dirs;
  if (auto exe_dir = executable_dir(); !exe_dir.empty()) {
    for (const auto& candidate : {exe_dir / "plugins", exe_dir / LOGAGENT_PLUGIN_RELDIR}) {
      std::error_code ec;
      if (std::filesystem::is_directory(candidate, ec)) dirs.push_back(candidate.lexically_normal());
    }
  }
  // A relative folder in a pipeline file is the file's neighbour (as Fluent Bit reads its
  // parsers_file), never the current directory's. operator/ keeps an absolute one as it is.
  for (const std::string& d : service_dirs) dirs.push_back((config_dir / d).lexically_normal());
  if (const char* env = std::getenv("LOGAGENT_PLUGIN_PATH"); env != nullptr) {
    std::string_view rest = env;
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view part = rest.substr(0, colon);
      // An empty entry means the current directory in PATH; a relative one names a folder
      // of the current directory. Neither is searched: the absolute path of the current
      // directory is how to ask for it.
      if (!part.empty() && part.front() != '/') {
        problems.push_back("LOGAGENT_PLUGIN_PATH: \"" + std::string(part) +
                           "\" is a relative path, so what it names depends on the current directory: ignored; "
                           "give an absolute path, e.g. \"$PWD/" +
                           std::filesystem::path(part).lexically_normal().string() + "\"");
      } else if (!part.empty()) {
        dirs.emplace_back(part);
      }
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
  }
  return dirs;
}

std::string conventional_file_name(uint32_t kind, std::string_view name) {
  const char* prefix = kind == LOGAGENT_KIND_INPUT ? "in_" : kind == LOGAGENT_KIND_FILTER ? "filter_" : "out_";
  return prefix + std::string(name) + ".so";
}

void PluginRegistry::add(std::shared_ptr<PluginLibrary> lib, std::vector<std::string>& problems) {
  if (auto existing = find(lib->kind(), lib->name())) {
    problems.push_back(lib->file().string() + ": " + std::string(kind_name(lib->kind())) + " plugin \"" +
                       std::string(lib->name()) + "\" is already provided by " + existing->file().string());
    return;
  }
  libraries_.push_back(std::move(lib));
}

PluginRegistry PluginRegistry::discover(const std::vector<std::filesystem::path>& dirs,
                                        std::vector<std::string>& problems) {
  PluginRegistry registry;
  for (const auto& file : list_libraries(dirs, problems)) {
    try {
      registry.add(PluginLibrary::load(file), problems);
    } catch (const PluginLoadError& e) {
      problems.emplace_back(e.what());
    }
  }
  return registry;
}

PluginRegistry PluginRegistry::load_needed(const std::vector<std::filesystem::path>& dirs,
                                           const std::vector<PluginName>& needed, std::vector<std::string>& warnings) {
  PluginRegistry registry;
  const std::vector<std::filesystem::path> files = list_libraries(dirs, warnings);
  std::set<std::filesystem::path> tried;
  auto settled = [&](const PluginName& p) {
    return registry.find(p.kind, p.name) != nullptr || registry.load_problem(p.kind, p.name) != nullptr;
  };

  for (const PluginName& plugin : needed) {
    if (settled(plugin)) continue;
    const std::string wanted = conventional_file_name(plugin.kind, plugin.name);
    for (const auto& file : files) {
      if (file.filename() != wanted || !tried.insert(file).second) continue;
      try {
        auto lib = PluginLibrary::load(file);
        const bool is_it = lib->kind() == plugin.kind && lib->name() == plugin.name;
        if (!is_it) {
          warnings.push_back(file.string() + ": named like the " + describe(plugin.kind, plugin.name) +
                             " plugin but declares the " + describe(lib->kind(), lib->name()));
        }
        registry.add(std::move(lib), warnings);
        if (is_it) break;
      } catch (const PluginLoadError& e) {
        registry.load_problems_[{plugin.kind, plugin.name}] = e.what();
        break;
      }
    }
  }

  // Third-party files may be named freely: open the others, in order, only while needed.
  auto all_settled = [&] { return std::all_of(needed.begin(), needed.end(), settled); };
  for (const auto& file : files) {
    if (all_settled()) break;
    if (!tried.insert(file).second) continue;
    try {
      registry.add(PluginLibrary::load(file), warnings);
    } catch (const PluginLoadError& e) {
      warnings.emplace_back(e.what());
      registry.unusable_files_.push_back(file);
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

const std::string* PluginRegistry::load_problem(uint32_t kind, std::string_view name) const {
  auto it = load_problems_.find({kind, std::string(name)});
  return it == load_problems_.end() ? nullptr : &it->second;
}

}  // namespace logagent::core
