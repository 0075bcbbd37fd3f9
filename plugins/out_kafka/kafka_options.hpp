// The kafka output's options: the schema the agent checks a pipeline against, the values read
// from it, and the librdkafka configuration they make.
#pragma once

#include <librdkafka/rdkafka.h>

#include <logagent/plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace logagent::plugins::kafka {

inline constexpr size_t kOptionCount = 11;
extern const logagent_option kOptions[kOptionCount];

enum class ValueFormat { json, raw };

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct KafkaOptions {
  std::string topic;
  std::string topic_field;                    // empty: every event goes to `topic`
  std::string key_field;                      // empty: no key
  int32_t partition = RD_KAFKA_PARTITION_UA;  // UA: the partitioner picks
  ValueFormat format = ValueFormat::json;
  std::vector<std::pair<std::string, std::string>> headers;  // header name, field name
  // Every librdkafka property, checked by librdkafka as it was set. Callbacks are not set.
  ConfPtr conf;
  // The properties of the rdkafka table, to point an error that names one at its line.
  std::vector<std::string> passthrough;
};

// Throws OptionError naming the option (for the rdkafka table, "rdkafka.<property>") when a
// value is refused, with librdkafka's own reason and never a secret's value.
KafkaOptions read_options(const Config& config);

// True for properties whose values are passwords or keys: never printed.
bool is_secret_property(std::string_view name) noexcept;

}  // namespace logagent::plugins::kafka
