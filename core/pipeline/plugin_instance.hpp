// A created plugin instance and the host-side record (logagent_context) plugins address.
#pragma once

#include "config/pipeline_config.hpp"
#include "event/key_registry.hpp"

#include <logagent/plugin.h>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace logagent::core {
class InputRunner;
class PipelineServices;
struct StateSlot;
}  // namespace logagent::core

// The C ABI's opaque types are defined here, in the core, and nowhere else.
struct logagent_counter {
  std::string name;
  std::atomic<uint64_t> value{0};
};

struct logagent_config {
  const logagent::core::ComponentConfig* component;
};

struct logagent_context {
  std::string label;      // `outputs[0] (type "stdout")`
  std::string id;         // the instance's `id`
  bool id_unique = true;  // false: a default id another filter or output shares (no state then)
  logagent::core::KeyRegistry* keys = nullptr;
  logagent::core::InputRunner* input = nullptr;          // set for input instances
  logagent::core::PipelineServices* services = nullptr;  // fatal errors and state; NULL in bare unit tests
  std::mutex mutex;                                      // guards error, error_option, state and counters' list
  std::string error;                                     // from set_error / set_option_error
  std::string error_option;                              // the option set_option_error named, else empty
  logagent::core::StateSlot* state = nullptr;            // opened on first state call
  std::deque<logagent_counter> counters;                 // stable addresses for handles
};

namespace logagent::core {

// Why create failed: the message, and the option it points at (empty: the section).
struct CreateError {
  std::string message;
  std::string option;
};

// Owns one instance: the library stays loaded while the instance exists.
class PluginInstance {
 public:
  PluginInstance(const ComponentConfig& config, KeyRegistry& keys, PipelineServices* services);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // Calls the plugin's create. On failure returns the reason (set_error or a default).
  std::optional<CreateError> create();
  // Calls the plugin's destroy now (idempotent); the owner does it while the objects the
  // plugin may still call into (its batch pool) are alive.
  void destroy() noexcept;
  // Skips destroy: used when an output still holds tokens after the grace period, since
  // destroying it would let it complete into freed memory.
  void leak() noexcept { leaked_ = true; }

  const logagent_plugin_descriptor& descriptor() const noexcept { return library_->descriptor(); }
  void* handle() const noexcept { return instance_; }
  logagent_context* context() noexcept { return &context_; }
  const ComponentConfig& config() const noexcept { return config_; }
  const std::string& label() const noexcept { return context_.label; }

  // "name=value" pairs of the plugin's counters, for the shutdown report.
  std::string counters_text();

 private:
  const ComponentConfig& config_;
  std::shared_ptr<PluginLibrary> library_;
  logagent_context context_;
  void* instance_ = nullptr;
  bool leaked_ = false;
};

}  // namespace logagent::core
