// Interning of field names.
#include "event/key_registry.hpp"

#include <stdexcept>

namespace logagent::core {

KeyRegistry::KeyRegistry() {
  views_.reserve(kCapacity);
  views_.emplace_back();  // key 0: no key
}

KeyRegistry& KeyRegistry::global() {
  static KeyRegistry registry;
  return registry;
}

logagent_key KeyRegistry::intern(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(name); it != index_.end()) return it->second;
  if (views_.size() >= kCapacity) throw std::length_error("too many distinct field names (limit 65535)");
  std::string_view stored = storage_.emplace_back(name);
  auto key = static_cast<logagent_key>(views_.size());
  views_.push_back(stored);
  index_.emplace(stored, key);
  count_.store(key + 1, std::memory_order_release);
  return key;
}

}  // namespace logagent::core
