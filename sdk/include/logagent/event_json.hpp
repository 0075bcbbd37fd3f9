// Encodes one event of a batch as one JSON object line: "@timestamp" first, then its fields.
//
// Header-only, compiled into each plugin that writes events as JSON (stdout, Kafka, ...).
#pragma once

#include <logagent/json_writer.hpp>
#include <logagent/plugin.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace logagent {

// One instance per writer thread: it keeps the last formatted second (not thread-safe).
class EventJsonEncoder {
 public:
  // `timestamp_key` is the interned key of "@timestamp".
  explicit EventJsonEncoder(logagent_key timestamp_key) noexcept : timestamp_key_(timestamp_key) {}

  // Appends {"@timestamp":"<RFC 3339 UTC, microseconds>",<fields in insertion order>} and '\n'.
  // An event with a field of its own named "@timestamp" keeps that one, in its place, and
  // gets no second: a JSON object with a key twice is read differently by every parser.
  inline void append_line(std::string& out, const BatchView& batch, uint32_t event);

 private:
  static constexpr std::string_view kTimestampOpen = R"({"@timestamp":")";

  inline void append_value(std::string& out, const BatchView& batch, const FieldView& field);
  // Writes "name": for the field, after a comma when `comma`. Interned keys name the same
  // text for the pipeline's whole life, so theirs is escaped once and kept, comma included
  // (a small direct-mapped cache): one append per field; a key local to its batch
  // (LOGAGENT_KEY_LOCAL_BIT) is escaped every time.
  inline void append_key(std::string& out, const FieldView& field, bool comma);
  // Writes the siblings starting at `first`, comma-separated, as "key":value or bare values.
  inline void append_members(std::string& out, const BatchView& batch, logagent_field first, bool with_keys);

  struct KeyText {
    logagent_key key = LOGAGENT_NO_KEY;
    std::string text;  // ,"name": escaped
  };

  logagent_key timestamp_key_;
  json::TimestampFormatter timestamps_;
  std::array<KeyText, 32> keys_;
};

inline void EventJsonEncoder::append_line(std::string& out, const BatchView& batch, uint32_t event) {
  const size_t line_start = out.size();
  // The prefix is the same shape for every event: build it on the stack, append it once.
  char prefix[kTimestampOpen.size() + json::TimestampFormatter::kLength + 1];
  std::memcpy(prefix, kTimestampOpen.data(), kTimestampOpen.size());
  timestamps_.format(batch.time(event), prefix + kTimestampOpen.size());
  prefix[sizeof prefix - 1] = '"';
  out.append(prefix, sizeof prefix);

  bool own_timestamp = false;
  for (logagent_field f = batch.first_field(event); f != LOGAGENT_NO_FIELD; f = batch.next(f)) {
    const FieldView field = batch.read(f);
    own_timestamp = own_timestamp || field.key == timestamp_key_;
    append_key(out, field, /*comma=*/true);
    append_value(out, batch, field);
  }
  // Rare: the event has its own "@timestamp". Take out the generated one and the comma after
  // it (there is one: that field follows), found while writing rather than looked up first.
  if (own_timestamp) out.erase(line_start + 1, sizeof prefix);
  out.append("}\n", 2);
}

inline void EventJsonEncoder::append_members(std::string& out, const BatchView& batch, logagent_field first,
                                             bool with_keys) {
  for (logagent_field f = first; f != LOGAGENT_NO_FIELD; f = batch.next(f)) {
    const FieldView field = batch.read(f);
    if (with_keys) {
      append_key(out, field, /*comma=*/f != first);
    } else if (f != first) {
      json::append_char(out, ',');
    }
    append_value(out, batch, field);
  }
}

inline void EventJsonEncoder::append_key(std::string& out, const FieldView& field, bool comma) {
  if (field.key == LOGAGENT_NO_KEY || (field.key & LOGAGENT_KEY_LOCAL_BIT) != 0) {
    if (comma) json::append_char(out, ',');
    json::append_string(out, field.name);
    json::append_char(out, ':');
    return;
  }
  KeyText& cached = keys_[field.key % keys_.size()];
  if (cached.key != field.key) {
    cached.key = field.key;
    cached.text.assign(1, ',');
    json::append_string(cached.text, field.name);
    json::append_char(cached.text, ':');
  }
  const size_t skip = comma ? 0 : 1;
  out.append(cached.text.data() + skip, cached.text.size() - skip);
}

inline void EventJsonEncoder::append_value(std::string& out, const BatchView& batch, const FieldView& field) {
  const Value& value = field.value;
  switch (value.type()) {
    case LOGAGENT_VALUE_BOOL:
      json::append_bool(out, value.as_bool());
      return;
    case LOGAGENT_VALUE_INT:
      json::append_int(out, value.as_int());
      return;
    case LOGAGENT_VALUE_FLOAT:
      json::append_float(out, value.as_float());
      return;
    case LOGAGENT_VALUE_STRING:
      json::append_padded_string(out, value.as_string());  // a batch's string: padded
      return;
    case LOGAGENT_VALUE_MAP:
    case LOGAGENT_VALUE_ARRAY: {
      const bool is_map = value.type() == LOGAGENT_VALUE_MAP;
      json::append_char(out, is_map ? '{' : '[');
      // Recursion depth is the nesting depth, which parsers bound (simdjson: 1024 levels).
      const logagent_field child = batch.first_child(field.handle);
      if (child != LOGAGENT_NO_FIELD) append_members(out, batch, child, /*with_keys=*/is_map);
      json::append_char(out, is_map ? '}' : ']');
      return;
    }
    case LOGAGENT_VALUE_NULL:
      break;
  }
  // NULL, and any type a newer host might add: null keeps the line valid JSON.
  json::append_null(out);
}

}  // namespace logagent
