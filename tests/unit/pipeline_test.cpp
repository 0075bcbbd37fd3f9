// Tests of the engine itself, in-process: plugins compiled into this test binary (no shared
// library) drive the real Pipeline through the real host table, so each scenario of the
// acknowledgement path is scripted exactly: retry order, acks racing emit, batches that
// filters empty, emits from several threads, a drain longer than the grace period, the
// abort path, a blocked emit woken by stop, try_emit, flush and fatal.
#include "pipeline/pipeline.hpp"
#include "config/pipeline_config.hpp"
#include "plugin/plugin_library.hpp"

#include <logagent/plugin.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace logagent::core;
using logagent::Status;
using namespace std::chrono_literals;

// What the scripted plugins of one test do and what they saw. Reset by each test.
struct Scenario {
  std::function<Status(logagent::Host)> input_body;
  std::function<Status(logagent::Host, const logagent::BatchView&, logagent_token*)> output_body;
  std::function<Status(logagent::Host)> output_flush = [](logagent::Host) { return Status::Ok(); };

  std::mutex mutex;
  std::vector<std::pair<uint64_t, int32_t>> acks;  // cookie, status, in arrival order
  std::set<std::thread::id> ack_threads;
  std::thread::id input_thread;
};
Scenario* g = nullptr;

class ScriptInput final : public logagent::Input {
 public:
  ScriptInput(logagent::Host host, const logagent::Config&) : host_(host) {}
  Status run() override {
    {
      std::lock_guard lock(g->mutex);
      g->input_thread = std::this_thread::get_id();
    }
    return g->input_body(host_);
  }
  void ack(uint64_t cookie, Status status) noexcept override {
    std::lock_guard lock(g->mutex);
    g->acks.emplace_back(cookie, status.code());
    g->ack_threads.insert(std::this_thread::get_id());
  }

 private:
  logagent::Host host_;
};

class DropAllFilter final : public logagent::Filter {
 public:
  DropAllFilter(logagent::Host, const logagent::Config&) {}
  Status filter(logagent::Batch& batch) override {
    for (uint32_t e = 0; e < batch.size(); ++e) batch.drop(e);
    return Status::Ok();
  }
};

class ScriptOutput final : public logagent::Output {
 public:
  ScriptOutput(logagent::Host host, const logagent::Config&) : host_(host) {}
  Status write(const logagent::BatchView& batch, logagent_token* token) override {
    return g->output_body(host_, batch, token);
  }
  Status flush() override { return g->output_flush(host_); }

 private:
  logagent::Host host_;
};

const logagent_plugin_descriptor kInput =
    logagent::detail::make_descriptor<ScriptInput>(LOGAGENT_KIND_INPUT, "script", "1.0.0", "scripted input", nullptr);
const logagent_plugin_descriptor kFilter = logagent::detail::make_descriptor<DropAllFilter>(
    LOGAGENT_KIND_FILTER, "drop_all", "1.0.0", "drops every event", nullptr);
const logagent_plugin_descriptor kOutput = logagent::detail::make_descriptor<ScriptOutput>(
    LOGAGENT_KIND_OUTPUT, "script", "1.0.0", "scripted output", nullptr);

ComponentConfig component(const logagent_plugin_descriptor& d, size_t index, std::string tag_or_match) {
  ComponentConfig c;
  c.kind = d.kind;
  c.index = index;
  c.type = d.name;
  c.library = PluginLibrary::from_descriptor(&d, std::string("test plugin ") + d.name);
  if (d.kind == LOGAGENT_KIND_INPUT) {
    c.tag = std::move(tag_or_match);
  } else {
    c.match = std::move(tag_or_match);
  }
  c.id = std::string(d.name) + "." + std::to_string(index);
  c.retry_backoff_ns = 1'000'000;
  c.retry_max_backoff_ns = 20'000'000;
  return c;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = std::make_unique<Scenario>();
    g = scenario_.get();
    config_.file = "test.toml";
    config_.service.state_dir = ::testing::TempDir() + "/pipeline_test_state";
    config_.service.grace_period_ns = 5'000'000'000;
    config_.inputs.push_back(component(kInput, 0, "app"));
    config_.outputs.push_back(component(kOutput, 0, "*"));
  }
  void TearDown() override { g = nullptr; }

  Pipeline::Outcome run() {
    Pipeline pipeline(config_);
    ConfigErrors errors;
    EXPECT_TRUE(pipeline.create(errors));
    return pipeline.run();
  }

  // Emits `batches` batches of `per_batch` events "<cookie>:<n>", cookies 1..batches.
  static Status emit_batches(logagent::Host host, uint64_t first, uint64_t batches, uint32_t per_batch) {
    const logagent_key message = host.intern("message");
    for (uint64_t cookie = first; cookie < first + batches; ++cookie) {
      logagent::Batch batch(host.raw(), host.new_batch());
      for (uint32_t n = 0; n < per_batch; ++n) {
        const uint32_t e = batch.append(0);
        const std::string text = std::to_string(cookie) + ":" + std::to_string(n);
        batch.set(e, message, logagent::Value::string(text));
      }
      if (!host.emit(batch.raw_mut(), cookie).ok()) return Status::Error();
    }
    return Status::Ok();
  }

  static std::string message_of(logagent::Host host, const logagent::BatchView& batch, uint32_t event) {
    return std::string(batch.get_string(event, host.intern("message")));
  }

  std::vector<uint64_t> acked_cookies() {
    std::vector<uint64_t> cookies;
    for (auto& [cookie, status] : g->acks) cookies.push_back(cookie);
    std::sort(cookies.begin(), cookies.end());
    return cookies;
  }

  static std::vector<uint64_t> range(uint64_t first, uint64_t last) {
    std::vector<uint64_t> v;
    for (uint64_t i = first; i <= last; ++i) v.push_back(i);
    return v;
  }

  std::unique_ptr<Scenario> scenario_;
  PipelineConfig config_;
};

TEST_F(PipelineTest, DeliversAndAcknowledgesEveryBatchOnceOnTheAckThread) {
  std::atomic<uint64_t> events{0};
  g->input_body = [](logagent::Host host) { return emit_batches(host, 1, 200, 10); };
  g->output_body = [&](logagent::Host, const logagent::BatchView& batch, logagent_token*) {
    events += batch.size();
    return Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  EXPECT_EQ(events.load(), 2000u);
  EXPECT_EQ(acked_cookies(), range(1, 200));
  EXPECT_EQ(g->ack_threads.size(), 1u);
  EXPECT_FALSE(g->ack_threads.contains(g->input_thread));
}

// Under a steady stream the ready queue never empties; a retry due must still go first.
TEST_F(PipelineTest, ARetryDueIsWrittenBeforeNewerBatches) {
  std::mutex order_mutex;
  std::vector<std::string> order;  // first message of each write call
  bool retried = false;
  g->input_body = [](logagent::Host host) { return emit_batches(host, 1, 400, 1); };
  g->output_body = [&](logagent::Host host, const logagent::BatchView& batch, logagent_token*) {
    std::this_thread::sleep_for(200us);  // slower than the input: a queue builds up
    std::lock_guard lock(order_mutex);
    const std::string first = message_of(host, batch, 0);
    order.push_back(first);
    if (first == "5:0" && !retried) {
      retried = true;
      return Status::Retry();
    }
    return Status::Ok();
  };
  config_.service.queue_max_bytes = int64_t{1} << 30;  // everything can queue
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  ASSERT_EQ(std::count(order.begin(), order.end(), "5:0"), 2);
  const auto second = std::find(std::find(order.begin(), order.end(), "5:0") + 1, order.end(), "5:0");
  // 1 ms of backoff is a handful of 200 us writes; behind the queue it would come last.
  EXPECT_LT(second - order.begin(), 100) << "the retry waited behind newer batches";
  EXPECT_EQ(order.size(), 401u);
  EXPECT_EQ(acked_cookies(), range(1, 400));
}

TEST_F(PipelineTest, AnAckMayArriveBeforeEmitReturns) {
  g->input_body = [](logagent::Host host) {
    const logagent_key message = host.intern("message");
    for (uint64_t cookie = 1; cookie <= 500; ++cookie) {
      logagent::Batch batch(host.raw(), host.new_batch());
      batch.set(batch.append(0), message, logagent::Value::string("x"));
      if (!host.emit(batch.raw_mut(), cookie).ok()) return Status::Error();
    }
    return Status::Ok();
  };
  g->output_body = [&](logagent::Host, const logagent::BatchView&, logagent_token*) {
    std::this_thread::sleep_for(20us);  // lets the ack thread run while emit may still be returning
    return Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  // Whether any ack won the race varies; what must hold is exactly one ack per cookie.
  EXPECT_EQ(acked_cookies(), range(1, 500));
}

// A batch whose events a filter all dropped is acknowledged like any other: on the ack
// thread, not inside emit on the input's thread.
TEST_F(PipelineTest, AnEmptiedBatchIsAcknowledgedOnTheAckThread) {
  config_.filters.push_back(component(kFilter, 0, "*"));
  std::atomic<uint64_t> writes{0};
  g->input_body = [](logagent::Host host) { return emit_batches(host, 1, 50, 3); };
  g->output_body = [&](logagent::Host, const logagent::BatchView&, logagent_token*) {
    ++writes;
    return Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  EXPECT_EQ(writes.load(), 0u);
  EXPECT_EQ(acked_cookies(), range(1, 50));
  ASSERT_EQ(g->ack_threads.size(), 1u);
  EXPECT_FALSE(g->ack_threads.contains(g->input_thread));
}

TEST_F(PipelineTest, SeveralThreadsOfOneInputEmitAtOnce) {
  std::mutex seen_mutex;
  std::multiset<std::string> seen;
  g->input_body = [](logagent::Host host) {
    std::vector<std::thread> threads;
    for (uint64_t t = 0; t < 4; ++t) threads.emplace_back([host, t] { emit_batches(host, 1 + t * 250, 250, 10); });
    for (auto& t : threads) t.join();
    return Status::Ok();
  };
  g->output_body = [&](logagent::Host host, const logagent::BatchView& batch, logagent_token*) {
    std::lock_guard lock(seen_mutex);
    for (uint32_t e = 0; e < batch.size(); ++e) seen.insert(message_of(host, batch, e));
    return Status::Ok();
  };
  config_.service.queue_max_bytes = 64 * 1024;  // some emits block while others deliver
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  EXPECT_EQ(seen.size(), 10'000u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 10'000u);  // each exactly once
  EXPECT_EQ(acked_cookies(), range(1, 1000));
}

// After the inputs finished by themselves, the agent waits for delivery however long the
// retries take: the grace period is for signals only.
TEST_F(PipelineTest, DrainAfterEndOfInputOutlastsTheGracePeriod) {
  config_.service.grace_period_ns = 50'000'000;
  const auto start = std::chrono::steady_clock::now();
  std::atomic<uint64_t> delivered{0};
  g->input_body = [](logagent::Host host) { return emit_batches(host, 1, 3, 2); };
  g->output_body = [&](logagent::Host, const logagent::BatchView& batch, logagent_token*) {
    if (std::chrono::steady_clock::now() - start < 400ms) return Status::Retry();
    delivered += batch.size();
    return Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  EXPECT_EQ(delivered.load(), 6u);
  EXPECT_EQ(acked_cookies(), range(1, 3));
}

TEST_F(PipelineTest, APermanentErrorIsTheOutcomeEventsFailed) {
  g->input_body = [](logagent::Host host) { return emit_batches(host, 1, 10, 1); };
  g->output_body = [](logagent::Host host, const logagent::BatchView& batch, logagent_token*) {
    return message_of(host, batch, 0) == "7:0" ? Status::Error() : Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::EventsFailed);
  ASSERT_EQ(g->acks.size(), 10u);
  for (auto& [cookie, status] : g->acks) EXPECT_EQ(status, cookie == 7 ? LOGAGENT_ERROR : LOGAGENT_OK) << cookie;
}

// host->fatal stops the inputs as a signal would; the batches in flight finish as ERROR
// and are withheld from the input.
TEST_F(PipelineTest, FatalStopsTheInputsAndFailsTheRun) {
  g->input_body = [](logagent::Host host) {
    const logagent_key message = host.intern("message");
    for (uint64_t cookie = 1; !host.should_stop(); ++cookie) {
      logagent::Batch batch(host.raw(), host.new_batch());
      batch.set(batch.append(0), message, logagent::Value::string("x"));
      if (!host.emit(batch.raw_mut(), cookie).ok()) break;
    }
    return Status::Ok();
  };
  std::atomic<uint64_t> calls{0};
  g->output_body = [&](logagent::Host host, const logagent::BatchView&, logagent_token*) {
    if (++calls == 20) host.fatal("the destination is gone");
    return calls >= 20 ? Status::Error() : Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::EventsFailed);
  EXPECT_GE(calls.load(), 20u);
  // What failed after the fatal error is not acknowledged: an input keeping positions must
  // not move past batches that were never delivered.
  EXPECT_EQ(acked_cookies(), range(1, 19));
  for (auto& [cookie, status] : g->acks) EXPECT_EQ(status, LOGAGENT_OK) << cookie;
}

// try_emit leaves the batch with the caller when the queue is full, instead of blocking.
TEST_F(PipelineTest, TryEmitAnswersRetryWhenTheQueueIsFull) {
  config_.service.queue_max_bytes = 1;  // one batch in flight at a time
  std::atomic<uint64_t> retries{0};
  g->input_body = [&](logagent::Host host) {
    const logagent_key message = host.intern("message");
    for (uint64_t cookie = 1; cookie <= 50; ++cookie) {
      logagent::Batch batch(host.raw(), host.new_batch());
      batch.set(batch.append(0), message, logagent::Value::string(std::to_string(cookie)));
      Status status = Status::Retry();
      while ((status = host.try_emit(batch.raw_mut(), cookie)) == Status::Retry()) {
        ++retries;
        // Still ours: readable and writable while we wait.
        EXPECT_EQ(batch.get_string(0, message), std::to_string(cookie));
        std::this_thread::sleep_for(100us);
      }
      if (!status.ok()) return Status::Error();
    }
    return Status::Ok();
  };
  g->output_body = [](logagent::Host, const logagent::BatchView&, logagent_token*) {
    std::this_thread::sleep_for(1ms);
    return Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  EXPECT_GT(retries.load(), 0u);
  EXPECT_EQ(acked_cookies(), range(1, 50));
}

// An output that holds batches until flush: the drain asks for it once the inputs are done.
TEST_F(PipelineTest, TheDrainFlushesOutputsThatBuffer) {
  std::vector<logagent_token*> held;  // write and flush share the output's thread
  std::atomic<int> flushes{0};
  g->input_body = [](logagent::Host host) { return emit_batches(host, 1, 30, 4); };
  g->output_body = [&](logagent::Host, const logagent::BatchView&, logagent_token* token) {
    held.push_back(token);
    return Status::Pending();
  };
  g->output_flush = [&](logagent::Host host) {
    ++flushes;
    for (logagent_token* t : held) host.complete(t, Status::Ok());
    held.clear();
    return Status::Ok();
  };
  EXPECT_EQ(run(), Pipeline::Outcome::Completed);
  EXPECT_GE(flushes.load(), 1);
  EXPECT_EQ(acked_cookies(), range(1, 30));
}

// The abort path ends the process (destroying outputs that hold tokens is unsafe), so it
// runs in a child process.
using PipelineDeathTest = PipelineTest;

TEST_F(PipelineDeathTest, AStopWakesABlockedEmitAndTheGracePeriodEndsTheDrain) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        config_.service.grace_period_ns = 200'000'000;
        config_.service.queue_max_bytes = 1;
        std::atomic<int> returned{0};
        g->input_body = [&](logagent::Host host) {
          // Blocks in its second emit: the first batch is never completed.
          Status s = emit_batches(host, 1, 5, 1);
          returned = 1;
          return s;
        };
        g->output_body = [](logagent::Host, const logagent::BatchView&, logagent_token*) {
          return Status::Pending();  // never completed
        };
        Pipeline pipeline(config_);
        ConfigErrors errors;
        if (!pipeline.create(errors)) std::_Exit(10);
        std::thread stopper([&] {
          std::this_thread::sleep_for(100ms);
          pipeline.request_stop();
        });
        const Pipeline::Outcome outcome = pipeline.run();
        stopper.join();
        // Woken by the stop, the blocked emit took its batch over the limit once; the next
        // emit blocked again until the grace period ended and aborted it.
        std::_Exit(outcome == Pipeline::Outcome::Undelivered && returned == 1 ? 3 : 11);
      },
      ::testing::ExitedWithCode(3), "");
}

}  // namespace
