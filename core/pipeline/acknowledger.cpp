// The acknowledgement thread's queue.
#include "pipeline/acknowledger.hpp"

#include "pipeline/input_runner.hpp"

namespace logagent::core {

Acknowledger::~Acknowledger() { stop(); }

void Acknowledger::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopped_) return;
  thread_ = std::thread([this] { run(); });
}

void Acknowledger::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  stopped_ = true;
}

void Acknowledger::abandon() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stopped_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.detach();
}

void Acknowledger::post(const Ack& ack) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    queue_.push_back(ack);
  }
  wake_.notify_one();
}

void Acknowledger::run() {
  std::vector<Ack> work;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything delivered
    work.swap(queue_);           // both keep their capacity: no allocation at steady load
    lock.unlock();
    for (const Ack& ack : work) ack.input->acknowledge(ack.cookie, ack.status);
    work.clear();
    lock.lock();
  }
}

}  // namespace logagent::core
