// The command line of logagent-broker: how many brokers, which topics with how many partitions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace logagent::broker {

struct BrokerOptions {
  int brokers = 1;
  int partitions = 3;                       // of each topic in `topics`
  std::vector<std::string> topics{"logs"};  // created at start; others are created when first used
  std::string bootstrap_file;               // when set, the bootstrap address is written there too
  // Topics the cluster answers for as not existing (UNKNOWN_TOPIC_OR_PART), as a cluster
  // with auto.create.topics.enable=false does for a topic nobody created.
  std::vector<std::string> missing_topics;
};

// The options, or nothing with the reason in *error ("--help" gives the usage as the error
// and *help set).
std::optional<BrokerOptions> parse_options(int argc, char** argv, std::string* error, bool* help);

extern const char* const kUsage;

}  // namespace logagent::broker
