// logagent-broker: runs librdkafka's mock cluster in its own process, takes its brokers down and up on signals.
//
// The mock cluster is a Kafka-protocol server inside librdkafka (rdkafka_mock.h) that
// listens on real TCP ports, so the agent's kafka output and a real consumer (kcat) talk to
// it as to a cluster. Everything happens on librdkafka's threads; this thread only waits
// for signals.
#include "broker_options.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace logagent::broker {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "logagent-broker: %s\n", message.c_str());
  return 1;
}

void set_all(rd_kafka_mock_cluster_t* cluster, int brokers, bool up) {
  for (int id = 1; id <= brokers; ++id) {
    if (up) {
      rd_kafka_mock_broker_set_up(cluster, id);
    } else {
      rd_kafka_mock_broker_set_down(cluster, id);
    }
  }
  std::fprintf(stderr, "logagent-broker: %d broker%s %s\n", brokers, brokers == 1 ? "" : "s", up ? "up" : "down");
}

int run(const BrokerOptions& options) {
  // Signals are taken by sigwait on this thread: blocked before librdkafka starts its
  // threads, which inherit the mask, so none of them gets one.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only keeps the cluster's books; it never connects anywhere.
  if (rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return fail(error);
  }
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (handle == nullptr) return fail(std::string("cannot create the librdkafka handle: ") + error);
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, options.brokers);
  if (cluster == nullptr) {
    rd_kafka_destroy(handle);
    return fail("cannot start the mock cluster");
  }
  for (const std::string& topic : options.topics) {
    const rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, topic.c_str(), options.partitions,
                                                               options.brokers < 3 ? options.brokers : 3);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_mock_cluster_destroy(cluster);
      rd_kafka_destroy(handle);
      return fail("cannot create topic \"" + topic + "\": " + rd_kafka_err2str(err));
    }
  }
  // The mock creates any topic a client asks for; an error set on the topic makes every
  // metadata answer about it UNKNOWN_TOPIC_OR_PART, which is what producers see of a topic
  // that does not exist on a cluster that does not create topics.
  for (const std::string& topic : options.missing_topics)
    rd_kafka_mock_topic_set_error(cluster, topic.c_str(), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  const char* bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  if (!options.bootstrap_file.empty()) {
    const std::string tmp = options.bootstrap_file + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    const bool written = f != nullptr && std::fprintf(f, "%s\n", bootstrap) > 0;
    if (f != nullptr) std::fclose(f);
    // Renamed into place: a reader never sees half an address.
    if (!written || std::rename(tmp.c_str(), options.bootstrap_file.c_str()) != 0) {
      rd_kafka_mock_cluster_destroy(cluster);
      rd_kafka_destroy(handle);
      return fail("cannot write " + options.bootstrap_file + ": " + std::strerror(errno));
    }
  }
  // Printed last: whoever reads the first line may read the bootstrap file at once.
  std::printf("%s\n", bootstrap);
  std::fflush(stdout);
  std::fprintf(stderr, "logagent-broker: %d broker%s at %s; topics:", options.brokers, options.brokers == 1 ? "" : "s",
               bootstrap);
  for (const std::string& topic : options.topics) std::fprintf(stderr, " %s", topic.c_str());
  std::fprintf(stderr, " (%d partitions each)\n", options.partitions);

  for (;;) {
    int s = 0;
    if (sigwait(&signals, &s) != 0) continue;
    if (s == SIGUSR1) {
      set_all(cluster, options.brokers, false);
    } else if (s == SIGUSR2) {
      set_all(cluster, options.brokers, true);
    } else {
      break;
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  return 0;
}

}  // namespace
}  // namespace logagent::broker

int main(int argc, char** argv) {
  std::string error;
  bool help = false;
  const auto options = logagent::broker::parse_options(argc, argv, &error, &help);
  if (!options) {
    std::fputs(help ? error.c_str() : ("logagent-broker: " + error + "\n").c_str(), help ? stdout : stderr);
    return help ? 0 : 2;
  }
  return logagent::broker::run(*options);
}
