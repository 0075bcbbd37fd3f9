// Output threads: calling write, retrying with exponential backoff, merging outcomes.
#include "pipeline/output_worker.hpp"

#include "pipeline/input_runner.hpp"
#include "pipeline/pipeline_services.hpp"

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

// The 1st, 2nd, 4th, 8th... occurrence: visible without flooding the log.
bool worth_logging(uint64_t n) { return (n & (n - 1)) == 0; }

}  // namespace

OutputWorker::OutputWorker(const ComponentConfig& config, KeyRegistry& keys, PipelineServices* services)
    : instance_(config, keys, services),
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

void OutputWorker::begin_drain() {
  {
    std::lock_guard lock(mutex_);
    draining_ = true;
    written_since_flush_ = true;  // whatever was written before may still be buffered
  }
  wake_.notify_all();
}

void OutputWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
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
  {
    std::lock_guard lock(mutex_);
    ready_.push_back(token);
  }
  wake_.notify_one();
}

logagent_token* OutputWorker::next_due(int64_t now_ns) {
  // A retry whose time has come goes before newer batches: under a steady stream the ready
  // queue is never empty, and a retry behind it would wait for the stream to end.
  if (!delayed_.empty() && delayed_.front()->due_ns <= now_ns) {
    std::pop_heap(delayed_.begin(), delayed_.end(), later);
    logagent_token* token = delayed_.back();
    delayed_.pop_back();
    return token;
  }
  if (!ready_.empty()) {
    logagent_token* token = ready_.front();
    ready_.pop_front();
    return token;
  }
  return nullptr;
}

void OutputWorker::run() {
  const auto& d = instance_.descriptor();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    logagent_token* token = next_due(delayed_.empty() ? 0 : monotonic_ns());
    if (token == nullptr) {
      if (draining_ && written_since_flush_ && d.output_flush != nullptr) {
        written_since_flush_ = false;
        lock.unlock();
        if (d.output_flush(instance_.handle()) != LOGAGENT_OK)
          spdlog::error("{}: flush failed; what it buffered is retried or failed through its tokens",
                        instance_.label());
        lock.lock();
        continue;
      }
      if (delayed_.empty()) {
        wake_.wait(lock);
      } else {
        wake_.wait_for(lock, std::chrono::nanoseconds(delayed_.front()->due_ns - monotonic_ns()));
      }
      continue;
    }
    written_since_flush_ = true;
    lock.unlock();
    token->in_write.store(true, std::memory_order_release);
    int32_t status = d.output_write(instance_.handle(), to_handle(token->batch), token);
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
      const uint64_t n = retries_.fetch_add(1, std::memory_order_relaxed) + 1;  // retries made, not RETRY answers
      int64_t delay = retry_backoff_ns_;
      for (uint32_t i = 1; i < token->retries && delay < retry_max_backoff_ns_; ++i) delay *= 2;
      delay = std::min(delay, retry_max_backoff_ns_);
      if (worth_logging(n))
        spdlog::warn("{}: retrying a batch of {} events tagged \"{}\" in {} ms (retry {}; {} retries so far)",
                     instance_.label(), batch->live_count(), batch->tag(), delay / 1'000'000, token->retries, n);
      token->due_ns = monotonic_ns() + delay;
      {
        std::lock_guard lock(mutex_);
        delayed_.push_back(token);
        std::push_heap(delayed_.begin(), delayed_.end(), later);
      }
      wake_.notify_one();
      return;
    }
    if (worth_logging(batches_failed_.load(std::memory_order_relaxed) + 1))
      spdlog::error("{}: giving up on a batch of {} events tagged \"{}\" after {} retries", instance_.label(),
                    batch->live_count(), batch->tag(), retry_limit_);
    status = LOGAGENT_ERROR;
  } else if (status != LOGAGENT_OK && status != LOGAGENT_ERROR) {
    spdlog::error("{}: write answered the invalid status {}; counted as a permanent error", instance_.label(), status);
    status = LOGAGENT_ERROR;
  }
  finish(token, status);
}

void OutputWorker::finish(logagent_token* token, int32_t status) {
  PipelineBatch* batch = token->batch;
  const uint32_t events = batch->live_count();
  if (status == LOGAGENT_OK) {
    batches_ok_.fetch_add(1, std::memory_order_relaxed);
    events_ok_.fetch_add(events, std::memory_order_relaxed);
  } else {
    const uint64_t failed = batches_failed_.fetch_add(1, std::memory_order_relaxed) + 1;
    events_failed_.fetch_add(events, std::memory_order_relaxed);
    // After the output declared itself unusable (host->fatal), that one line said it all.
    const PipelineServices* services = instance_.context()->services;
    if (worth_logging(failed) && !(services != nullptr && services->fatal_happened()))
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
