// Building and editing a batch's events and fields.
#include "event/batch.hpp"

#include <cassert>

namespace logagent::core {

void Batch::reset(std::string_view tag, Limits limits) noexcept {
  tag_ = tag;
  limits_ = limits;
  events_.clear();
  dropped_.clear();
  dropped_count_ = 0;
  fields_.resize(1);
  local_names_.clear();
  arena_.reset(limits.max_bytes);
}

uint32_t Batch::append(int64_t time_ns) {
  uint32_t index = size();
  events_.push_back(EventSlot{time_ns, 0, 0});
  if ((index & 63) == 0) dropped_.push_back(0);
  return index;
}

void Batch::drop(uint32_t event) noexcept {
  if (event >= size() || dropped(event)) return;
  dropped_[event >> 6] |= uint64_t{1} << (event & 63);
  ++dropped_count_;
}

uint32_t Batch::find(uint32_t event, logagent_key key) const noexcept {
  if (event >= size() || key == LOGAGENT_NO_KEY) return 0;
  for (uint32_t f = events_[event].first_field; f != 0; f = fields_[f].next) {
    if (fields_[f].key == key) return f;
  }
  return 0;
}

// A name that is not interned can only be a local one: compare the local fields' names.
uint32_t Batch::find_in_list(uint32_t first, std::string_view name) const noexcept {
  if (logagent_key key = keys_->find(name); key != LOGAGENT_NO_KEY) {
    for (uint32_t f = first; f != 0; f = fields_[f].next) {
      if (fields_[f].key == key) return f;
    }
    // Interned only after this batch stored it by name: it is among the local ones.
  }
  for (uint32_t f = first; f != 0; f = fields_[f].next) {
    if ((fields_[f].key & LOGAGENT_KEY_LOCAL_BIT) != 0 && name_of(fields_[f].key) == name) return f;
  }
  return 0;
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

logagent_key Batch::key_for(std::string_view name, bool borrow) {
  if (logagent_key key = keys_->find(name); key != LOGAGENT_NO_KEY) return key;
  assert(!borrow || name.empty() || arena_.owns(name.data(), name.size()));
  const auto index = static_cast<uint32_t>(local_names_.size());
  local_names_.push_back(borrow ? name : std::string_view(arena_.copy(name.data(), name.size()), name.size()));
  return LOGAGENT_KEY_LOCAL_BIT | index;
}

logagent_value Batch::stored(const logagent_value& value, bool borrow) {
  logagent_value v = value;
  switch (v.type) {
    case LOGAGENT_VALUE_STRING:
      if (!borrow) {
        v.as.string.ptr = arena_.copy(value.as.string.ptr, value.as.string.len);
      } else {
        assert(value.as.string.len == 0 || arena_.owns(value.as.string.ptr, value.as.string.len));
      }
      break;
    case LOGAGENT_VALUE_MAP:
    case LOGAGENT_VALUE_ARRAY:
      v.as.children = 0;  // containers start empty
      break;
    case LOGAGENT_VALUE_NULL:
    case LOGAGENT_VALUE_BOOL:
    case LOGAGENT_VALUE_INT:
    case LOGAGENT_VALUE_FLOAT:
      break;
    default:
      v.type = LOGAGENT_VALUE_NULL;  // an unknown type from a newer plugin reads as null
      break;
  }
  v.reserved = 0;
  return v;
}

uint32_t Batch::push_field(logagent_key key, const logagent_value& value, bool borrow) {
  logagent_value v = stored(value, borrow);
  uint32_t handle = static_cast<uint32_t>(fields_.size());
  fields_.push_back(FieldNode{key, 0, 0, 0, v});
  return handle;
}

uint32_t Batch::link_to_event(uint32_t event, uint32_t handle) noexcept {
  EventSlot& e = events_[event];
  if (e.last_field == 0) {
    e.first_field = handle;
  } else {
    fields_[e.last_field].next = handle;
  }
  e.last_field = handle;
  return handle;
}

uint32_t Batch::set(uint32_t event, logagent_key key, const logagent_value& value, uint32_t flags) {
  if (event >= size() || key == LOGAGENT_NO_KEY) return 0;
  const bool borrow = (flags & LOGAGENT_SET_BORROW) != 0;
  if ((flags & LOGAGENT_SET_NEW) == 0) {
    if (uint32_t existing = find(event, key); existing != 0) {
      // Replace in place; old children stay unreachable in the table until the batch resets.
      FieldNode& node = fields_[existing];
      node.value = stored(value, borrow);
      node.first_child = node.last_child = 0;
      return existing;
    }
  }
  return link_to_event(event, push_field(key, value, borrow));
}

uint32_t Batch::set_named(uint32_t event, std::string_view name, const logagent_value& value, uint32_t flags) {
  if (event >= size()) return 0;
  if ((flags & LOGAGENT_SET_NEW) == 0) {
    if (uint32_t existing = find_named(event, name); existing != 0) {
      FieldNode& node = fields_[existing];
      node.value = stored(value, (flags & LOGAGENT_SET_BORROW) != 0);
      node.first_child = node.last_child = 0;
      return existing;
    }
  }
  const logagent_key key = key_for(name, (flags & LOGAGENT_SET_BORROW) != 0);
  return link_to_event(event, push_field(key, value, (flags & LOGAGENT_SET_BORROW) != 0));
}

uint32_t Batch::append_child_named(uint32_t parent, std::string_view name, const logagent_value& value,
                                   uint32_t flags) {
  const FieldNode* p = field(parent);
  if (p == nullptr) return 0;
  if (p->value.type != LOGAGENT_VALUE_MAP) return append_child(parent, LOGAGENT_NO_KEY, value, flags);
  return append_child(parent, key_for(name, (flags & LOGAGENT_SET_BORROW) != 0), value, flags);
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
