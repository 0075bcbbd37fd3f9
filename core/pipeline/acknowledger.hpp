// The acknowledgement thread: every input_ack runs here, never on an output's or input's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace logagent::core {

class InputRunner;

// Outputs finish batches on their own threads, or on a plugin's thread (a Kafka delivery
// report); an input's ack code may take the input's own locks. Handing acknowledgements to
// one thread keeps plugin input code off every other plugin's threads, makes input_ack
// never concurrent with itself, and never runs it inside emit.
class Acknowledger {
 public:
  struct Ack {
    InputRunner* input;
    uint64_t cookie;
    int32_t status;
  };

  Acknowledger() = default;
  ~Acknowledger();
  Acknowledger(const Acknowledger&) = delete;
  Acknowledger& operator=(const Acknowledger&) = delete;

  void start();
  // Delivers what is queued, then ends the thread. Acks posted later are dropped: only an
  // agent exiting with undelivered batches stops it while outputs may still complete.
  void stop();
  // For an agent exiting with undelivered batches: no more acks run, the thread is left
  // (it may be inside an input_ack that never returns).
  void abandon() noexcept;
  void post(const Ack& ack);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Ack> queue_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace logagent::core
