// Encodes one event of a batch as one JSON object line: "@timestamp" first, then its fields.
#pragma once

#include "json_writer.hpp"

#include <logagent/plugin.hpp>

#include <cstdint>
#include <string>

namespace logagent::plugins::stdout_output {

class EventJsonEncoder {
 public:
  // Appends {"@timestamp":"<RFC 3339 UTC, microseconds>",<fields in insertion order>} and '\n'.
  void append_line(std::string& out, const BatchView& batch, uint32_t event);

 private:
  void append_value(std::string& out, const BatchView& batch, const FieldView& field);
  // Writes the siblings starting at `first`, comma-separated, as "key":value or bare values.
  void append_members(std::string& out, const BatchView& batch, logagent_field first, bool with_keys);

  json::TimestampFormatter timestamps_;
};

}  // namespace logagent::plugins::stdout_output
