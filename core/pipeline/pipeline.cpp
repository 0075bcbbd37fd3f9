// Building routes from tags and globs, and the order of start-up and shutdown.
#include "pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

namespace logagent::core {
Pipeline::Pipeline(const PipelineConfig& config)
    : config_(config),
      services_(config.service.state_dir, config.service.state_flush_interval_ns, [this] { notify(); }) {
  for (const auto& output : config.outputs)
    outputs_.push_back(std::make_unique<OutputWorker>(output, keys_, &services_));
  for (const auto& filter : config.filters)
    filters_.push_back(std::make_unique<FilterStage>(filter, keys_, &services_));
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
    inputs_.push_back(std::make_unique<InputRunner>(input, config.service, keys_, &services_, acknowledger_,
                                                    std::move(filters), std::move(outputs)));
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
      // Pointed at the option the plugin named, when it names one.
      const SourcePosition where =
          problem->option.empty() ? instance.config().where : option_position(instance.config(), problem->option);
      const std::string prefix = problem->option.empty() ? "" : "option \"" + problem->option + "\": ";
      errors.push_back({where, instance.label(), "cannot start: " + prefix + problem->message});
      ok = false;
    }
  };
  for (auto& o : outputs_) create_one(o->instance());
  for (auto& f : filters_) create_one(f->instance);
  for (auto& i : inputs_) create_one(i->instance());
  return ok;
}

void Pipeline::request_stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    ++stop_requests_;
  }
  changed_.notify_all();
}

void Pipeline::notify() noexcept {
  {
    std::lock_guard lock(mutex_);
    ++generation_;  // a waiter that checked before this change sees it and does not sleep
  }
  changed_.notify_all();
}

bool Pipeline::all_finished() const noexcept {
  for (const auto& i : inputs_) {
    if (!i->finished()) return false;
  }
  return true;
}

bool Pipeline::all_drained() {
  for (const auto& i : inputs_) {
    if (!i->drained()) return false;
  }
  return true;
}

Pipeline::Outcome Pipeline::run() {
  using Clock = std::chrono::steady_clock;
  // spdlog makes its default logger on first use; made here, before any pipeline thread
  // logs, so threads do not race to create it.
  spdlog::default_logger_raw();
  acknowledger_.start();
  for (auto& o : outputs_) o->start();
  for (auto& i : inputs_) i->start([this] { notify(); });
  spdlog::info("pipeline started: {}", config_.counts_text());

  // Inputs that finish by themselves (end of input) are waited for as long as delivery
  // takes: retries that eventually succeed lose nothing. A signal or a fatal error starts
  // the grace period; a second signal ends the wait at once.
  std::optional<Clock::time_point> deadline;
  int signals_at_stop = 0;
  bool draining = false;
  bool drained = false;
  while (true) {
    std::unique_lock lock(mutex_);
    const int signals = stop_requests_;
    const uint64_t generation = generation_;
    lock.unlock();
    if (!deadline && (signals > 0 || services_.fatal_happened())) {
      deadline = Clock::now() + std::chrono::nanoseconds(config_.service.grace_period_ns);
      signals_at_stop = signals;
      spdlog::info("stopping: waiting up to {} ms for outputs to deliver", config_.service.grace_period_ns / 1'000'000);
      for (auto& i : inputs_) i->request_stop();
    } else if (deadline && signals > std::max(signals_at_stop, 1)) {
      break;  // a second signal
    }
    const bool finished = all_finished();
    if (finished && !draining) {
      for (auto& o : outputs_) o->begin_drain();  // nothing new comes: flush what is buffered
      draining = true;
    }
    if (finished && all_drained()) {
      drained = true;
      break;
    }
    if (deadline && Clock::now() >= *deadline) break;
    // Inputs notify when they finish and when their last batch is acknowledged, and a fatal
    // error notifies too: nothing here polls.
    lock.lock();
    auto changed = [&] { return stop_requests_ != signals || generation_ != generation; };
    if (deadline) {
      changed_.wait_until(lock, *deadline, changed);
    } else {
      changed_.wait(lock, changed);
    }
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
    if (!drained && !i->wait_finished(Clock::now() + std::chrono::seconds(1))) {
      spdlog::error("{}: did not return after being asked to stop; exiting without it", i->instance().label());
      i->detach();
      continue;
    }
    i->join();
  }
  if (drained) {
    for (auto& o : outputs_) o->stop();
    acknowledger_.stop();
  } else {
    // Outputs are not joined: one may be blocked in a write that never returns (a reader
    // of stdout that stopped reading). The process exits without destroying anything.
    if (undelivered > 0)
      spdlog::error("stopped with {} batches not acknowledged; an input that keeps positions will send them again",
                    undelivered);
    for (auto& o : outputs_) o->abandon();
    acknowledger_.abandon();
  }
  // Positions acknowledged so far are safe to keep, whichever way the run ended.
  services_.checkpoints().flush();
  log_report();
  bool input_failed = false;
  for (auto& i : inputs_) input_failed = input_failed || i->failed();
  uint64_t failed_batches = 0;
  for (auto& o : outputs_) failed_batches += o->failed_batches();
  if (!drained) return Outcome::Undelivered;
  if (failed_batches > 0 || services_.fatal_happened()) return Outcome::EventsFailed;
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
