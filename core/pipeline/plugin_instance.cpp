// Creating and destroying plugin instances.
#include "pipeline/plugin_instance.hpp"

#include "pipeline/host_table.hpp"

namespace logagent::core {

PluginInstance::PluginInstance(const ComponentConfig& config, KeyRegistry& keys, PipelineServices* services)
    : config_(config), library_(config.library) {
  context_.label = config.label();
  context_.id = config.id;
  context_.id_unique = config.id_unique;
  context_.keys = &keys;
  context_.services = services;
}

PluginInstance::~PluginInstance() { destroy(); }

void PluginInstance::destroy() noexcept {
  if (instance_ != nullptr && !leaked_) descriptor().destroy(instance_);
  instance_ = nullptr;
}

std::optional<CreateError> PluginInstance::create() {
  logagent_config cfg{&config_};
  instance_ = descriptor().create(host_table(), &context_, &cfg);
  if (instance_ != nullptr) return std::nullopt;
  std::lock_guard lock(context_.mutex);
  if (context_.error.empty()) return CreateError{"the plugin's create failed without giving a reason", {}};
  return CreateError{context_.error, context_.error_option};
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
