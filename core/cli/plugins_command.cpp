// `logagent plugins [NAME]`: what is installed, and each plugin's options from its schema.
#include "cli/commands.hpp"
#include "config/pipeline_config.hpp"
#include "plugin/plugin_registry.hpp"

#include <cstdio>
#include <string>

namespace logagent::cli {
namespace {

const char* option_type_name(uint32_t type) {
  switch (type) {
    case LOGAGENT_OPTION_STRING:
      return "string";
    case LOGAGENT_OPTION_INT:
      return "integer";
    case LOGAGENT_OPTION_FLOAT:
      return "float";
    case LOGAGENT_OPTION_BOOL:
      return "bool";
    case LOGAGENT_OPTION_DURATION:
      return "duration";
    case LOGAGENT_OPTION_SIZE:
      return "size";
    case LOGAGENT_OPTION_STRING_LIST:
      return "list of strings";
    case LOGAGENT_OPTION_STRING_TABLE:
      return "table of strings";
    default:
      return "?";
  }
}

void print_option(const logagent_option& o) {
  std::string requirement = o.required        ? "required"
                            : o.default_value ? std::string("default: ") + o.default_value
                                              : "optional";
  std::printf("  %-20s %-16s %s\n", o.name, option_type_name(o.type), requirement.c_str());
  if (o.doc && *o.doc) std::printf("  %-20s %s\n", "", o.doc);
  if (o.example && *o.example) std::printf("  %-20s e.g. %s = %s\n", "", o.name, o.example);
}

void print_plugin(const core::PluginLibrary& lib) {
  const auto& d = lib.descriptor();
  std::printf("%s %s %s (ABI %u.%u)\n  %s\n  %s\n\n", std::string(core::kind_name(d.kind)).c_str(), d.name, d.version,
              d.abi_major, d.abi_minor, d.description ? d.description : "", lib.file().c_str());
  std::printf("Options:\n");
  for (uint32_t i = 0; i < d.option_count; ++i) print_option(d.options[i]);
  std::printf("\nOptions of every %s section:\n", std::string(core::kind_name(d.kind)).c_str());
  for (const auto& o : core::common_options(d.kind)) print_option(o);
}

}  // namespace

int plugins_command(const std::string& name) {
  std::vector<std::string> errors;
  const auto dirs = core::plugin_search_path({});
  auto registry = core::PluginRegistry::discover(dirs, errors);
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
  if (registry.libraries().empty()) {
    std::string searched;
    for (const auto& d : dirs) searched += (searched.empty() ? "" : ", ") + d.string();
    std::fprintf(stderr, "no plugins found (searched: %s); set LOGAGENT_PLUGIN_PATH to a plugin folder\n",
                 searched.empty() ? "no folder" : searched.c_str());
    return kExitInvalid;
  }
  if (name.empty()) {
    for (uint32_t kind : {LOGAGENT_KIND_INPUT, LOGAGENT_KIND_FILTER, LOGAGENT_KIND_OUTPUT}) {
      for (const auto& plugin_name : registry.names(kind)) {
        const auto& d = registry.find(kind, plugin_name)->descriptor();
        std::printf("%-7s %-16s %-8s %s\n", std::string(core::kind_name(kind)).c_str(), d.name, d.version,
                    d.description ? d.description : "");
      }
    }
    return errors.empty() ? kExitOk : kExitInvalid;
  }
  bool found = false;
  for (uint32_t kind : {LOGAGENT_KIND_INPUT, LOGAGENT_KIND_FILTER, LOGAGENT_KIND_OUTPUT}) {
    if (auto lib = registry.find(kind, name)) {
      if (found) std::printf("\n");
      print_plugin(*lib);
      found = true;
    }
  }
  if (!found) {
    std::fprintf(stderr, "no plugin named \"%s\"; `logagent plugins` lists them\n", name.c_str());
    return kExitInvalid;
  }
  return errors.empty() ? kExitOk : kExitInvalid;
}

}  // namespace logagent::cli
