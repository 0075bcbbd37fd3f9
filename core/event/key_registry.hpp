// Interned field names: a name becomes a small integer once, at plugin creation.
#pragma once

#include <logagent/plugin.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace logagent::core {

// intern() takes a lock (it runs at create time); name() is lock-free because outputs call
// it for every field: names live in a deque (stable addresses) and the view table never
// reallocates (fixed capacity), so a reader needs only the published count.
class KeyRegistry {
 public:
  static constexpr uint32_t kCapacity = 1u << 16;

  KeyRegistry();
  // Keys are the same in every instance of every plugin, so there is one registry.
  static KeyRegistry& global();
  logagent_key intern(std::string_view name);  // never LOGAGENT_NO_KEY; throws when full
  std::string_view name(logagent_key key) const noexcept {
    return key < count_.load(std::memory_order_acquire) ? views_[key] : std::string_view{};
  }

 private:
  std::mutex mutex_;
  std::deque<std::string> storage_;
  std::vector<std::string_view> views_;  // index = key; capacity fixed at kCapacity
  std::unordered_map<std::string_view, logagent_key> index_;
  std::atomic<uint32_t> count_{1};
};

}  // namespace logagent::core
