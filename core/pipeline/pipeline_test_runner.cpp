// One batch per test: the lines as the input would emit them, through the routed filters.
#include "pipeline/pipeline_test_runner.hpp"

#include "event/batch.hpp"
#include "pipeline/event_expectation.hpp"
#include "routing/glob.hpp"

#include <logagent/clock.hpp>

#include <algorithm>
#include <utility>

namespace logagent::core {
namespace {

// `expect[0] (output "kafka")`
std::string label_of(const TestExpectation& e) {
  return "expect[" + std::to_string(e.index) + "] (output \"" + e.output_id + "\")";
}

}  // namespace

PipelineTestRunner::PipelineTestRunner(const PipelineConfig& config)
    : config_(config), message_key_(keys_.intern("message")) {
  // No PipelineServices: a filter has no state to keep, and a test must not write any.
  for (const auto& filter : config.filters) filters_.push_back(std::make_unique<FilterStage>(filter, keys_, nullptr));
}

bool PipelineTestRunner::create(ConfigErrors& errors) {
  bool ok = true;
  for (auto& f : filters_) {
    PluginInstance& instance = f->instance;
    if (auto problem = instance.create()) {
      const SourcePosition where =
          problem->option.empty() ? instance.config().where : option_position(instance.config(), problem->option);
      const std::string prefix = problem->option.empty() ? "" : "option \"" + problem->option + "\": ";
      errors.push_back({where, instance.label(), "cannot start: " + prefix + problem->message});
      ok = false;
    }
  }
  return ok;
}

std::vector<std::string> PipelineTestRunner::run(const PipelineTest& test) {
  const ComponentConfig& input = config_.inputs.at(test.input);
  Batch batch(keys_);
  Batch::Limits limits;
  limits.max_events = static_cast<uint32_t>(std::max<size_t>(test.lines.size(), 1));
  limits.max_bytes = static_cast<size_t>(config_.service.batch_max_bytes);
  batch.reset(input.tag, limits);
  const int64_t now = logagent::realtime_ns();
  for (const std::string& line : test.lines) {
    const uint32_t event = batch.append(now);
    logagent_value message{};
    message.type = LOGAGENT_VALUE_STRING;
    message.as.string = logagent_str{line.data(), line.size()};
    batch.set(event, message_key_, message, LOGAGENT_SET_NEW);
  }
  for (auto& filter : filters_) {
    if (filter->match.matches(input.tag)) filter->apply(batch);
  }

  std::vector<std::string> differences;
  for (const TestExpectation& expectation : test.expectations) {
    const std::string label = label_of(expectation);
    const bool routed = Glob(config_.outputs.at(expectation.output).match).matches(input.tag);
    std::vector<uint32_t> events;
    for (uint32_t e = 0; routed && e < batch.size(); ++e) {
      if (!batch.dropped(e)) events.push_back(e);
    }
    const auto got = std::to_string(events.size());
    if (expectation.count && static_cast<size_t>(*expectation.count) != events.size()) {
      std::string line = label;
      line += ": count: expected ";
      line += std::to_string(*expectation.count);
      line += ", got ";
      line += got;
      differences.push_back(std::move(line));
    } else if (!expectation.count && events.empty()) {
      differences.push_back(label + ": count: expected at least 1, got 0");
    }
    for (uint32_t e : events) {
      std::vector<std::string> found;
      compare_event(batch, e, expectation, found);
      // The event of each line keeps its index; a filter's own events follow them.
      std::string prefix = label;
      prefix += ", ";
      prefix += e < test.lines.size() ? "lines[" + std::to_string(e) + "]"
                                      : "event " + std::to_string(e) + " (added by a filter)";
      prefix += ": ";
      for (const auto& d : found) differences.push_back(prefix + d);
    }
  }
  return differences;
}

}  // namespace logagent::core
