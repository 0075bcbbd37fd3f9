// The kafka output's option table and its translation into librdkafka properties (see
// kafka_options.hpp and docs/plugins/kafka.md).
#include "kafka_options.hpp"

#include <array>
#include <string_view>

namespace logagent::plugins::kafka {
namespace {

const char* const kPartitioners[] = {"random",         "consistent", "consistent_random", "murmur2",
                                     "murmur2_random", "fnv1a",      "fnv1a_random",      nullptr};
const char* const kAcks[] = {"0", "1", "all", nullptr};
const char* const kCompressions[] = {"none", "gzip", "snappy", "lz4", "zstd", nullptr};
const char* const kFormats[] = {"json", "raw", nullptr};

// Replaces every occurrence of a secret value in a librdkafka message (which quotes the
// value it refused) so that no error ever shows it.
std::string redacted(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "(secret)");
    at += 8;
  }
  return text;
}

class ConfBuilder {
 public:
  ConfBuilder() : conf_(rd_kafka_conf_new()) {}

  // `option` names what the user wrote, for the error's position.
  void set(const std::string& option, const std::string& name, const std::string& value) {
    char error[512] = "";
    if (rd_kafka_conf_set(conf_.get(), name.c_str(), value.c_str(), error, sizeof error) == RD_KAFKA_CONF_OK) return;
    std::string message = "librdkafka refused \"";
    message += name;
    message += "\": ";
    message += is_secret_property(name) ? redacted(error, value) : std::string(error);
    throw OptionError(option, message);
  }
  ConfPtr take() noexcept { return std::move(conf_); }

 private:
  ConfPtr conf_;
};

}  // namespace

const logagent_option kOptions[kOptionCount] = {
    logagent::option("brokers", LOGAGENT_OPTION_STRING)
        .required()
        .doc("Bootstrap brokers, host:port separated by commas; the rest of the cluster is learnt from them")
        .example("\"kafka1:9092,kafka2:9092\""),
    logagent::option("topic", LOGAGENT_OPTION_STRING)
        .defaults("logs")
        .doc("Topic of every event, and of those whose topic_field is missing or empty")
        .example("\"nginx\""),
    logagent::option("topic_field", LOGAGENT_OPTION_STRING)
        .defaults("")
        .doc("When set, a string field that names each event's topic (up to 10,000 distinct topics; `topic` "
             "when the field is missing or empty)")
        .example("\"kafka_topic\""),
    logagent::option("key_field", LOGAGENT_OPTION_STRING)
        .defaults("")
        .doc("When set, a field whose value is the message key (numbers and booleans as text); events with "
             "one key land in one partition. Missing: no key")
        .example("\"host\""),
    logagent::option("partition", LOGAGENT_OPTION_INT)
        .min("0")
        .max("2147483647")
        .doc("A fixed partition for every message; when absent the partitioner chooses")
        .example("0"),
    logagent::option("partitioner", LOGAGENT_OPTION_STRING)
        .defaults("murmur2_random")
        .choices(kPartitioners)
        .doc("How a key picks its partition; murmur2_random matches the Java client, *_random spread "
             "messages without a key")
        .example("\"consistent_random\""),
    logagent::option("acks", LOGAGENT_OPTION_STRING)
        .defaults("all")
        .choices(kAcks)
        .doc("Replicas that must have a message before it counts as delivered: 0 (none: no delivery "
             "guarantee), 1 (the leader), \"all\" (every in-sync replica; with the idempotent producer)")
        .example("1"),
    logagent::option("compression", LOGAGENT_OPTION_STRING)
        .defaults("none")
        .choices(kCompressions)
        .doc("Compression of message batches")
        .example("\"lz4\""),
    logagent::option("format", LOGAGENT_OPTION_STRING)
        .defaults("json")
        .choices(kFormats)
        .doc("Message value: \"json\", the event as the stdout output writes it (without the newline); "
             "\"raw\", the message field as it was read")
        .example("\"raw\""),
    logagent::option("headers", LOGAGENT_OPTION_STRING_TABLE)
        .doc("Message headers from fields: header name = field name; an event without the field gets no "
             "such header")
        .example("{ source = \"path\" }"),
    logagent::option("rdkafka", LOGAGENT_OPTION_STRING_TABLE)
        .doc("librdkafka properties (TLS, SASL, batching, timeouts), checked by librdkafka; they override "
             "the options above")
        .example("{ \"linger.ms\" = 20, \"security.protocol\" = \"ssl\" }"),
};

bool is_secret_property(std::string_view name) noexcept {
  return name.find("password") != std::string_view::npos || name.find("secret") != std::string_view::npos ||
         name == "ssl.key.pem" || name == "ssl_key" || name == "sasl.oauthbearer.config";
}

KafkaOptions read_options(const Config& config) {
  KafkaOptions o;
  o.topic = config.get_string("topic", "logs");
  if (o.topic.empty()) throw OptionError("topic", "a topic name cannot be empty");
  o.topic_field = config.get_string("topic_field");
  o.key_field = config.get_string("key_field");
  if (config.has("partition")) o.partition = static_cast<int32_t>(config.get_int("partition"));
  o.format = config.get_string("format", "json") == "raw" ? ValueFormat::raw : ValueFormat::json;
  o.headers = config.get_table("headers");
  for (const auto& [header, field] : o.headers) {
    if (field.empty()) throw OptionError("headers." + header, "the field name of a header cannot be empty");
  }

  const std::string acks = config.get_string("acks", "all");
  const auto passthrough = config.get_table("rdkafka");
  bool idempotence_set = false;
  for (const auto& entry : passthrough) idempotence_set |= entry.first == "enable.idempotence";

  ConfBuilder conf;
  conf.set("brokers", "bootstrap.servers", config.get_string("brokers"));
  conf.set("acks", "acks", acks);
  conf.set("compression", "compression.codec", config.get_string("compression", "none"));
  conf.set("partitioner", "partitioner", config.get_string("partitioner", "murmur2_random"));
  conf.set("brokers", "client.id", "logagent");
  // Retries inside librdkafka neither duplicate nor reorder with it; it needs acks = all.
  if (acks == "all" && !idempotence_set) conf.set("acks", "enable.idempotence", "true");
  for (const auto& [name, value] : passthrough) {
    conf.set("rdkafka." + name, name, value);
    o.passthrough.push_back(name);
  }
  o.conf = conf.take();
  return o;
}

}  // namespace logagent::plugins::kafka
