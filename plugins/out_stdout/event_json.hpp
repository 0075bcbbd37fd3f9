// Encodes one event of a batch as one JSON object line: "@timestamp" first, then its fields.
#pragma once

#include "json_writer.hpp"

#include <logagent/plugin.hpp>

#include <cstdint>
#include <string>

namespace logagent::plugins::stdout_output {

class EventJsonEncoder {
 public:
  // `timestamp_key` is the interned key of "@timestamp".
  explicit EventJsonEncoder(logagent_key timestamp_key) noexcept : timestamp_key_(timestamp_key) {}

  // Appends {"@timestamp":"<RFC 3339 UTC, microseconds>",<fields in insertion order>} and '\n'.
  // An event with a field of its own named "@timestamp" keeps that one, in its place, and
  // gets no second: a JSON object with a key twice is read differently by every parser.
  void append_line(std::string& out, const BatchView& batch, uint32_t event);

 private:
  void append_value(std::string& out, const BatchView& batch, const FieldView& field);
  // Writes the siblings starting at `first`, comma-separated, as "key":value or bare values.
  void append_members(std::string& out, const BatchView& batch, logagent_field first, bool with_keys);

  logagent_key timestamp_key_;
  json::TimestampFormatter timestamps_;
};

}  // namespace logagent::plugins::stdout_output
