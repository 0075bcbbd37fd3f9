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
  if (event >= size()) return 0;
  for (uint32_t f = events_[event].first_field; f != 0; f = fields_[f].next) {
    if (fields_[f].key == key) return f;
  }
  return 0;
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

uint32_t Batch::set(uint32_t event, logagent_key key, const logagent_value& value, bool borrow) {
  if (event >= size()) return 0;
  if (uint32_t existing = find(event, key); existing != 0) {
    // Replace in place; old children stay unreachable in the table until the batch resets.
    FieldNode& node = fields_[existing];
    node.value = stored(value, borrow);
    node.first_child = node.last_child = 0;
    return existing;
  }
  uint32_t handle = push_field(key, value, borrow);
  EventSlot& e = events_[event];
  if (e.last_field == 0) {
    e.first_field = handle;
  } else {
    fields_[e.last_field].next = handle;
  }
  e.last_field = handle;
  return handle;
}

uint32_t Batch::append_child(uint32_t parent, logagent_key key, const logagent_value& value, bool borrow) {
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
