// Building routes from tags and globs, and the order of start-up and shutdown.
#include "pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

namespace logagent::core {

Pipeline::Pipeline(const PipelineConfig& config) : config_(config) {
  KeyRegistry& keys = KeyRegistry::global();
  for (const auto& output : config.outputs) outputs_.push_back(std::make_unique<OutputWorker>(output, keys));
  for (const auto& filter : config.filters) filters_.push_back(std::make_unique<FilterStage>(filter, keys));
  // A batch carries one tag, so each input's route is fixed here, once: the filters that
  // match its tag in file order, and every output that matches it.
  for (const auto& input : config.inputs) {
    std::vector<FilterStage*> filters;
    for (auto& f : filters_) {
      if (f->match.matches(input.tag)) filters.push_back(f.get());
    }
    std::vector<OutputWorker*> outputs;
    for (auto& o : outputs_) {
      if (o->match().matches(input.tag)) outputs.push_back(o.get());
    }
    inputs_.push_back(
        std::make_unique<InputRunner>(input, config.service, keys, std::move(filters), std::move(outputs)));
  }
}

Pipeline::~Pipeline() {
  // Inputs first (their batches point at outputs), then filters, then outputs.
  inputs_.clear();
  filters_.clear();
  outputs_.clear();
}

bool Pipeline::create(ConfigErrors& errors) {
  bool ok = true;
  auto create_one = [&](PluginInstance& instance) {
    if (auto problem = instance.create()) {
      errors.push_back({instance.config().where, instance.label(), "cannot start: " + *problem});
      ok = false;
    }
  };
  for (auto& o : outputs_) create_one(o->instance());
  for (auto& f : filters_) create_one(f->instance);
  for (auto& i : inputs_) create_one(i->instance());
  return ok;
}

void Pipeline::request_stop() noexcept {
  std::lock_guard lock(mutex_);
  ++stop_requests_;
  changed_.notify_all();
}

Pipeline::Outcome Pipeline::run() {
  for (auto& o : outputs_) o->start();
  {
    std::lock_guard lock(mutex_);
    inputs_running_ = inputs_.size();
  }
  for (auto& i : inputs_) {
    i->start([this] {
      std::lock_guard lock(mutex_);
      --inputs_running_;
      changed_.notify_all();
    });
  }
  spdlog::info("pipeline started: {} inputs, {} filters, {} outputs", inputs_.size(), filters_.size(), outputs_.size());

  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return inputs_running_ == 0 || stop_requests_ > 0; });
  if (inputs_running_ > 0)
    spdlog::info("stopping: waiting up to {} ms for outputs to deliver", config_.service.grace_period_ns / 1'000'000);
  const int stops_before = stop_requests_;  // a later one is the "second signal"
  lock.unlock();
  for (auto& i : inputs_) i->request_stop();

  // Drain: inputs return, then every emitted batch is acknowledged, all within the grace
  // period from now. A second signal ends the wait at once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(config_.service.grace_period_ns);
  bool drained = true;
  for (auto& i : inputs_) {
    while (true) {
      if (i->wait_drained(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50))) &&
          i->finished())
        break;
      bool give_up = std::chrono::steady_clock::now() >= deadline;
      {
        std::lock_guard guard(mutex_);
        give_up = give_up || stop_requests_ > std::max(stops_before, 1);
      }
      if (give_up) {
        drained = false;
        break;
      }
    }
    if (!drained) break;
  }
  uint64_t undelivered = 0;
  if (!drained) {
    for (auto& i : inputs_) {
      i->abort();
      undelivered += i->unacknowledged_batches();
    }
  }
  for (auto& i : inputs_) {
    // An aborted emit returns at once, so an input still running a moment later ignores
    // its stop: the agent exits without it rather than hang (the exit skips destructors).
    if (!drained && !i->wait_finished(std::chrono::steady_clock::now() + std::chrono::seconds(1))) {
      spdlog::error("{}: did not return after being asked to stop; exiting without it", i->instance().label());
      i->detach();
      continue;
    }
    i->join();
  }
  if (drained) {
    for (auto& o : outputs_) o->stop();
  } else {
    // Outputs are not joined: one may be blocked in a write that never returns (a reader
    // of stdout that stopped reading). The process exits without destroying anything.
    if (undelivered > 0)
      spdlog::error("stopped with {} batches not acknowledged; an input that keeps positions will send them again",
                    undelivered);
    for (auto& o : outputs_) o->abandon();
  }
  log_report();
  bool input_failed = false;
  for (auto& i : inputs_) input_failed = input_failed || i->failed();
  if (!drained) return Outcome::Undelivered;
  return input_failed ? Outcome::InputFailed : Outcome::Completed;
}

void Pipeline::log_report() {
  for (auto& i : inputs_) {
    std::string counters = i->instance().counters_text();
    spdlog::info("{}: emitted_events={}{}{}", i->instance().label(), i->events_emitted(), counters.empty() ? "" : " ",
                 counters);
  }
  for (auto& f : filters_) {
    std::string counters = f->instance.counters_text();
    spdlog::info("{}: errors={}{}{}", f->instance.label(), f->errors.load(), counters.empty() ? "" : " ", counters);
  }
  for (auto& o : outputs_) spdlog::info("{}: {}", o->instance().label(), o->report());
}

}  // namespace logagent::core
