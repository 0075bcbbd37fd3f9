// One batch per test: the lines (or events) as the input would emit them, through the routed filters.
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

// A value as written in the test, for the batch (strings are copied into it by set).
logagent_value batch_value(const ExpectedValue& v) {
  logagent_value out{};
  switch (v.type) {
    case ExpectedValue::Type::String:
      out.type = LOGAGENT_VALUE_STRING;
      out.as.string = logagent_str{v.text.data(), v.text.size()};
      break;
    case ExpectedValue::Type::Int:
      out.type = LOGAGENT_VALUE_INT;
      out.as.integer = v.integer;
      break;
    case ExpectedValue::Type::Float:
      out.type = LOGAGENT_VALUE_FLOAT;
      out.as.real = v.real;
      break;
    case ExpectedValue::Type::Bool:
      out.type = LOGAGENT_VALUE_BOOL;
      out.as.boolean = v.boolean ? 1 : 0;
      break;
    case ExpectedValue::Type::Table:
      out.type = LOGAGENT_VALUE_MAP;
      break;
    case ExpectedValue::Type::Array:
      out.type = LOGAGENT_VALUE_ARRAY;
      break;
  }
  return out;
}

// The members of a map or the elements of an array just set as `parent`.
void append_children(Batch& batch, uint32_t parent, const ExpectedValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const logagent_value value = batch_value(v.items[i]);
    const uint32_t child = v.type == ExpectedValue::Type::Table
                               ? batch.append_child_named(parent, v.keys[i], value, LOGAGENT_SET_NEW)
                               : batch.append_child(parent, LOGAGENT_NO_KEY, value, 0);
    append_children(batch, child, v.items[i]);
  }
}

// A test's event as an input would have made it: each field set by name, as a parser sets
// the names it met in the data, so a filter finds it by key or by name alike.
void append_event(Batch& batch, const TestEvent& given, int64_t now) {
  const uint32_t event = batch.append(given.time_ns.value_or(now));
  for (size_t i = 0; i < given.field_names.size(); ++i) {
    const uint32_t field = batch.set_named(event, given.field_names[i], batch_value(given.field_values[i]), 0);
    append_children(batch, field, given.field_values[i]);
  }
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
  const size_t given = test.events.empty() ? test.lines.size() : test.events.size();
  limits.max_events = static_cast<uint32_t>(std::max<size_t>(given, 1));
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
  for (const TestEvent& event : test.events) append_event(batch, event, now);
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
      prefix += e < given ? (test.events.empty() ? "lines[" : "events[") + std::to_string(e) + "]"
                          : "event " + std::to_string(e) + " (added by a filter)";
      prefix += ": ";
      for (const auto& d : found) differences.push_back(prefix + d);
    }
  }
  return differences;
}

}  // namespace logagent::core
