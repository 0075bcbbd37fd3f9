// Interned field names: a name becomes a small integer once, at plugin creation.
#pragma once

#include <logagent/plugin.h>

#include <array>
#include <atomic>
#include <cstring>
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
  // Field names are short: up to 16 bytes are read as two (overlapping) words and mixed by
  // multiplication, a few instructions whatever the length; longer names word by word.
  static uint32_t hash(std::string_view name) noexcept {
    const char* p = name.data();
    const size_t n = name.size();
    uint64_t a = 0;
    uint64_t b = 0;
    if (n >= 8) {
      for (size_t i = 0; i + 16 < n; i += 8) a = (a ^ load(p + i, 8)) * 0x9e3779b97f4a7c15u;
      a ^= load(p + (n > 16 ? n - 16 : 0), 8);
      b = load(p + n - 8, 8);
    } else if (n >= 4) {
      a = load(p, 4);
      b = load(p + n - 4, 4);
    } else if (n > 0) {
      a = static_cast<unsigned char>(p[0]) | static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
          static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
    }
    uint64_t h = (a ^ 0xa0761d6478bd642fu) * ((b ^ 0xe7037ed1a0b428dbu) | 1) ^ (n * 0x8ebc6af09c88c6e3u);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    return static_cast<uint32_t>(h ^ (h >> 32));
  }
  // a == b, for names: those of 4 to 16 bytes compared as two overlapping words each,
  // without a call to memcmp (this runs for every field a parser names).
  static bool same_name(std::string_view a, std::string_view b) noexcept {
    const size_t n = a.size();
    if (n != b.size()) return false;
    if (n >= 8 && n <= 16) {
      return load(a.data(), 8) == load(b.data(), 8) && load(a.data() + n - 8, 8) == load(b.data() + n - 8, 8);
    }
    if (n >= 4 && n < 8) {
      return load(a.data(), 4) == load(b.data(), 4) && load(a.data() + n - 4, 4) == load(b.data() + n - 4, 4);
    }
    return a == b;
  }
  // How many keys there are (plus one): it only grows, so an unchanged count means that no
  // name was interned since it was read.
  uint32_t count() const noexcept { return count_.load(std::memory_order_acquire); }
  std::string_view name(logagent_key key) const noexcept {
    return key < count_.load(std::memory_order_acquire) ? views_[key] : std::string_view{};
  }

 private:
  static uint64_t load(const char* p, size_t bytes) noexcept {
    uint64_t v = 0;
    std::memcpy(&v, p, bytes);
    return v;
  }
  static constexpr uint32_t kSlots = kCapacity * 2;  // load factor at most 1/2

  std::mutex mutex_;
  std::deque<std::string> storage_;
  std::vector<std::string_view> views_;             // index = key; capacity fixed at kCapacity
  std::unique_ptr<std::atomic<uint32_t>[]> slots_;  // key, 0 = empty
  std::atomic<uint32_t> count_{1};
};

}  // namespace logagent::core
