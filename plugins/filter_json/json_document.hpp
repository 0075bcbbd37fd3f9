// Parses one JSON text and writes it into an event: the data path of the json filter.
#pragma once

#include <logagent/plugin.hpp>

#include <cstdint>
#include <string_view>

namespace logagent::plugins::json_filter {

// Nesting deeper than this many levels (objects and arrays) is refused: a bound on the work
// and on the recursion of writing the tree into the batch.
inline constexpr size_t kMaxDepth = 128;

// Where the parsed object goes: merged into the event's top level, or under one field.
struct Placement {
  bool at_root = true;
  logagent_key target = LOGAGENT_NO_KEY;  // when !at_root
};

// The outcome for one event. `reason` is empty when the text parsed; otherwise it says why
// not ("invalid UTF-8") and the event was left unchanged. `note` is set when the event was
// written but a number was kept as its text (too large for int64, or beyond a double).
struct ParseResult {
  std::string_view reason;
  std::string_view note;
};

// Parses `text` (a string of the batch: LOGAGENT_BATCH_PADDING readable bytes follow it) as a
// JSON object and writes its members into `event` as `placement` says. When `remove_source`
// is not LOGAGENT_NO_FIELD, that field is removed first (only when the text parsed).
// Thread-safe: each thread parses with its own parser.
ParseResult parse_into_event(Batch& batch, uint32_t event, std::string_view text, const Placement& placement,
                             logagent_field remove_source);

}  // namespace logagent::plugins::json_filter
