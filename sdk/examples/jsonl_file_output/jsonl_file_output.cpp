// Example output in C++: appends every event to a file as one JSON object per line.
//
// Shows an output written with the header-only wrapper (plugin.hpp) and the SDK's JSON
// encoder (event_json.hpp): a required option refused at its line and column when the file
// cannot be opened, one write per batch from a buffer that keeps its capacity (no
// allocation per event), and an honest answer to the agent. OK only once the batch's lines
// are written (and, with fsync = true, on the disk); RETRY when the write failed, after
// cutting the file back to where the batch began, so a retried batch never leaves half a
// line or a second copy of its first lines behind.
#include <logagent/event_json.hpp>
#include <logagent/plugin.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace {

const logagent_option kOptions[] = {
    logagent::option("path", LOGAGENT_OPTION_STRING)
        .required()
        .doc("The file the lines are appended to; created (mode 0640) when missing")
        .example("\"/var/log/logagent/events.jsonl\""),
    logagent::option("fsync", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Acknowledge a batch only once its lines are on the disk (fdatasync), not only written")
        .example("true"),
};

// "cannot write PATH: No space left on device". The caller reads errno first: building
// the text may allocate, and an allocation may change errno.
std::string describe_errno(const char* what, const std::string& path, int error) {
  std::string message = what;
  message += ' ';
  message += path;
  message += ": ";
  message += std::strerror(error);
  return message;
}

class JsonlFileOutput final : public logagent::Output {
 public:
  JsonlFileOutput(logagent::Host host, const logagent::Config& config)
      : host_(host),
        path_(config.get_string("path")),
        fsync_(config.get_bool("fsync", false)),
        events_(host.counter("events")),
        failures_(host.counter("write_failures")),
        json_(host.intern("@timestamp")) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) {
      const int error = errno;
      throw logagent::OptionError("path", describe_errno("cannot open", path_, error));
    }
  }
  ~JsonlFileOutput() override { ::close(fd_); }
  JsonlFileOutput(const JsonlFileOutput&) = delete;
  JsonlFileOutput& operator=(const JsonlFileOutput&) = delete;

  // Called on the output's own thread, never concurrently: buffer_ needs no lock.
  logagent::Status write(const logagent::BatchView& batch, logagent_token* /*token*/) override {
    buffer_.clear();  // keeps its capacity
    uint64_t events = 0;
    for (uint32_t e = 0; e < batch.size(); ++e) {
      if (batch.dropped(e)) continue;
      json_.append_line(buffer_, batch, e);
      ++events;
    }
    if (events == 0) return logagent::Status::Ok();

    // This instance is the file's only writer, so its size now is where the batch begins.
    struct stat before {};
    if (::fstat(fd_, &before) != 0) return fail("cannot stat", errno, -1);
    if (int error = append(buffer_); error != 0) return fail("cannot write", error, before.st_size);
    if (fsync_ && ::fdatasync(fd_) != 0) return fail("cannot sync", errno, before.st_size);
    host_.add(events_, events);
    return logagent::Status::Ok();
  }

 private:
  // write(2) until every byte is out, riding out EINTR and short writes; 0 or an errno.
  int append(std::string_view bytes) const noexcept {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return 0;
  }

  // A full disk or a failing device may recover: the agent retries the batch with backoff.
  // What was written of it is cut off first, so that the retry writes it whole, once.
  logagent::Status fail(const char* what, int error, off_t batch_start) {
    struct stat now {};
    const bool grew = batch_start >= 0 && ::fstat(fd_, &now) == 0 && now.st_size > batch_start;
    if (grew && ::ftruncate(fd_, batch_start) != 0) {
      const int cut_error = errno;
      host_.error(describe_errno("cannot cut back", path_, cut_error));
    }
    host_.warn(describe_errno(what, path_, error));
    host_.add(failures_, 1);
    return logagent::Status::Retry();
  }

  logagent::Host host_;
  std::string path_;
  bool fsync_;
  logagent_counter* events_;
  logagent_counter* failures_;
  logagent::EventJsonEncoder json_;
  std::string buffer_;
  int fd_ = -1;
};

}  // namespace

LOGAGENT_OUTPUT_PLUGIN(JsonlFileOutput, "jsonl_file", "1.0.0",
                       "Appends events to a file as JSON lines (SDK example, in C++)", kOptions)
