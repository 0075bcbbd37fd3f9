// Input threads, backpressure by unacknowledged bytes, and the acknowledgement back.
#include "pipeline/input_runner.hpp"

#include "pipeline/acknowledger.hpp"
#include "pipeline/output_worker.hpp"
#include "pipeline/pipeline_services.hpp"

#include <spdlog/spdlog.h>

namespace logagent::core {
namespace {
// Recycled batches kept per input whatever their size; more are kept while the memory they
// hold stays within the queue limit (the most that can be in flight, so the most a steady
// load needs again) and freed beyond it, so memory follows load.
constexpr size_t kPoolKeep = 4;
}  // namespace

InputRunner::InputRunner(const ComponentConfig& config, const ServiceConfig& service, KeyRegistry& keys,
                         PipelineServices* services, Acknowledger& acknowledger, std::vector<FilterStage*> filters,
                         std::vector<OutputWorker*> outputs)
    : instance_(config, keys, services),
      service_(service),
      acknowledger_(acknowledger),
      keys_(keys),
      filters_(std::move(filters)),
      outputs_(std::move(outputs)) {
  instance_.context()->input = this;
  limits_.max_events = static_cast<uint32_t>(service.batch_max_events);
  limits_.max_bytes = static_cast<size_t>(service.batch_max_bytes);
}

InputRunner::~InputRunner() {
  join();
  instance_.destroy();  // it may hand batches back to pool_, which is destroyed before it
}

void InputRunner::start(std::function<void()> on_change) {
  on_change_ = std::move(on_change);
  thread_ = std::thread([this] {
    int32_t status = instance_.descriptor().input_run(instance_.handle(), instance_.context());
    if (status != LOGAGENT_OK) {
      std::string reason;
      {
        std::lock_guard lock(instance_.context()->mutex);
        reason = instance_.context()->error;
      }
      spdlog::error("{}: input stopped with an error: {}", instance_.label(),
                    reason.empty() ? "no reason given" : reason);
      failed_.store(true, std::memory_order_release);
    }
    finished_.store(true, std::memory_order_release);
    if (on_change_) on_change_();
  });
}

void InputRunner::request_stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true, std::memory_order_release);
  }
  room_.notify_all();
  if (auto stop = instance_.descriptor().input_stop) stop(instance_.handle());
}

void InputRunner::abort() noexcept {
  {
    std::lock_guard lock(mutex_);
    aborting_ = true;
  }
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

bool InputRunner::drained() {
  std::lock_guard lock(mutex_);
  return unacked_batches_ == 0;
}

uint64_t InputRunner::unacknowledged_batches() {
  std::lock_guard lock(mutex_);
  return unacked_batches_;
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
  if (!batch) batch = std::make_unique<PipelineBatch>(keys_, outputs_.size());
  batch->reset(instance_.config().tag, limits_);
  batch->owner = this;
  return batch.release();
}

void InputRunner::release(PipelineBatch* batch) noexcept {
  std::unique_ptr<PipelineBatch> owned(batch);
  // Outside the lock: emit and the acknowledgement path share it, and a reset frees memory.
  owned->reset({}, limits_);  // drop oversized arena chunks now, not at next use
  const size_t bytes = owned->reserved_bytes();
  std::lock_guard lock(mutex_);
  if (pool_.size() < kPoolKeep || pooled_bytes_ + bytes <= static_cast<size_t>(service_.queue_max_bytes)) {
    pooled_bytes_ += bytes;
    pool_.push_back(std::move(owned));
  }
}

void InputRunner::discard(Batch* batch) noexcept { release(static_cast<PipelineBatch*>(batch)); }

bool InputRunner::has_room(size_t bytes) const noexcept {
  // A batch larger than the limit passes when nothing else is in flight, so a huge line
  // cannot stall the pipeline forever.
  return inflight_bytes_ == 0 || inflight_bytes_ + bytes <= static_cast<size_t>(service_.queue_max_bytes);
}

int32_t InputRunner::emit(Batch* raw, uint64_t cookie, bool blocking) {
  auto* batch = static_cast<PipelineBatch*>(raw);
  if (!blocking) {
    // Decided before the filters run, since a batch they changed cannot go back to the
    // caller. Concurrent emits of one input may pass together: the limit is approximate.
    std::lock_guard lock(mutex_);
    if (aborting_) {
      // fall through: discarded below like a blocking emit's
    } else if (!has_room(batch->bytes())) {
      // Once stopping, one batch passes over the limit, as for a blocking emit.
      if (!stop_.load(std::memory_order_relaxed) || stop_pass_used_) return LOGAGENT_RETRY;
      stop_pass_used_ = true;
    }
  }
  for (FilterStage* filter : filters_) filter->apply(*batch);
  batch->cookie = cookie;
  batch->outcome.store(LOGAGENT_OK, std::memory_order_relaxed);
  const uint32_t live = batch->live_count();
  const size_t bytes = batch->bytes();
  {
    // Block the input thread while too much is unacknowledged: this is how the pressure of
    // a slow output reaches the input. Once the agent stops, one batch passes over the
    // limit, so that the input gets back to its loop, sees should_stop and returns.
    std::unique_lock lock(mutex_);
    if (blocking) {
      room_.wait(lock, [&] {
        return aborting_ || has_room(bytes) || (stop_.load(std::memory_order_relaxed) && !stop_pass_used_);
      });
      if (!aborting_ && !has_room(bytes)) stop_pass_used_ = true;
    }
    if (aborting_) {
      lock.unlock();
      release(batch);
      return LOGAGENT_ERROR;
    }
    inflight_bytes_ += bytes;
    ++unacked_batches_;
  }
  batch->accounted_bytes = bytes;
  events_emitted_.fetch_add(live, std::memory_order_relaxed);
  if (live == 0 || outputs_.empty()) {  // nothing left to deliver: done now, acknowledged on the ack thread
    batch_done(batch);
    return LOGAGENT_OK;
  }
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
  const uint64_t cookie = batch->cookie;
  const int32_t status = batch->outcome.load(std::memory_order_acquire);
  const size_t bytes = batch->accounted_bytes;
  if (status != LOGAGENT_OK) failed_batches_.fetch_add(1, std::memory_order_relaxed);
  release(batch);  // the acknowledgement needs only the cookie and the status
  {
    std::lock_guard lock(mutex_);
    inflight_bytes_ -= bytes;
  }
  room_.notify_all();  // before input_ack: an emit blocked on room must not wait for it
  acknowledger_.post({this, cookie, status});
}

void InputRunner::acknowledge(uint64_t cookie, int32_t status) {
  // After an instance declared itself unusable, its failures say nothing about the data:
  // those batches are not acknowledged to the input, so one that keeps positions does not
  // move past them and sends them again after a restart.
  const PipelineServices* services = instance_.context()->services;
  const bool withheld = status != LOGAGENT_OK && services != nullptr && services->fatal_happened();
  if (auto ack = instance_.descriptor().input_ack; ack != nullptr && !withheld) ack(instance_.handle(), cookie, status);
  bool last;
  {
    std::lock_guard lock(mutex_);
    last = --unacked_batches_ == 0;
  }
  if (last && on_change_) on_change_();
}

}  // namespace logagent::core
