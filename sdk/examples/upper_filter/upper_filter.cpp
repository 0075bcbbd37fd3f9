// Example filter: upper-cases one string field of every event.
//
// Shows the parts of the SDK a filter needs: an option schema, keys interned once at
// creation, reading a field, writing a new string into the batch's memory (no copy of the
// event, no allocation per event), and registration.
#include <logagent/plugin.hpp>

#include <cctype>
#include <cstring>
#include <string>

namespace {

const logagent_option kOptions[] = {
    logagent::option("field", LOGAGENT_OPTION_STRING)
        .defaults("message")
        .doc("The field to upper-case; events without it, or where it is not a string, pass unchanged")
        .example("\"message\""),
};

class UpperFilter final : public logagent::Filter {
 public:
  UpperFilter(logagent::Host host, const logagent::Config& config)
      : host_(host), field_(host.intern(config.get_string("field", "message"))), changed_(host.counter("changed")) {}

  logagent::Status filter(logagent::Batch& batch) override {
    uint64_t changed = 0;
    for (uint32_t e = 0; e < batch.size(); ++e) {
      if (batch.dropped(e)) continue;
      logagent_field f = batch.find(e, field_);
      if (f == LOGAGENT_NO_FIELD) continue;
      logagent::FieldView v = batch.read(f);
      if (v.value.type() != LOGAGENT_VALUE_STRING) continue;
      std::string_view in = v.value.as_string();
      char* out = batch.alloc(in.size());  // owned by the batch, lives as long as it
      for (size_t i = 0; i < in.size(); ++i)
        out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(in[i])));
      batch.set_borrowed(e, field_, std::string_view(out, in.size()));
      ++changed;
    }
    host_.add(changed_, changed);
    return logagent::Status::Ok();
  }

 private:
  logagent::Host host_;
  logagent_key field_;
  logagent_counter* changed_;
};

}  // namespace

LOGAGENT_FILTER_PLUGIN(UpperFilter, "upper", "1.0.0", "Upper-cases one string field (SDK example)", kOptions)
