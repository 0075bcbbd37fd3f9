// The "json" filter: parses one string field of each event as a JSON object into fields.
#include "json_document.hpp"

#include <logagent/plugin.hpp>

#include <cstdint>
#include <string>

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
};

class JsonFilter final : public Filter {
 public:
  JsonFilter(Host host, const Config& config)
      : host_(host),
        source_(host.intern(config.get_string("source", "message"))),
        error_(host.intern(LOGAGENT_ERROR_FIELD)),
        keep_source_(config.get_bool("keep_source", true)),
        parsed_(host.counter("parsed")),
        failed_(host.counter("failed")) {
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
    }
    if (parsed != 0) host_.add(parsed_, parsed);
    if (failed != 0) host_.add(failed_, failed);
    return Status::Ok();
  }

 private:
  Host host_;
  logagent_key source_;
  logagent_key error_;
  bool keep_source_;
  Placement placement_;
  logagent_counter* parsed_;
  logagent_counter* failed_;
};

}  // namespace
}  // namespace logagent::plugins::json_filter

LOGAGENT_FILTER_PLUGIN(logagent::plugins::json_filter::JsonFilter, "json", "1.0.0",
                       "Parses a string field as a JSON object into the event's fields",
                       logagent::plugins::json_filter::kOptions)
