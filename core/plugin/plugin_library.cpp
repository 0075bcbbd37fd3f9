// Loading a plugin library and validating its descriptor before calling into it.
#include "plugin/plugin_library.hpp"

// The schema checks are the config loader's own conversions, so a default that loads here
// is one the config loader accepts.
#include "plugin/option_schema.hpp"
#include "plugin/plugin_file_safety.hpp"

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <utility>

namespace logagent::core {
namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& reason) {
  throw PluginLoadError(origin + ": " + reason);
}

// ABI 1.0's logagent_option ends with `secret`; later minors only append, so every
// plugin's entries are at least this large. Written out rather than sizeof, which grows.
constexpr size_t kOptionSizeAbi1_0 =
    (offsetof(logagent_option, secret) + sizeof(logagent_bool) + alignof(logagent_option) - 1) /
    alignof(logagent_option) * alignof(logagent_option);
static_assert(kOptionSizeAbi1_0 <= sizeof(logagent_option));

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
  // dlerror names the path it was given; our message already starts with the file.
  if (const std::string prefix = file.string() + ": "; reason.starts_with(prefix)) reason.erase(0, prefix.size());
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
  const std::string origin = file.string();
  // Before dlopen, which runs the library's constructors. dlopen opens the path again, but
  // only root and the agent's user can change what it names in between: the check refuses
  // every folder on the way that someone else could write to (in a sticky one, nobody else
  // can rename or remove their entries). Handing dlopen "/proc/self/fd/N" of the file
  // checked would close even that window, but the dynamic linker would then know the
  // library by that name, which debuggers, backtraces and sanitizer reports cannot open.
  // A relative path is refused here, so dlopen never searches the current directory.
  if (auto problem = plugin_file_problem(file)) throw PluginLoadError(*problem);
  boost::dll::fs::error_code error;
  lib->library_.load(boost::dll::fs::path(origin), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
                     error);
  if (error) fail(origin, "not a loadable library: " + dlopen_failure(file));
  if (!lib->library_.has(LOGAGENT_PLUGIN_ENTRY_SYMBOL))
    fail(origin, "not a logagent plugin: no exported symbol " LOGAGENT_PLUGIN_ENTRY_SYMBOL);

  auto entry = lib->library_.get<std::remove_pointer_t<logagent_plugin_entry_fn>>(LOGAGENT_PLUGIN_ENTRY_SYMBOL);
  const logagent_plugin_descriptor* raw = nullptr;
  try {
    raw = entry(LOGAGENT_ABI_MAJOR, LOGAGENT_ABI_MINOR);
  } catch (...) {  // a C++ plugin breaking the rule that nothing crosses the C boundary
    fail(origin, LOGAGENT_PLUGIN_ENTRY_SYMBOL " threw an exception");
  }
  if (raw == nullptr)
    fail(origin, LOGAGENT_PLUGIN_ENTRY_SYMBOL " returned no descriptor (the plugin refused this agent's ABI)");
  lib->adopt(raw, origin);
  return lib;
}

std::shared_ptr<PluginLibrary> PluginLibrary::from_descriptor(const logagent_plugin_descriptor* descriptor,
                                                              std::string origin) {
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->file_ = std::move(origin);
  const std::string name = lib->file_.string();
  if (descriptor == nullptr) fail(name, "no descriptor");
  lib->adopt(descriptor, name);
  return lib;
}

void PluginLibrary::adopt(const logagent_plugin_descriptor* raw, const std::string& origin) {
  // Read the fixed head first: struct_size and the ABI version decide what else is safe.
  constexpr size_t kMinimum = offsetof(logagent_plugin_descriptor, destroy) + sizeof(raw->destroy);
  if (raw->struct_size < kMinimum)
    fail(origin, "descriptor struct_size " + std::to_string(raw->struct_size) + " is smaller than the minimum " +
                     std::to_string(kMinimum));
  const std::string versions = "plugin ABI " + std::to_string(raw->abi_major) + "." + std::to_string(raw->abi_minor) +
                               ", agent ABI " + std::to_string(LOGAGENT_ABI_MAJOR) + "." +
                               std::to_string(LOGAGENT_ABI_MINOR);
  if (raw->abi_major != LOGAGENT_ABI_MAJOR) fail(origin, "incompatible ABI major version (" + versions + ")");
  if (raw->abi_minor > LOGAGENT_ABI_MINOR) fail(origin, "plugin needs a newer agent (" + versions + ")");

  std::memcpy(&descriptor_, raw, std::min<size_t>(raw->struct_size, sizeof(logagent_plugin_descriptor)));
  logagent_plugin_descriptor& d = descriptor_;

  if (d.kind < LOGAGENT_KIND_INPUT || d.kind > LOGAGENT_KIND_OUTPUT)
    fail(origin, "unknown plugin kind " + std::to_string(d.kind));
  if (!valid_schema_name(d.name)) fail(origin, "invalid plugin name (expected 1 to 64 characters of [a-z0-9_])");
  const std::string plugin = "plugin \"" + std::string(d.name) + "\"";
  if (d.version == nullptr) fail(origin, plugin + " has no version");
  if (d.create == nullptr || d.destroy == nullptr) fail(origin, plugin + " lacks create or destroy");
  const std::string who = std::string(kind_name(d.kind)) + " " + plugin;
  if (d.kind == LOGAGENT_KIND_INPUT && d.input_run == nullptr) fail(origin, who + " lacks input_run");
  if (d.kind == LOGAGENT_KIND_FILTER && d.filter == nullptr) fail(origin, who + " lacks filter");
  if (d.kind == LOGAGENT_KIND_OUTPUT && d.output_write == nullptr) fail(origin, who + " lacks output_write");

  if (d.option_count != 0) {
    if (d.options == nullptr)
      fail(origin, plugin + " has option_count " + std::to_string(d.option_count) + " but options is NULL");
    if (d.option_size < kOptionSizeAbi1_0)
      fail(origin, plugin + " has option_size " + std::to_string(d.option_size) +
                       ", smaller than ABI 1.0's logagent_option (" + std::to_string(kOptionSizeAbi1_0) +
                       " bytes): set it to sizeof(logagent_option)");
    options_ = copy_option_table(d.options, d.option_count, d.option_size);
  }
  if (auto problem = option_table_problem(d.kind, d.name, options_)) fail(origin, *problem);
  // From here on nobody reads the plugin's table with the plugin's stride by mistake.
  d.options = options_.empty() ? nullptr : options_.data();
  d.option_size = sizeof(logagent_option);
}

}  // namespace logagent::core
