// logagent-bench-producer: librdkafka's producer sends each line of a file as a message; the kafka bench's reference.
//
// What tests/bench/kafka_throughput.py compares the agent's kafka output with: the plain C API
// (rdkafka.h) as its documentation shows it, with no more settings than the agent's output
// makes (the benchmark passes those with -X). The file is mapped and split into lines before
// the clock starts; the clock runs from rd_kafka_new, through producing every line and waiting
// for every delivery report, to the end of rd_kafka_destroy: the span of the agent's run
// after start-up. Its CPU time (every thread, getrusage) is measured over the same span.
// Prints one JSON line on standard output and exits 0 when every message was
// delivered, 1 when any failed, 2 on a bad command line or an unreadable file.
#include <librdkafka/rdkafka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logagent::bench {
namespace {

const char* const kUsage =
    "usage: logagent-bench-producer --brokers B --topic T --file PATH [--acks 0|1|all]\n"
    "         [--compression none|gzip|snappy|lz4|zstd] [--payload copy|zero-copy] [-X property=value]...\n"
    "\n"
    "Produces each line of PATH (without its newline) as one message to topic T, with no key\n"
    "and the partition left to the partitioner, waits for every delivery report and prints\n"
    "{\"messages\":N,\"seconds\":S,\"msgs_per_s\":R,\"failed\":F,...} on one line.\n"
    "  --acks         request.required.acks (default 1)\n"
    "  --compression  compression.codec (default lz4)\n"
    "  --payload      copy: librdkafka copies each message (RD_KAFKA_MSG_F_COPY), as an agent\n"
    "                 must when its buffer is reused before the delivery report (default);\n"
    "                 zero-copy: messages point into the mapped file, which outlives them\n"
    "  -X             any other librdkafka property, as the agent's output sets it\n";

struct Options {
  std::string brokers;
  std::string topic;
  std::string file;
  std::string acks = "1";
  std::string compression = "lz4";
  bool copy = true;
  std::vector<std::pair<std::string, std::string>> properties;  // from -X, in order
};

// Delivery reports arrive on this thread, inside rd_kafka_poll and rd_kafka_flush.
struct Reports {
  uint64_t delivered = 0;
  uint64_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* reports = static_cast<Reports*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++reports->delivered;
  } else {
    if (reports->failed == 0) reports->first_error = message->err;
    ++reports->failed;
  }
}

bool parse(int argc, char** argv, Options* o, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      *error = "";
      return false;
    }
    if (i + 1 >= argc) {
      *error = std::string(arg) + ": expected a value after it, or an unknown option";
      return false;
    }
    const std::string value = argv[++i];
    if (arg == "--brokers") {
      o->brokers = value;
    } else if (arg == "--topic") {
      o->topic = value;
    } else if (arg == "--file") {
      o->file = value;
    } else if (arg == "--acks") {
      o->acks = value;
    } else if (arg == "--compression") {
      o->compression = value;
    } else if (arg == "--payload") {
      if (value != "copy" && value != "zero-copy") {
        *error = "--payload: expected copy or zero-copy, got \"" + value + "\"";
        return false;
      }
      o->copy = value == "copy";
    } else if (arg == "-X") {
      const size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0) {
        *error = "-X: expected property=value, got \"" + value + "\"";
        return false;
      }
      o->properties.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else {
      *error = "unknown option " + std::string(arg) + " (see --help)";
      return false;
    }
  }
  if (o->brokers.empty() || o->topic.empty() || o->file.empty()) {
    *error = "--brokers, --topic and --file are required (see --help)";
    return false;
  }
  return true;
}

// The file, mapped read-only for the whole run (zero-copy messages point into it).
struct MappedFile {
  const char* data = nullptr;
  size_t size = 0;
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data != nullptr) munmap(const_cast<char*>(data), size);
  }
};

bool map_file(const std::string& path, MappedFile* file, std::string* error) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    *error = path + ": " + std::strerror(errno);
    close(fd);
    return false;
  }
  file->size = static_cast<size_t>(st.st_size);
  if (file->size > 0) {
    // MAP_POPULATE: the pages are in before the clock starts, as after one big read.
    void* p = mmap(nullptr, file->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) {
      *error = path + ": mmap: " + std::strerror(errno);
      close(fd);
      return false;
    }
    file->data = static_cast<const char*>(p);
  }
  close(fd);
  return true;
}

// Every line of the file without its newline; a last line without one counts too.
std::vector<std::string_view> split_lines(const MappedFile& file) {
  std::vector<std::string_view> lines;
  const char* p = file.data;
  const char* end = file.data + file.size;
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* stop = nl != nullptr ? nl : end;
    lines.emplace_back(p, static_cast<size_t>(stop - p));
    p = stop + 1;
  }
  return lines;
}

// User and system time of every thread of this process so far.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

bool set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value, std::string* error) {
  char text[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), text, sizeof text) != RD_KAFKA_CONF_OK) {
    *error = name + "=" + value + ": " + text;
    return false;
  }
  return true;
}

int run(const Options& o) {
  std::string error;
  MappedFile file;
  if (!map_file(o.file, &file, &error)) {
    std::fprintf(stderr, "logagent-bench-producer: %s\n", error.c_str());
    return 2;
  }
  const std::vector<std::string_view> lines = split_lines(file);

  Reports reports;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  bool ok = set(conf, "bootstrap.servers", o.brokers, &error) && set(conf, "acks", o.acks, &error) &&
            set(conf, "compression.codec", o.compression, &error);
  for (const auto& [name, value] : o.properties) ok = ok && set(conf, name, value, &error);
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    std::fprintf(stderr, "logagent-bench-producer: %s\n", error.c_str());
    return 2;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &reports);

  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  char text[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, text, sizeof text);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    std::fprintf(stderr, "logagent-bench-producer: rd_kafka_new: %s\n", text);
    return 2;
  }
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
  const int flags = o.copy ? RD_KAFKA_MSG_F_COPY : 0;
  uint64_t queue_full_waits = 0;
  uint64_t refused = 0;  // produce calls failing other than by a full queue: failures too
  for (size_t i = 0; i < lines.size(); ++i) {
    // librdkafka does not keep the payload past the call with F_COPY, and never writes it.
    void* payload = const_cast<char*>(lines[i].data());
    while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, flags, payload, lines[i].size(), nullptr, 0, nullptr) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        if (reports.failed + refused == 0) reports.first_error = rd_kafka_last_error();
        ++refused;
        break;
      }
      // The queue drains as delivery reports are served: wait for the next ones.
      ++queue_full_waits;
      rd_kafka_poll(rk, 100);
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_flush(rk, 1000);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;

  const uint64_t failed = reports.failed + refused;
  std::printf(
      "{\"messages\":%zu,\"seconds\":%.6f,\"msgs_per_s\":%.0f,\"failed\":%llu,\"delivered\":%llu,"
      "\"cpu_seconds\":%.3f,\"queue_full_waits\":%llu,\"payload\":\"%s\",\"librdkafka\":\"%s\"}\n",
      lines.size(), seconds, static_cast<double>(lines.size()) / seconds, static_cast<unsigned long long>(failed),
      static_cast<unsigned long long>(reports.delivered), cpu, static_cast<unsigned long long>(queue_full_waits),
      o.copy ? "copy" : "zero-copy", rd_kafka_version_str());
  if (failed > 0) {
    std::fprintf(stderr, "logagent-bench-producer: %llu messages failed, the first: %s\n",
                 static_cast<unsigned long long>(failed), rd_kafka_err2str(reports.first_error));
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace logagent::bench

int main(int argc, char** argv) {
  logagent::bench::Options options;
  std::string error;
  if (!logagent::bench::parse(argc, argv, &options, &error)) {
    if (error.empty()) {
      std::fputs(logagent::bench::kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "logagent-bench-producer: %s\n", error.c_str());
    return 2;
  }
  return logagent::bench::run(options);
}
