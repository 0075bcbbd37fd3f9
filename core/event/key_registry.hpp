// Interned field names: a name becomes a small integer once, at plugin creation.
#pragma once

#include <logagent/plugin.h>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace logagent::core {

// One per pipeline, handed to every instance and batch (keys are the same in all of them).
// intern() takes a lock (it runs at create time). name() and find() are lock-free because
// they run per field: names live in a deque (stable addresses), the view table never
// reallocates (fixed capacity), and find() probes a fixed open-addressing table whose slots
// are published with release stores after the name they point at.
class KeyRegistry {
 public:
  static constexpr uint32_t kCapacity = 1u << 16;  // keys 1..65535; the key space below LOGAGENT_KEY_LOCAL_BIT

  KeyRegistry();
  KeyRegistry(const KeyRegistry&) = delete;
  KeyRegistry& operator=(const KeyRegistry&) = delete;

  logagent_key intern(std::string_view name);  // never LOGAGENT_NO_KEY; throws when full
  // The key of an already interned name, or LOGAGENT_NO_KEY. Never adds one.
  logagent_key find(std::string_view name) const noexcept { return find(name, hash(name)); }
  // The same with the name's hash() computed by the caller, who hashes once for several tables.
  logagent_key find(std::string_view name, uint32_t name_hash) const noexcept;
  static uint32_t hash(std::string_view name) noexcept {
    uint32_t h = 2166136261u;  // FNV-1a: names are short, this is a handful of cycles
    for (unsigned char c : name) h = (h ^ c) * 16777619u;
    return h;
  }
  // How many keys there are (plus one): it only grows, so an unchanged count means that no
  // name was interned since it was read.
  uint32_t count() const noexcept { return count_.load(std::memory_order_acquire); }
  std::string_view name(logagent_key key) const noexcept {
    return key < count_.load(std::memory_order_acquire) ? views_[key] : std::string_view{};
  }

 private:
  static constexpr uint32_t kSlots = kCapacity * 2;  // load factor at most 1/2

  std::mutex mutex_;
  std::deque<std::string> storage_;
  std::vector<std::string_view> views_;             // index = key; capacity fixed at kCapacity
  std::unique_ptr<std::atomic<uint32_t>[]> slots_;  // key, 0 = empty
  std::atomic<uint32_t> count_{1};
};

}  // namespace logagent::core
