// Input threads, backpressure by unacknowledged bytes, and the acknowledgement back.
#include "pipeline/input_runner.hpp"

#include "pipeline/output_worker.hpp"

#include <spdlog/spdlog.h>

namespace logagent::core {
namespace {
// Recycled batches kept per input whatever their size; more are kept while the memory they
// hold stays within the queue limit (the most that can be in flight, so the most a steady
// load needs again) and freed beyond it, so memory follows load.
constexpr size_t kPoolKeep = 4;
}  // namespace

InputRunner::InputRunner(const ComponentConfig& config, const ServiceConfig& service, KeyRegistry& keys,
                         std::vector<FilterStage*> filters, std::vector<OutputWorker*> outputs)
    : instance_(config, keys), service_(service), filters_(std::move(filters)), outputs_(std::move(outputs)) {
  instance_.context()->input = this;
  limits_.max_events = static_cast<uint32_t>(service.batch_max_events);
  limits_.max_bytes = static_cast<size_t>(service.batch_max_bytes);
}

InputRunner::~InputRunner() {
  join();
  instance_.destroy();  // it may hand batches back to pool_, which is destroyed before it
}

void InputRunner::start(std::function<void()> on_finished) {
  thread_ = std::thread([this, on_finished = std::move(on_finished)] {
    int32_t status = instance_.descriptor().input_run(instance_.handle(), instance_.context());
    if (status != LOGAGENT_OK) {
      std::string reason;
      {
        std::lock_guard lock(instance_.context()->mutex);
        reason = instance_.context()->error;
      }
      spdlog::error("{}: input stopped with an error: {}", instance_.label(),
                    reason.empty() ? "no reason given" : reason);
      failed_ = true;
    }
    finished_.store(true, std::memory_order_release);
    on_finished();
  });
}

void InputRunner::request_stop() noexcept {
  stop_.store(true, std::memory_order_release);
  if (auto stop = instance_.descriptor().input_stop) stop(instance_.handle());
}

void InputRunner::abort() noexcept {
  std::lock_guard lock(mutex_);
  aborting_ = true;
  room_.notify_all();
}

void InputRunner::join() {
  if (thread_.joinable()) thread_.join();
}

bool InputRunner::wait_finished(std::chrono::steady_clock::time_point deadline) {
  while (!finished()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void InputRunner::detach() {
  if (thread_.joinable()) thread_.detach();
}

bool InputRunner::wait_drained(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return room_.wait_until(lock, deadline, [this] { return inflight_batches_ == 0; });
}

uint64_t InputRunner::unacknowledged_batches() {
  std::lock_guard lock(mutex_);
  return inflight_batches_;
}

Batch* InputRunner::new_batch() {
  std::unique_ptr<PipelineBatch> batch;
  {
    std::lock_guard lock(mutex_);
    if (!pool_.empty()) {
      batch = std::move(pool_.back());
      pool_.pop_back();
      pooled_bytes_ -= batch->reserved_bytes();
    }
  }
  if (!batch) batch = std::make_unique<PipelineBatch>(outputs_.size());
  batch->reset(instance_.config().tag, limits_);
  batch->owner = this;
  return batch.release();
}

void InputRunner::release(PipelineBatch* batch) noexcept {
  std::unique_ptr<PipelineBatch> owned(batch);
  std::lock_guard lock(mutex_);
  owned->reset({}, limits_);  // drop oversized arena chunks now, not at next use
  const size_t bytes = owned->reserved_bytes();
  if (pool_.size() < kPoolKeep || pooled_bytes_ + bytes <= static_cast<size_t>(service_.queue_max_bytes)) {
    pooled_bytes_ += bytes;
    pool_.push_back(std::move(owned));
  }
}

void InputRunner::discard(Batch* batch) noexcept { release(static_cast<PipelineBatch*>(batch)); }

int32_t InputRunner::emit(Batch* raw, uint64_t cookie) {
  auto* batch = static_cast<PipelineBatch*>(raw);
  for (FilterStage* filter : filters_) filter->apply(*batch);
  batch->cookie = cookie;
  batch->outcome.store(LOGAGENT_OK, std::memory_order_relaxed);
  const uint32_t live = batch->live_count();
  if (live == 0) {  // nothing left to deliver: acknowledged at once
    if (auto ack = instance_.descriptor().input_ack) {
      std::lock_guard lock(ack_mutex_);
      ack(instance_.handle(), cookie, LOGAGENT_OK);
    }
    release(batch);
    return LOGAGENT_OK;
  }
  const size_t bytes = batch->bytes();
  {
    // Block the input thread while too much is unacknowledged: this is how the pressure of
    // a slow output reaches the input. A batch larger than the limit passes when nothing
    // else is in flight, so a huge line cannot stall the pipeline forever.
    std::unique_lock lock(mutex_);
    const size_t limit = static_cast<size_t>(service_.queue_max_bytes);
    room_.wait(lock, [&] { return aborting_ || inflight_bytes_ == 0 || inflight_bytes_ + bytes <= limit; });
    if (aborting_) {
      lock.unlock();
      release(batch);
      return LOGAGENT_ERROR;
    }
    inflight_bytes_ += bytes;
    ++inflight_batches_;
  }
  batch->accounted_bytes = bytes;
  events_emitted_.fetch_add(live, std::memory_order_relaxed);
  batches_emitted_.fetch_add(1, std::memory_order_relaxed);
  // Count every output before handing the batch to any: the first may finish at once.
  batch->pending.store(static_cast<uint32_t>(outputs_.size()), std::memory_order_release);
  for (size_t i = 0; i < outputs_.size(); ++i) {
    logagent_token& token = batch->deliveries[i];
    token.batch = batch;
    token.output = outputs_[i];
    token.retries = 0;
    token.due_ns = 0;
  }
  for (size_t i = 0; i < outputs_.size(); ++i) outputs_[i]->enqueue(&batch->deliveries[i]);
  return LOGAGENT_OK;
}

void InputRunner::batch_done(PipelineBatch* batch) {
  if (auto ack = instance_.descriptor().input_ack) {
    std::lock_guard lock(ack_mutex_);
    ack(instance_.handle(), batch->cookie, batch->outcome.load(std::memory_order_acquire));
  }
  const size_t bytes = batch->accounted_bytes;
  release(batch);
  std::lock_guard lock(mutex_);
  inflight_bytes_ -= bytes;
  --inflight_batches_;
  room_.notify_all();
}

}  // namespace logagent::core
