// The [[tests]] of a pipeline file: lines given in an input's place, expectations at outputs'.
#pragma once

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "config/pipeline_config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace logagent::core {

// A field's value as written in TOML: what an expectation wants, or what a test's event holds.
struct ExpectedValue {
  enum class Type { String, Int, Float, Bool, Table, Array };
  Type type = Type::String;
  std::string text;
  int64_t integer = 0;
  double real = 0;
  bool boolean = false;
  std::vector<std::string> keys;     // Table: the keys given, one per item
  std::vector<ExpectedValue> items;  // Table: the values of `keys`; Array: the elements
};

// One [[tests.expect]]: what the events routed to one output must look like.
struct TestExpectation {
  SourcePosition where;
  size_t index = 0;  // within its test's expect
  std::string output_id;
  size_t output = 0;             // index in PipelineConfig::outputs
  std::optional<int64_t> count;  // absent: at least one event
  std::vector<std::string> field_names;
  std::vector<ExpectedValue> field_values;  // of field_names, one each
  std::vector<std::string> exists;
  std::vector<std::string> absent;
};

// One event of `events = [...]`: its fields in the order written, and its time when it gives
// "@timestamp" (a TOML offset date-time), else the time of the run.
struct TestEvent {
  std::optional<int64_t> time_ns;
  std::vector<std::string> field_names;
  std::vector<ExpectedValue> field_values;  // of field_names, one each
};

// One [[tests]]: each line (or each of `events`, for an input that makes fields of its own,
// as the syslog input does) becomes an event tagged as the input `input_id` tags its own.
// A test has lines or events, never both.
struct PipelineTest {
  SourcePosition where;
  std::string name;
  std::string input_id;
  size_t input = 0;  // index in PipelineConfig::inputs
  std::vector<std::string> lines;
  std::vector<TestEvent> events;
  std::vector<TestExpectation> expectations;
};

// Validates every [[tests]] table: keys, types, and (with `resolve_ids`, when the sections
// were read without error) that `input` and `output` name an input and an output of
// `config`. Errors are appended; the tests returned are those without any.
std::vector<PipelineTest> read_tests(const ConfigDocument& doc, const PipelineConfig& config, bool resolve_ids,
                                     ConfigErrors& errors);

}  // namespace logagent::core
