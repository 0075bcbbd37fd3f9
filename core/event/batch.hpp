// A batch of events: timestamps, typed fields in one flat table, strings in an arena.
#pragma once

#include "event/arena.hpp"
#include "event/key_registry.hpp"

#include <logagent/plugin.h>

#include <cassert>
#include <cstdint>
#include <string_view>
#include <vector>

namespace logagent::core {

// Fields of all events of a batch live in one vector; each event's fields, and each
// map's or array's children, form a singly linked list by index. Appending a field to any
// event is a push_back, so filters add fields without moving or re-encoding anything.
struct FieldNode {
  logagent_key key;
  uint32_t next;         // sibling, 0 = none
  uint32_t first_child;  // maps and arrays
  uint32_t last_child;
  logagent_value value;  // MAP/ARRAY: as.children counts children
};

struct EventSlot {
  int64_t time_ns;
  uint32_t first_field;
  uint32_t last_field;
  // Bit (key % 64) of every key linked to the event: a lookup of a key whose bit is clear
  // skips the walk. Removing a field leaves its bit (a false "maybe", never a false "no").
  uint64_t key_bits;
};

class Batch {
 public:
  struct Limits {
    uint32_t max_events = 2048;
    size_t max_bytes = 1 << 20;
  };

  // Field names are resolved through `keys` (interned names) and the batch's own table
  // (names met only in the data). The registry outlives every batch.
  explicit Batch(const KeyRegistry& keys) : keys_(&keys), fields_(1) {}  // field 0 is the "no field" sentinel
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void reset(std::string_view tag, Limits limits) noexcept;

  std::string_view tag() const noexcept { return tag_; }
  uint32_t size() const noexcept { return static_cast<uint32_t>(events_.size()); }
  uint32_t live_count() const noexcept { return size() - dropped_count_; }
  bool full() const noexcept { return events_.size() >= limits_.max_events || arena_.used() >= limits_.max_bytes; }
  // Memory the batch holds for the pipeline's byte accounting (backpressure).
  size_t bytes() const noexcept {
    return arena_.used() + fields_.size() * sizeof(FieldNode) + events_.size() * sizeof(EventSlot) +
           local_names_.size() * sizeof(std::string_view);
  }

  uint32_t append(int64_t time_ns);
  bool dropped(uint32_t event) const noexcept { return event >= size() || (dropped_[event >> 6] >> (event & 63)) & 1u; }
  void drop(uint32_t event) noexcept;
  int64_t time(uint32_t event) const noexcept { return event < size() ? events_[event].time_ns : 0; }
  void set_time(uint32_t event, int64_t time_ns) noexcept {
    if (event < size()) events_[event].time_ns = time_ns;
  }

  uint32_t first_field(uint32_t event) const noexcept { return event < size() ? events_[event].first_field : 0; }
  uint32_t find(uint32_t event, logagent_key key) const noexcept;
  // By name, interned or local to the batch.
  uint32_t find_named(uint32_t event, std::string_view name) const noexcept;
  // A child of a MAP field.
  uint32_t find_child(uint32_t parent, logagent_key key) const noexcept;
  uint32_t find_child_named(uint32_t parent, std::string_view name) const noexcept;
  // The name of a key: interned, or (LOGAGENT_KEY_LOCAL_BIT set) stored in this batch.
  std::string_view name_of(logagent_key key) const noexcept {
    if ((key & LOGAGENT_KEY_LOCAL_BIT) == 0) return keys_->name(key);
    const uint32_t index = key & ~LOGAGENT_KEY_LOCAL_BIT;
    return index < local_names_.size() ? local_names_[index] : std::string_view{};
  }
  const FieldNode* field(uint32_t handle) const noexcept {
    return handle != 0 && handle < fields_.size() ? &fields_[handle] : nullptr;
  }

  // flags for set and append_child: LOGAGENT_SET_BORROW (string bytes, and a name, already
  // live in this batch) and LOGAGENT_SET_NEW (no field of that name yet: skip the lookup).
  // Sets (replacing, unless LOGAGENT_SET_NEW) a top-level field. Returns 0 if the event does not exist.
  uint32_t set(uint32_t event, logagent_key key, const logagent_value& value, uint32_t flags);
  // The same by name: an interned name uses its key, another is stored in the batch.
  uint32_t set_named(uint32_t event, std::string_view name, const logagent_value& value, uint32_t flags);
  // Appends a child to a map or array field. Returns 0 if parent is not a map or array.
  uint32_t append_child(uint32_t parent, logagent_key key, const logagent_value& value, uint32_t flags);
  uint32_t append_child_named(uint32_t parent, std::string_view name, const logagent_value& value, uint32_t flags);
  // Unlinks a top-level field from its event; false if it is not one of the event's.
  bool remove(uint32_t event, uint32_t field) noexcept;

  // Memory the batch holds, used or not: what keeping it for reuse costs.
  size_t reserved_bytes() const noexcept {
    return arena_.reserved() + fields_.capacity() * sizeof(FieldNode) + events_.capacity() * sizeof(EventSlot) +
           dropped_.capacity() * sizeof(uint64_t) + local_names_.capacity() * sizeof(std::string_view) +
           local_slots_.capacity() * sizeof(LocalSlot);
  }

  char* allocate(size_t size) { return arena_.allocate(size); }
  const Arena& arena() const noexcept { return arena_; }

 private:
  void store_value(logagent_value& out, const logagent_value& in, bool borrow);
  uint32_t push_field(logagent_key key, const logagent_value& value, bool borrow);
  // The keys a name has in this batch: interned, local, or both (interned after this batch
  // stored it), each LOGAGENT_NO_KEY when it has none.
  struct NameKeys {
    logagent_key interned;
    logagent_key local;
  };
  NameKeys keys_of(std::string_view name, uint32_t name_hash) const noexcept;
  // The key a new field named `name` gets: interned, else local, else a new entry of
  // local_names_ (copied unless borrowed).
  logagent_key key_for(std::string_view name, uint32_t name_hash, NameKeys known, bool borrow);
  logagent_key find_local(std::string_view name, uint32_t name_hash) const noexcept;
  void index_local(uint32_t index, uint32_t name_hash) noexcept;
  // First field of the list from `first` whose key is `a` or `b` (either may be NO_KEY).
  uint32_t find_in_list(uint32_t first, logagent_key a, logagent_key b) const noexcept;
  uint32_t find_in_list(uint32_t first, std::string_view name) const noexcept;
  static uint64_t key_bit(logagent_key key) noexcept { return uint64_t{1} << (key & 63); }
  uint32_t link_to_event(uint32_t event, uint32_t handle) noexcept;

  const KeyRegistry* keys_;
  std::vector<std::string_view> local_names_;  // index = key without LOGAGENT_KEY_LOCAL_BIT
  // Open addressing over local_names_ (index + 1, 0 = empty; a power of two, at most half
  // full): a name met in every event of a batch is stored once and found by one probe.
  struct LocalSlot {
    uint32_t hash;
    uint32_t index;  // + 1
  };
  std::vector<LocalSlot> local_slots_;
  // The registry's count when the batch was reset: while it stays the same, a name found
  // local is not interned, and the registry need not be asked.
  uint32_t registry_count_ = 0;
  std::string_view tag_;  // owned by the input's configuration, which outlives batches
  Limits limits_;
  std::vector<EventSlot> events_;
  std::vector<uint64_t> dropped_;
  uint32_t dropped_count_ = 0;
  std::vector<FieldNode> fields_;
  Arena arena_;
};

// Inline: they run once per field a parser writes, and the calls were a third of the cost
// of set_named and append_child_named.
inline Batch::NameKeys Batch::keys_of(std::string_view name, uint32_t name_hash) const noexcept {
  const logagent_key local = find_local(name, name_hash);
  if (local != LOGAGENT_NO_KEY && keys_->count() == registry_count_) return {LOGAGENT_NO_KEY, local};
  return {keys_->find(name, name_hash), local};
}

inline logagent_key Batch::find_local(std::string_view name, uint32_t name_hash) const noexcept {
  if (local_names_.empty()) return LOGAGENT_NO_KEY;
  const size_t mask = local_slots_.size() - 1;
  for (size_t i = name_hash & mask;; i = (i + 1) & mask) {
    const LocalSlot slot = local_slots_[i];
    if (slot.index == 0) return LOGAGENT_NO_KEY;
    if (slot.hash == name_hash && KeyRegistry::same_name(local_names_[slot.index - 1], name))
      return LOGAGENT_KEY_LOCAL_BIT | (slot.index - 1);
  }
}

// Writes each member in place, never a whole value built on the stack and copied: the
// narrow stores of such a temporary, read back at once by wide loads, stall the store buffer
// (a third of the time of every set, as measured).
inline void Batch::store_value(logagent_value& out, const logagent_value& in, bool borrow) {
  out.type = in.type;
  out.reserved = 0;
  switch (in.type) {
    case LOGAGENT_VALUE_STRING:
      out.as.string.len = in.as.string.len;
      if (!borrow) {
        out.as.string.ptr = arena_.copy(in.as.string.ptr, in.as.string.len);
      } else {
        assert(in.as.string.len == 0 || arena_.owns(in.as.string.ptr, in.as.string.len));
        out.as.string.ptr = in.as.string.ptr;
      }
      break;
    case LOGAGENT_VALUE_MAP:
    case LOGAGENT_VALUE_ARRAY:
      out.as.children = 0;  // containers start empty
      break;
    case LOGAGENT_VALUE_BOOL:
      out.as.boolean = in.as.boolean;
      break;
    case LOGAGENT_VALUE_INT:
      out.as.integer = in.as.integer;
      break;
    case LOGAGENT_VALUE_FLOAT:
      out.as.real = in.as.real;
      break;
    case LOGAGENT_VALUE_NULL:
      break;
    default:
      out.type = LOGAGENT_VALUE_NULL;  // an unknown type from a newer plugin reads as null
      break;
  }
}

inline uint32_t Batch::push_field(logagent_key key, const logagent_value& value, bool borrow) {
  const auto handle = static_cast<uint32_t>(fields_.size());
  FieldNode& node = fields_.emplace_back();  // zeroed: no links, no children
  node.key = key;
  store_value(node.value, value, borrow);
  return handle;
}

inline uint32_t Batch::link_to_event(uint32_t event, uint32_t handle) noexcept {
  EventSlot& e = events_[event];
  if (e.last_field == 0) {
    e.first_field = handle;
  } else {
    fields_[e.last_field].next = handle;
  }
  e.last_field = handle;
  e.key_bits |= key_bit(fields_[handle].key);
  return handle;
}

// The opaque C handles are these objects.
inline Batch* from_handle(logagent_batch* b) noexcept { return reinterpret_cast<Batch*>(b); }
inline const Batch* from_handle(const logagent_batch* b) noexcept { return reinterpret_cast<const Batch*>(b); }
inline logagent_batch* to_handle(Batch* b) noexcept { return reinterpret_cast<logagent_batch*>(b); }
inline const logagent_batch* to_handle(const Batch* b) noexcept { return reinterpret_cast<const logagent_batch*>(b); }

}  // namespace logagent::core
