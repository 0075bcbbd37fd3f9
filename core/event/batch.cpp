// Building and editing a batch's events and fields.
#include "event/batch.hpp"

#include <algorithm>
#include <cassert>

namespace logagent::core {

void Batch::reset(std::string_view tag, Limits limits) noexcept {
  tag_ = tag;
  limits_ = limits;
  events_.clear();
  dropped_.clear();
  dropped_count_ = 0;
  fields_.resize(1);
  if (!local_names_.empty()) std::fill(local_slots_.begin(), local_slots_.end(), LocalSlot{0, 0});
  local_names_.clear();
  // Before any name of this batch is looked up: a name interned from now on makes the
  // count differ, and keys_of asks the registry again.
  registry_count_ = keys_->count();
  arena_.reset(limits.max_bytes);
}

uint32_t Batch::append(int64_t time_ns) {
  uint32_t index = size();
  EventSlot& slot = events_.emplace_back();  // zeroed in place (see store_value)
  slot.time_ns = time_ns;
  if ((index & 63) == 0) dropped_.push_back(0);
  return index;
}

void Batch::drop(uint32_t event) noexcept {
  if (event >= size() || dropped(event)) return;
  dropped_[event >> 6] |= uint64_t{1} << (event & 63);
  ++dropped_count_;
}

uint32_t Batch::find(uint32_t event, logagent_key key) const noexcept {
  if (event >= size() || key == LOGAGENT_NO_KEY || (events_[event].key_bits & key_bit(key)) == 0) return 0;
  for (uint32_t f = events_[event].first_field; f != 0; f = fields_[f].next) {
    if (fields_[f].key == key) return f;
  }
  return 0;
}

uint32_t Batch::find_in_list(uint32_t first, logagent_key a, logagent_key b) const noexcept {
  for (uint32_t f = first; f != 0; f = fields_[f].next) {
    const logagent_key key = fields_[f].key;
    if ((key == a || key == b) && key != LOGAGENT_NO_KEY) return f;
  }
  return 0;
}

// A name may have two keys in one batch: the local one it got here, and an interned one if
// it was interned after that. Fields under either are the field of that name.
uint32_t Batch::find_in_list(uint32_t first, std::string_view name) const noexcept {
  const NameKeys keys = keys_of(name, KeyRegistry::hash(name));
  if (keys.interned == LOGAGENT_NO_KEY && keys.local == LOGAGENT_NO_KEY) return 0;
  return find_in_list(first, keys.interned, keys.local);
}

void Batch::index_local(uint32_t index, uint32_t name_hash) noexcept {
  const size_t mask = local_slots_.size() - 1;
  size_t i = name_hash & mask;
  while (local_slots_[i].index != 0) i = (i + 1) & mask;
  local_slots_[i] = LocalSlot{name_hash, index + 1};
}

uint32_t Batch::find_named(uint32_t event, std::string_view name) const noexcept {
  return event < size() ? find_in_list(events_[event].first_field, name) : 0;
}

uint32_t Batch::find_child(uint32_t parent, logagent_key key) const noexcept {
  const FieldNode* p = field(parent);
  if (p == nullptr || p->value.type != LOGAGENT_VALUE_MAP || key == LOGAGENT_NO_KEY) return 0;
  for (uint32_t f = p->first_child; f != 0; f = fields_[f].next) {
    if (fields_[f].key == key) return f;
  }
  return 0;
}

uint32_t Batch::find_child_named(uint32_t parent, std::string_view name) const noexcept {
  const FieldNode* p = field(parent);
  if (p == nullptr || p->value.type != LOGAGENT_VALUE_MAP) return 0;
  return find_in_list(p->first_child, name);
}

logagent_key Batch::key_for(std::string_view name, uint32_t name_hash, NameKeys known, bool borrow) {
  if (known.interned != LOGAGENT_NO_KEY) return known.interned;
  if (known.local != LOGAGENT_NO_KEY) return known.local;
  assert(!borrow || name.empty() || arena_.owns(name.data(), name.size()));
  const auto index = static_cast<uint32_t>(local_names_.size());
  local_names_.push_back(borrow ? name : std::string_view(arena_.copy(name.data(), name.size()), name.size()));
  if (local_names_.size() * 2 > local_slots_.size()) {
    local_slots_.assign(std::max<size_t>(16, local_slots_.size() * 2), LocalSlot{0, 0});
    for (uint32_t i = 0; i < local_names_.size(); ++i) index_local(i, KeyRegistry::hash(local_names_[i]));
  } else {
    index_local(index, name_hash);
  }
  return LOGAGENT_KEY_LOCAL_BIT | index;
}

uint32_t Batch::set(uint32_t event, logagent_key key, const logagent_value& value, uint32_t flags) {
  if (event >= size() || key == LOGAGENT_NO_KEY) return 0;
  const bool borrow = (flags & LOGAGENT_SET_BORROW) != 0;
  if ((flags & LOGAGENT_SET_NEW) == 0) {
    if (uint32_t existing = find(event, key); existing != 0) {
      // Replace in place; old children stay unreachable in the table until the batch resets.
      FieldNode& node = fields_[existing];
      store_value(node.value, value, borrow);
      node.first_child = node.last_child = 0;
      return existing;
    }
  }
  return link_to_event(event, push_field(key, value, borrow));
}

uint32_t Batch::set_named(uint32_t event, std::string_view name, const logagent_value& value, uint32_t flags) {
  if (event >= size()) return 0;
  const bool borrow = (flags & LOGAGENT_SET_BORROW) != 0;
  const uint32_t h = KeyRegistry::hash(name);
  const NameKeys keys = keys_of(name, h);
  if ((flags & LOGAGENT_SET_NEW) == 0) {
    const uint64_t bits = (keys.interned != LOGAGENT_NO_KEY ? key_bit(keys.interned) : 0) |
                          (keys.local != LOGAGENT_NO_KEY ? key_bit(keys.local) : 0);
    if ((events_[event].key_bits & bits) != 0) {
      if (uint32_t existing = find_in_list(events_[event].first_field, keys.interned, keys.local); existing != 0) {
        FieldNode& node = fields_[existing];
        store_value(node.value, value, borrow);
        node.first_child = node.last_child = 0;
        return existing;
      }
    }
  }
  return link_to_event(event, push_field(key_for(name, h, keys, borrow), value, borrow));
}

uint32_t Batch::append_child_named(uint32_t parent, std::string_view name, const logagent_value& value,
                                   uint32_t flags) {
  const FieldNode* p = field(parent);
  if (p == nullptr) return 0;
  if (p->value.type != LOGAGENT_VALUE_MAP) return append_child(parent, LOGAGENT_NO_KEY, value, flags);
  const uint32_t h = KeyRegistry::hash(name);
  return append_child(parent, key_for(name, h, keys_of(name, h), (flags & LOGAGENT_SET_BORROW) != 0), value, flags);
}

bool Batch::remove(uint32_t event, uint32_t field) noexcept {
  if (event >= size() || field == 0) return false;
  EventSlot& e = events_[event];
  uint32_t previous = 0;
  for (uint32_t f = e.first_field; f != 0; previous = f, f = fields_[f].next) {
    if (f != field) continue;
    const uint32_t next = fields_[f].next;
    if (previous == 0) {
      e.first_field = next;
    } else {
      fields_[previous].next = next;
    }
    if (e.last_field == f) e.last_field = previous;
    fields_[f].next = 0;
    return true;
  }
  return false;
}

uint32_t Batch::append_child(uint32_t parent, logagent_key key, const logagent_value& value, uint32_t flags) {
  const bool borrow = (flags & LOGAGENT_SET_BORROW) != 0;
  if (parent == 0 || parent >= fields_.size()) return 0;
  uint32_t type = fields_[parent].value.type;
  if (type != LOGAGENT_VALUE_MAP && type != LOGAGENT_VALUE_ARRAY) return 0;
  uint32_t handle = push_field(type == LOGAGENT_VALUE_MAP ? key : LOGAGENT_NO_KEY, value, borrow);
  FieldNode& p = fields_[parent];  // after push_back: the vector may have moved
  if (p.last_child == 0) {
    p.first_child = handle;
  } else {
    fields_[p.last_child].next = handle;
  }
  p.last_child = handle;
  ++p.value.as.children;
  return handle;
}

}  // namespace logagent::core
