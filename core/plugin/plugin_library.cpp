// Loading a plugin library and validating its descriptor before calling into it.
#include "plugin/plugin_library.hpp"

// Same static library (logagent_core): the schema checks below are the config loader's own,
// so a default that loads here is one the config loader accepts.
#include "config/config_loader.hpp"
#include "config/pipeline_config.hpp"

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <fstream>

namespace logagent::core {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& reason) {
  throw PluginLoadError(file.string() + ": " + reason);
}

bool valid_plugin_name(const char* name) {
  if (name == nullptr || *name == '\0') return false;
  for (const char* p = name; *p; ++p) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return std::strlen(name) <= 64;
}

void validate_options(const std::filesystem::path& file, const logagent_plugin_descriptor& d) {
  if (d.option_count != 0 && d.options == nullptr)
    fail(file, "option_count is " + std::to_string(d.option_count) + " but options is NULL");
  for (uint32_t i = 0; i < d.option_count; ++i) {
    const logagent_option& o = d.options[i];
    if (o.name == nullptr || !valid_plugin_name(o.name))
      fail(file, "option " + std::to_string(i) + " has an invalid name (expected [a-z0-9_]+)");
    if (o.type < LOGAGENT_OPTION_STRING || o.type > LOGAGENT_OPTION_STRING_TABLE)
      fail(file, "option \"" + std::string(o.name) + "\" has unknown type " + std::to_string(o.type));
    for (uint32_t j = 0; j < i; ++j) {
      if (std::strcmp(d.options[j].name, o.name) == 0)
        fail(file, "option \"" + std::string(o.name) + "\" is declared twice");
    }
    const std::string option_of = "option \"" + std::string(o.name) + "\" of plugin \"" + d.name + "\"";
    // The core takes these out of the section before the plugin sees its options, so the
    // plugin's own would never reach it.
    for (const logagent_option& common : common_options(d.kind)) {
      if (std::strcmp(common.name, o.name) == 0)
        fail(file, option_of + " is reserved: the core reads it for every " + std::string(kind_name(d.kind)));
    }
    if (o.default_value == nullptr) continue;
    const std::string default_text = "\"" + std::string(o.default_value) + "\"";
    if (o.required)
      fail(file, option_of + " is required and has the default " + default_text +
                     ": a required option must have default_value NULL");
    OptionValue value;
    if (auto problem = convert_option(o, nullptr, value))
      fail(file, option_of + " has an invalid default " + default_text + ": " + *problem);
  }
}

// True when `file` can be read and does not start as an ELF file does.
bool readable_but_not_elf(const std::filesystem::path& file) {
  constexpr std::array<char, 4> kElfMagic = {'\x7f', 'E', 'L', 'F'};
  std::array<char, 4> head{};
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  in.read(head.data(), head.size());
  return in.gcount() != static_cast<std::streamsize>(head.size()) || head != kElfMagic;
}

// What dlopen said about `file`, read at once: Boost.DLL's error_code is "Bad file
// descriptor" for every dlopen failure, so its own message ends with that whatever happened.
// Boost's throwing load() reads dlerror() the same way, after the error_code overload.
std::string dlopen_failure(const std::filesystem::path& file) {
  const char* error = dlerror();
  std::string reason = error != nullptr ? error : "dlopen failed without saying why";
  // dlerror names the path it was given (Boost adds "./" to a bare file name); our message
  // already starts with the file.
  for (const std::string& prefix : {file.string() + ": ", "./" + file.string() + ": "}) {
    if (reason.starts_with(prefix)) {
      reason.erase(0, prefix.size());
      break;
    }
  }
  // "file too short" or "invalid ELF header" alone do not say the file is no library at all.
  if (readable_but_not_elf(file)) reason = "not an ELF shared object (" + reason + ")";
  return reason;
}

}  // namespace

std::string_view kind_name(uint32_t kind) noexcept {
  switch (kind) {
    case LOGAGENT_KIND_INPUT:
      return "input";
    case LOGAGENT_KIND_FILTER:
      return "filter";
    case LOGAGENT_KIND_OUTPUT:
      return "output";
    default:
      return "unknown";
  }
}

std::string_view section_name(uint32_t kind) noexcept {
  switch (kind) {
    case LOGAGENT_KIND_INPUT:
      return "inputs";
    case LOGAGENT_KIND_FILTER:
      return "filters";
    case LOGAGENT_KIND_OUTPUT:
      return "outputs";
    default:
      return "unknown";
  }
}

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::filesystem::path& file) {
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->file_ = file;
  boost::dll::fs::error_code error;
  lib->library_.load(boost::dll::fs::path(file.string()),
                     boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
  if (error) fail(file, "not a loadable library: " + dlopen_failure(file));
  if (!lib->library_.has(LOGAGENT_PLUGIN_ENTRY_SYMBOL))
    fail(file, "not a logagent plugin: no exported symbol " LOGAGENT_PLUGIN_ENTRY_SYMBOL);

  auto entry = lib->library_.get<std::remove_pointer_t<logagent_plugin_entry_fn>>(LOGAGENT_PLUGIN_ENTRY_SYMBOL);
  const logagent_plugin_descriptor* raw = nullptr;
  try {
    raw = entry(LOGAGENT_ABI_MAJOR, LOGAGENT_ABI_MINOR);
  } catch (...) {  // a C++ plugin breaking the rule that nothing crosses the C boundary
    fail(file, LOGAGENT_PLUGIN_ENTRY_SYMBOL " threw an exception");
  }
  if (raw == nullptr)
    fail(file, LOGAGENT_PLUGIN_ENTRY_SYMBOL " returned no descriptor (the plugin refused this agent's ABI)");

  // Read the fixed head first: struct_size and the ABI version decide what else is safe.
  constexpr size_t kMinimum = offsetof(logagent_plugin_descriptor, destroy) + sizeof(raw->destroy);
  if (raw->struct_size < kMinimum)
    fail(file, "descriptor struct_size " + std::to_string(raw->struct_size) + " is smaller than the minimum " +
                   std::to_string(kMinimum));
  const std::string versions = "plugin ABI " + std::to_string(raw->abi_major) + "." + std::to_string(raw->abi_minor) +
                               ", agent ABI " + std::to_string(LOGAGENT_ABI_MAJOR) + "." +
                               std::to_string(LOGAGENT_ABI_MINOR);
  if (raw->abi_major != LOGAGENT_ABI_MAJOR) fail(file, "incompatible ABI major version (" + versions + ")");
  if (raw->abi_minor > LOGAGENT_ABI_MINOR) fail(file, "plugin needs a newer agent (" + versions + ")");

  std::memcpy(&lib->descriptor_, raw, std::min<size_t>(raw->struct_size, sizeof(logagent_plugin_descriptor)));
  const logagent_plugin_descriptor& d = lib->descriptor_;

  if (d.kind < LOGAGENT_KIND_INPUT || d.kind > LOGAGENT_KIND_OUTPUT)
    fail(file, "unknown plugin kind " + std::to_string(d.kind));
  if (!valid_plugin_name(d.name)) fail(file, "invalid plugin name (expected 1 to 64 characters of [a-z0-9_])");
  if (d.version == nullptr) fail(file, "plugin \"" + std::string(d.name) + "\" has no version");
  if (d.create == nullptr || d.destroy == nullptr)
    fail(file, "plugin \"" + std::string(d.name) + "\" lacks create or destroy");
  const std::string who = std::string(kind_name(d.kind)) + " plugin \"" + d.name + "\"";
  if (d.kind == LOGAGENT_KIND_INPUT && d.input_run == nullptr) fail(file, who + " lacks input_run");
  if (d.kind == LOGAGENT_KIND_FILTER && d.filter == nullptr) fail(file, who + " lacks filter");
  if (d.kind == LOGAGENT_KIND_OUTPUT && d.output_write == nullptr) fail(file, who + " lacks output_write");
  validate_options(file, d);
  return lib;
}

const logagent_option* PluginLibrary::find_option(std::string_view name) const noexcept {
  for (uint32_t i = 0; i < descriptor_.option_count; ++i) {
    if (name == descriptor_.options[i].name) return &descriptor_.options[i];
  }
  return nullptr;
}

}  // namespace logagent::core
