// Options of the syslog input (docs/plugins/syslog.md, "Options").
#include "syslog_options.hpp"

#include <stdexcept>
#include <string>

namespace logagent::plugins::syslog_input {

const logagent_option kOptions[kOptionCount] = {
    logagent::option("listen", LOGAGENT_OPTION_STRING_LIST)
        .doc("Sockets to receive on: udp://HOST:PORT, tcp://HOST:PORT, unix://PATH (datagram), unix-stream://PATH; "
             "HOST defaults to 127.0.0.1, IPv6 in brackets. Without it: udp://127.0.0.1:5514")
        .example("[\"udp://127.0.0.1:5514\", \"tcp://127.0.0.1:5514\", \"unix:///run/logagent/log.sock\"]"),
    logagent::option("parse", LOGAGENT_OPTION_BOOL)
        .defaults("true")
        .doc("Parse RFC 5424 and RFC 3164 into fields; false keeps the message as received in `message` only")
        .example("false"),
    logagent::option("source_field", LOGAGENT_OPTION_STRING)
        .doc("Field that gets the sender's address (IP, or the socket's path for unix sockets); unset: none")
        .example("\"peer\""),
    logagent::option("max_message_size", LOGAGENT_OPTION_SIZE)
        .defaults("64KiB")
        .min("64")
        .max("16MiB")
        .doc("Longest message kept whole; a longer one keeps its first bytes, is marked truncated=true and counted")
        .example("\"8KiB\""),
    logagent::option("max_connections", LOGAGENT_OPTION_INT)
        .defaults("512")
        .min("1")
        .max("100000")
        .doc("Open stream connections (TCP and unix-stream, all listeners); more are closed at once and counted")
        .example("1024"),
    logagent::option("idle_timeout", LOGAGENT_OPTION_DURATION)
        .defaults("10m")
        .min("10ms")
        .doc("A stream connection that sends nothing this long is closed (counted as idle_closed)")
        .example("\"1m\""),
};

SyslogOptions read_options(const Config& config) {
  SyslogOptions o;
  std::vector<std::string> urls = config.get_list("listen");
  if (!config.has("listen")) urls.emplace_back("udp://127.0.0.1:5514");
  if (urls.empty()) throw OptionError("listen", "expected at least one address to listen on");
  for (const std::string& url : urls) {
    try {
      o.listen.push_back(parse_listen_address(url));
    } catch (const std::invalid_argument& e) {
      throw OptionError("listen", e.what());
    }
  }
  for (size_t i = 0; i < o.listen.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (to_url(o.listen[i]) == to_url(o.listen[j]) && o.listen[i].port != 0)
        throw OptionError("listen", "\"" + to_url(o.listen[i]) + "\" is listed twice");
    }
  }
  o.writer.parse = config.get_bool("parse", true);
  o.writer.source_field = config.get_string("source_field");
  if (config.has("source_field") && o.writer.source_field.empty())
    throw OptionError("source_field", "expected a field name");
  o.max_message_size = static_cast<size_t>(config.get_size("max_message_size", 64 * 1024));
  o.max_connections = static_cast<size_t>(config.get_int("max_connections", 512));
  o.idle_timeout_ns = config.get_duration_ns("idle_timeout", o.idle_timeout_ns);
  return o;
}

}  // namespace logagent::plugins::syslog_input
