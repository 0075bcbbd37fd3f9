// Creating and destroying plugin instances.
#include "pipeline/plugin_instance.hpp"

#include "pipeline/host_table.hpp"

namespace logagent::core {

PluginInstance::PluginInstance(const ComponentConfig& config, KeyRegistry& keys)
    : config_(config), library_(config.library) {
  context_.label = config.label();
  context_.keys = &keys;
}

PluginInstance::~PluginInstance() { destroy(); }

void PluginInstance::destroy() noexcept {
  if (instance_ != nullptr && !leaked_) descriptor().destroy(instance_);
  instance_ = nullptr;
}

std::optional<std::string> PluginInstance::create() {
  logagent_config cfg{&config_};
  instance_ = descriptor().create(host_table(), &context_, &cfg);
  if (instance_ != nullptr) return std::nullopt;
  std::lock_guard lock(context_.mutex);
  return context_.error.empty() ? std::string("the plugin's create failed without giving a reason") : context_.error;
}

std::string PluginInstance::counters_text() {
  std::lock_guard lock(context_.mutex);
  std::string out;
  for (const auto& c : context_.counters) {
    out += (out.empty() ? "" : " ") + c.name + "=" + std::to_string(c.value.load(std::memory_order_relaxed));
  }
  return out;
}

}  // namespace logagent::core
