// Parses logagent-broker's command line (see broker_options.hpp).
#include "broker_options.hpp"

#include <charconv>
#include <cstring>

namespace logagent::broker {

const char* const kUsage =
    "usage: logagent-broker [--brokers N] [--partitions M] [--topic NAME]... [--missing-topic NAME]...\n"
    "                       [--bootstrap-file PATH]\n"
    "\n"
    "Starts a local Kafka-protocol broker (librdkafka's mock cluster) with N brokers (default 1)\n"
    "and the topics named (default \"logs\"), each with M partitions (default 3). Other topics\n"
    "are created when first used, except those given with --missing-topic: the cluster answers\n"
    "that they do not exist, as one without auto-create does. Prints the bootstrap address on\n"
    "the first line of standard output (and into PATH), then runs until SIGTERM or SIGINT.\n"
    "  SIGUSR1  takes every broker down (connections refused and closed)\n"
    "  SIGUSR2  brings every broker back up\n"
    "It keeps about 5 MiB or 100,000 messages per partition: count large runs by high\n"
    "watermarks (kcat -Q), read back samples below that size.\n";

namespace {

bool positive(const char* text, int max, int* out) {
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, *out);
  return ec == std::errc{} && ptr == end && *out >= 1 && *out <= max;
}

}  // namespace

std::optional<BrokerOptions> parse_options(int argc, char** argv, std::string* error, bool* help) {
  BrokerOptions o;
  bool topics_given = false;
  *help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      *help = true;
      *error = kUsage;
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      *error = arg + ": expected a value after it, or an unknown option";
      return std::nullopt;
    }
    const char* value = argv[++i];
    if (arg == "--brokers") {
      if (!positive(value, 64, &o.brokers)) {
        *error = std::string("--brokers: expected a number from 1 to 64, got \"") + value + "\"";
        return std::nullopt;
      }
    } else if (arg == "--partitions") {
      if (!positive(value, 1000, &o.partitions)) {
        *error = std::string("--partitions: expected a number from 1 to 1000, got \"") + value + "\"";
        return std::nullopt;
      }
    } else if (arg == "--topic") {
      if (*value == '\0') {
        *error = "--topic: a topic name cannot be empty";
        return std::nullopt;
      }
      if (!topics_given) o.topics.clear();
      topics_given = true;
      o.topics.emplace_back(value);
    } else if (arg == "--missing-topic") {
      if (*value == '\0') {
        *error = "--missing-topic: a topic name cannot be empty";
        return std::nullopt;
      }
      o.missing_topics.emplace_back(value);
    } else if (arg == "--bootstrap-file") {
      o.bootstrap_file = value;
    } else {
      *error = "unknown option " + arg + " (see --help)";
      return std::nullopt;
    }
  }
  return o;
}

}  // namespace logagent::broker
