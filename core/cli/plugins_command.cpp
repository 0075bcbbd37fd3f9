// `logagent plugins [NAME]`: what is installed, and each plugin's options from its schema.
#include "cli/commands.hpp"
#include "plugin/option_schema.hpp"
#include "plugin/plugin_registry.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace logagent::cli {
namespace {

// Choices, range and secrecy: what `logagent check` enforces, shown before it bites.
std::vector<std::string> constraint_lines(const logagent_option& o) {
  std::vector<std::string> lines;
  std::string choices;
  for (std::string_view c : core::option_choices(o)) {
    choices += (choices.empty() ? "" : ", ") + std::string(c);
  }
  if (!choices.empty())
    lines.push_back((o.type == LOGAGENT_OPTION_STRING_LIST ? "each one of: " : "one of: ") + choices);
  if (o.min_value != nullptr && o.max_value != nullptr)
    lines.push_back(std::string("from ") + o.min_value + " to " + o.max_value);
  else if (o.min_value != nullptr)
    lines.push_back(std::string("at least ") + o.min_value);
  else if (o.max_value != nullptr)
    lines.push_back(std::string("at most ") + o.max_value);
  if (o.secret) lines.emplace_back("secret: its value is never printed");
  return lines;
}

void print_option(const logagent_option& o) {
  std::string requirement = o.required                    ? "required"
                            : o.secret && o.default_value ? "has a default (not shown)"
                            : o.default_value             ? std::string("default: ") + o.default_value
                                                          : "optional";
  std::printf("  %-20s %-16s %s\n", o.name, std::string(core::option_type_name(o.type)).c_str(), requirement.c_str());
  for (const std::string& line : constraint_lines(o)) std::printf("  %-20s %s\n", "", line.c_str());
  if (o.doc && *o.doc) std::printf("  %-20s %s\n", "", o.doc);
  // An example of a secret is only a shape, never a value: still shown.
  if (o.example && *o.example) std::printf("  %-20s e.g. %s = %s\n", "", o.name, o.example);
}

void print_plugin(const core::PluginLibrary& lib) {
  const auto& d = lib.descriptor();
  const std::string kind(core::kind_name(d.kind));
  std::printf("%s %s %s (ABI %u.%u)\n  %s\n  %s\n", kind.c_str(), d.name, d.version, d.abi_major, d.abi_minor,
              d.description ? d.description : "", lib.file().c_str());
  if (!lib.options().empty()) {
    std::printf("\nOptions:\n");
    for (const logagent_option& o : lib.options()) print_option(o);
  }
  std::printf("\nOptions of every %s section:\n", kind.c_str());
  for (const auto& o : core::common_options(d.kind)) print_option(o);
}

}  // namespace

int plugins_command(const std::string& name) {
  std::vector<std::string> problems;
  const auto dirs = core::plugin_search_path({}, {}, problems);
  auto registry = core::PluginRegistry::discover(dirs, problems);
  if (registry.libraries().empty()) {
    for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
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
    // Part of the inventory: each file that is there but cannot be used, and why.
    if (!problems.empty()) {
      std::printf("\nNot usable:\n");
      for (const auto& p : problems) std::printf("  %s\n", p.c_str());
      std::fflush(stdout);
      std::fprintf(stderr, "%zu problem%s in the plugin folders (listed under \"Not usable\")\n", problems.size(),
                   problems.size() == 1 ? "" : "s");
    }
    return problems.empty() ? kExitOk : kExitInvalid;
  }
  for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
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
  return problems.empty() ? kExitOk : kExitInvalid;
}

}  // namespace logagent::cli
