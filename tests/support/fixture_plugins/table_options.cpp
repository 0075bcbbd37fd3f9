// Test output "table_options": options read as text (a table of properties, a string whose
// choices are numbers, a secret), and a create that refuses the option `refuse` names, so
// tests can check where such an error points.
#include <logagent/plugin.hpp>

#include <string>

namespace {

const char* const kAcks[] = {"-1", "0", "1", "all", nullptr};

const logagent_option kOptions[] = {
    logagent::option("properties", LOGAGENT_OPTION_STRING_TABLE)
        .doc("Properties passed on as text, as a client library's configuration")
        .example("{ \"linger.ms\" = 5, \"acks\" = \"all\" }"),
    logagent::option("acks", LOGAGENT_OPTION_STRING)
        .defaults("all")
        .choices(kAcks)
        .doc("Acknowledgements awaited, a number or \"all\"")
        .example("1"),
    logagent::option("token", LOGAGENT_OPTION_STRING).secret().doc("Access token").example("\"...\""),
    logagent::option("refuse", LOGAGENT_OPTION_STRING)
        .doc("An option create refuses by name with set_option_error; TABLE.KEY names a table's item")
        .example("\"properties.linger.ms\""),
};

class TableOptions final : public logagent::Output {
 public:
  TableOptions(logagent::Host, const logagent::Config& config) {
    if (config.has("refuse")) throw logagent::OptionError(config.get_string("refuse"), "refused by the fixture");
  }
  logagent::Status write(const logagent::BatchView&, logagent_token*) override { return logagent::Status::Ok(); }
};

}  // namespace

LOGAGENT_OUTPUT_PLUGIN(TableOptions, "table_options", "1.0.0",
                       "Fixture: options read as text, and a create that refuses one by name", kOptions)
