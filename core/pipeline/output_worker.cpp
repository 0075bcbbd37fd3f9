// Output threads: calling write, retrying with exponential backoff, merging outcomes.
#include "pipeline/output_worker.hpp"

#include "pipeline/input_runner.hpp"

#include <spdlog/spdlog.h>

#include <time.h>
#include <algorithm>

namespace logagent::core {
namespace {

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

bool later(const logagent_token* a, const logagent_token* b) { return a->due_ns > b->due_ns; }

}  // namespace

OutputWorker::OutputWorker(const ComponentConfig& config, KeyRegistry& keys)
    : instance_(config, keys),
      match_(config.match),
      retry_backoff_ns_(config.retry_backoff_ns),
      retry_max_backoff_ns_(std::max(config.retry_max_backoff_ns, config.retry_backoff_ns)),
      retry_limit_(config.retry_limit) {}

OutputWorker::~OutputWorker() {
  stop();
  instance_.destroy();
}

void OutputWorker::start() {
  thread_ = std::thread([this] { run(); });
}

void OutputWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void OutputWorker::abandon() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // no further writes start
  }
  wake_.notify_all();
  instance_.leak();
  if (thread_.joinable()) thread_.detach();
}

void OutputWorker::enqueue(logagent_token* token) {
  std::lock_guard lock(mutex_);
  ready_.push_back(token);
  wake_.notify_one();
}

void OutputWorker::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stopping_) return;
    logagent_token* token = nullptr;
    if (!ready_.empty()) {
      token = ready_.front();
      ready_.pop_front();
    } else if (!delayed_.empty() && delayed_.front()->due_ns <= monotonic_ns()) {
      std::pop_heap(delayed_.begin(), delayed_.end(), later);
      token = delayed_.back();
      delayed_.pop_back();
    } else if (!delayed_.empty()) {
      auto wait = std::chrono::nanoseconds(delayed_.front()->due_ns - monotonic_ns());
      wake_.wait_for(lock, wait);
      continue;
    } else {
      wake_.wait(lock);
      continue;
    }
    lock.unlock();
    outstanding_.fetch_add(1, std::memory_order_acq_rel);
    token->in_write.store(true, std::memory_order_release);
    int32_t status = instance_.descriptor().output_write(instance_.handle(), to_handle(token->batch), token);
    if (status != LOGAGENT_PENDING) on_result(token, status);
    lock.lock();
  }
}

void OutputWorker::on_result(logagent_token* token, int32_t status) {
  if (!token->in_write.exchange(false, std::memory_order_acq_rel)) {
    spdlog::error("{}: a delivery was completed twice or without being written; ignored (plugin bug)",
                  instance_.label());
    return;
  }
  PipelineBatch* batch = token->batch;
  if (status == LOGAGENT_RETRY) {
    ++token->retries;
    if (retry_limit_ == 0 || token->retries <= static_cast<uint64_t>(retry_limit_)) {
      retries_.fetch_add(1, std::memory_order_relaxed);  // retries made, not RETRY answers
      int64_t delay = retry_backoff_ns_;
      for (uint32_t i = 1; i < token->retries && delay < retry_max_backoff_ns_; ++i) delay *= 2;
      delay = std::min(delay, retry_max_backoff_ns_);
      spdlog::warn("{}: retrying a batch of {} events tagged \"{}\" in {} ms (retry {})", instance_.label(),
                   batch->live_count(), batch->tag(), delay / 1'000'000, token->retries);
      token->due_ns = monotonic_ns() + delay;
      std::lock_guard lock(mutex_);
      delayed_.push_back(token);
      std::push_heap(delayed_.begin(), delayed_.end(), later);
      outstanding_.fetch_sub(1, std::memory_order_acq_rel);
      wake_.notify_one();
      return;
    }
    spdlog::error("{}: giving up on a batch of {} events tagged \"{}\" after {} retries", instance_.label(),
                  batch->live_count(), batch->tag(), retry_limit_);
    status = LOGAGENT_ERROR;
  } else if (status != LOGAGENT_OK && status != LOGAGENT_ERROR) {
    spdlog::error("{}: write answered the invalid status {}; counted as a permanent error", instance_.label(), status);
    status = LOGAGENT_ERROR;
  }
  finish(token, status);
  outstanding_.fetch_sub(1, std::memory_order_acq_rel);
}

void OutputWorker::finish(logagent_token* token, int32_t status) {
  PipelineBatch* batch = token->batch;
  const uint32_t events = batch->live_count();
  if (status == LOGAGENT_OK) {
    batches_ok_.fetch_add(1, std::memory_order_relaxed);
    events_ok_.fetch_add(events, std::memory_order_relaxed);
  } else {
    uint64_t failed = batches_failed_.fetch_add(1, std::memory_order_relaxed) + 1;
    events_failed_.fetch_add(events, std::memory_order_relaxed);
    spdlog::error(
        "{}: permanent error: a batch of {} events tagged \"{}\" was not delivered ({} batches failed so far)",
        instance_.label(), events, batch->tag(), failed);
    batch->outcome.store(LOGAGENT_ERROR, std::memory_order_release);
  }
  if (batch->pending.fetch_sub(1, std::memory_order_acq_rel) == 1) batch->owner->batch_done(batch);
}

std::string OutputWorker::report() {
  std::string text = "delivered_events=" + std::to_string(events_ok_.load()) +
                     " delivered_batches=" + std::to_string(batches_ok_.load()) +
                     " retries=" + std::to_string(retries_.load()) +
                     " failed_events=" + std::to_string(events_failed_.load()) +
                     " failed_batches=" + std::to_string(batches_failed_.load());
  std::string plugin = instance_.counters_text();
  return plugin.empty() ? text : text + " " + plugin;
}

}  // namespace logagent::core
