// The "json" filter: parses one string field of each event as a JSON object into fields.
//
// With time_key, a member of the parsed object is read with time_format (the SDK's
// time_format.hpp) and becomes the event's timestamp. It is looked up through the batch
// once the object is written, so the parser (json_document) knows nothing of times.
#include "json_document.hpp"

#include <logagent/plugin.hpp>
#include <logagent/time_format.hpp>
#include <logagent/time_key_option.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace logagent::plugins::json_filter {
namespace {

const logagent_option kOptions[] = {
    option("source", LOGAGENT_OPTION_STRING)
        .defaults("message")
        .doc("The string field parsed as JSON; events without it pass unchanged")
        .example("\"log\""),
    option("target", LOGAGENT_OPTION_STRING)
        .doc("Field that receives the parsed object; absent: its members merge into the event's top level")
        .example("\"json\""),
    option("keep_source", LOGAGENT_OPTION_BOOL)
        .defaults("true")
        .doc("Keep the source field after a successful parse (a failed parse always keeps it)")
        .example("false"),
    option("time_key", LOGAGENT_OPTION_STRING)
        .doc("A string member of the parsed object (inside target when set) holding the event's time, read with "
             "time_format; the event's timestamp becomes it")
        .example("\"ts\""),
    time_format_option("\"%Y-%m-%dT%H:%M:%S.%f%z\""),
};

// How a value that is not a string reads in a mark: `json: member "ts" is a number, ...`.
std::string_view kind_of(logagent_value_type type) noexcept {
  switch (type) {
    case LOGAGENT_VALUE_NULL:
      return "null";
    case LOGAGENT_VALUE_BOOL:
      return "a boolean";
    case LOGAGENT_VALUE_INT:
    case LOGAGENT_VALUE_FLOAT:
      return "a number";
    case LOGAGENT_VALUE_MAP:
      return "an object";
    case LOGAGENT_VALUE_ARRAY:
      return "an array";
    case LOGAGENT_VALUE_STRING:
      break;
  }
  return "a string";
}

// time_key and time_format, checked once in create; the marks are written then too, so that
// marking an event allocates nothing but the mark's copy in the batch.
struct TimeKey {
  static constexpr size_t kTypes = LOGAGENT_VALUE_ARRAY + 1;

  logagent_key key = LOGAGENT_NO_KEY;
  std::optional<TimeFormat> format;  // empty: no time_key
  std::string mismatch;              // `json: member "ts" does not match time_format "..."`
  std::string not_a_string[kTypes];  // by value type: `json: member "ts" is a number, not a time string`
};

// Throws OptionError at the option at fault, as every plugin with these options does
// (logagent/time_key_option.hpp), and for an empty member name.
TimeKey read_time_key(const Host& host, const Config& config) {
  TimeKey t;
  std::optional<TimeKeyOption> time = read_time_key_option(config);
  if (!time) return t;
  const std::string& name = time->key;
  if (name.empty()) throw OptionError("time_key", "time_key cannot be an empty member name");
  t.format = std::move(time->format);
  t.key = host.intern(name);
  t.mismatch = "json: member \"" + name + "\" does not match time_format \"" + t.format->format() + '"';
  for (size_t type = 0; type < TimeKey::kTypes; ++type) {
    t.not_a_string[type] = "json: member \"" + name + "\" is ";
    t.not_a_string[type] += kind_of(static_cast<logagent_value_type>(type));
    t.not_a_string[type] += ", not a time string";
  }
  return t;
}

class JsonFilter final : public Filter {
 public:
  JsonFilter(Host host, const Config& config)
      : host_(host),
        source_(host.intern(config.get_string("source", "message"))),
        error_(host.intern(LOGAGENT_ERROR_FIELD)),
        keep_source_(config.get_bool("keep_source", true)),
        time_key_(read_time_key(host, config)),
        parsed_(host.counter("parsed")),
        failed_(host.counter("failed")),
        time_errors_(host.counter("time_errors")) {
    if (config.has("target")) {
      const std::string target = config.get_string("target");
      if (target.empty()) throw OptionError("target", "must not be empty; leave it out to merge at the top level");
      placement_.at_root = false;
      placement_.target = host.intern(target);
    }
  }

  Status filter(Batch& batch) override {
    uint64_t parsed = 0;
    uint64_t failed = 0;
    uint64_t time_errors = 0;
    const uint32_t count = batch.size();
    for (uint32_t event = 0; event < count; ++event) {
      if (batch.dropped(event)) continue;
      const logagent_field source = batch.find(event, source_);
      if (source == LOGAGENT_NO_FIELD) continue;
      const FieldView field = batch.read(source);
      if (field.value.type() != LOGAGENT_VALUE_STRING) {
        batch.mark_error(event, error_, "json: source field is not a string");
        ++failed;
        continue;
      }
      const ParseResult result = parse_into_event(batch, event, field.value.as_string(), placement_,
                                                  keep_source_ ? LOGAGENT_NO_FIELD : source);
      if (!result.reason.empty()) {
        batch.mark_error(event, error_, result.reason);
        ++failed;
        continue;
      }
      if (!result.note.empty()) batch.mark_error(event, error_, result.note);
      ++parsed;
      if (time_key_.format && !set_time(batch, event)) ++time_errors;
    }
    if (parsed != 0) host_.add(parsed_, parsed);
    if (failed != 0) host_.add(failed_, failed);
    if (time_errors != 0) host_.add(time_errors_, time_errors);
    return Status::Ok();
  }

 private:
  // The time_key member of the object just written: at the top level, or inside target.
  logagent_field time_field(const Batch& batch, uint32_t event) const noexcept {
    if (placement_.at_root) return batch.find(event, time_key_.key);
    const logagent_field target = batch.find(event, placement_.target);
    if (target == LOGAGENT_NO_FIELD) return LOGAGENT_NO_FIELD;
    return batch.find_child(target, time_key_.key);
  }

  // Sets the event's time from its time_key member. An object without that member keeps its
  // time unmarked (as an optional capture of the regex filter does); false when the member
  // is there but is not a time: the event keeps its time and is marked.
  bool set_time(Batch& batch, uint32_t event) const noexcept {
    const logagent_field field = time_field(batch, event);
    if (field == LOGAGENT_NO_FIELD) return true;
    const Value value = batch.read(field).value;
    if (value.type() != LOGAGENT_VALUE_STRING) {
      const auto type = static_cast<size_t>(value.type());
      batch.mark_error(event, error_, time_key_.not_a_string[type < TimeKey::kTypes ? type : 0]);
      return false;
    }
    const std::optional<int64_t> ns = time_key_.format->parse(value.as_string());
    if (!ns) {
      batch.mark_error(event, error_, time_key_.mismatch);
      return false;
    }
    batch.set_time(event, *ns);
    return true;
  }

  Host host_;
  logagent_key source_;
  logagent_key error_;
  bool keep_source_;
  Placement placement_;
  TimeKey time_key_;
  logagent_counter* parsed_;
  logagent_counter* failed_;
  logagent_counter* time_errors_;
};

}  // namespace
}  // namespace logagent::plugins::json_filter

LOGAGENT_FILTER_PLUGIN(logagent::plugins::json_filter::JsonFilter, "json", "1.0.0",
                       "Parses a string field as a JSON object into the event's fields",
                       logagent::plugins::json_filter::kOptions)
