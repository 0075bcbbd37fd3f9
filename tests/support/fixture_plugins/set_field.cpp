// Test filter "fixture_set_field": sets one string field, `name` = `value`, on every event,
// so tests can give events fields an input does not produce (for example "@timestamp").
#include <logagent/plugin.hpp>

#include <string>

namespace {

const logagent_option kOptions[] = {
    logagent::option("name", LOGAGENT_OPTION_STRING).required().doc("Field to set").example("\"@timestamp\""),
    logagent::option("value", LOGAGENT_OPTION_STRING)
        .required()
        .doc("Its string value")
        .example("\"2026-01-01T00:00:00Z\""),
    logagent::option("local", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Set the field by a name stored in the batch (set_named) instead of an interned key")
        .example("true"),
};

class SetFieldFilter final : public logagent::Filter {
 public:
  SetFieldFilter(logagent::Host host, const logagent::Config& config)
      : name_(config.get_string("name")),
        local_(config.get_bool("local", false)),
        key_(local_ ? LOGAGENT_NO_KEY : host.intern(name_)),
        value_(config.get_string("value")) {}

  logagent::Status filter(logagent::Batch& batch) override {
    for (uint32_t e = 0; e < batch.size(); ++e) {
      if (batch.dropped(e)) continue;
      if (local_) {
        batch.set_named(e, name_, logagent::Value::string(value_));
      } else {
        batch.set(e, key_, logagent::Value::string(value_));  // copied into the batch
      }
    }
    return logagent::Status::Ok();
  }

 private:
  std::string name_;
  bool local_;
  logagent_key key_;
  std::string value_;  // the config is gone after create: keep a copy
};

}  // namespace

LOGAGENT_FILTER_PLUGIN(SetFieldFilter, "fixture_set_field", "1.0.0",
                       "Test filter: sets one string field on every event", kOptions)
