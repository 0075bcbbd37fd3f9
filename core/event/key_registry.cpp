// Interning of field names, and lock-free lookups of interned ones.
#include "event/key_registry.hpp"

#include <stdexcept>

namespace logagent::core {

KeyRegistry::KeyRegistry() : slots_(new std::atomic<uint32_t>[kSlots]) {
  views_.reserve(kCapacity);
  views_.emplace_back();  // key 0: no key
  for (uint32_t i = 0; i < kSlots; ++i) slots_[i].store(0, std::memory_order_relaxed);
}

logagent_key KeyRegistry::find(std::string_view name, uint32_t name_hash) const noexcept {
  for (uint32_t i = name_hash & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
    const uint32_t key = slots_[i].load(std::memory_order_acquire);
    if (key == 0) return LOGAGENT_NO_KEY;
    if (same_name(views_[key], name)) return key;
  }
}

logagent_key KeyRegistry::intern(std::string_view name) {
  std::lock_guard lock(mutex_);
  uint32_t i = hash(name) & (kSlots - 1);
  for (;; i = (i + 1) & (kSlots - 1)) {
    const uint32_t key = slots_[i].load(std::memory_order_relaxed);
    if (key == 0) break;
    if (same_name(views_[key], name)) return key;
  }
  if (views_.size() >= kCapacity) throw std::length_error("too many distinct field names (limit 65535)");
  std::string_view stored = storage_.emplace_back(name);
  auto key = static_cast<logagent_key>(views_.size());
  views_.push_back(stored);  // within the reserved capacity: no reallocation under readers
  count_.store(key + 1, std::memory_order_release);
  slots_[i].store(key, std::memory_order_release);  // after the view it points at
  return key;
}

}  // namespace logagent::core
