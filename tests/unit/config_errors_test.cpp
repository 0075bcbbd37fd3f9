// Unit tests of pipeline validation: every error names the exact line, column, section and
// problem; one pass reports every error; valid files get their defaults, conversions and ids.
#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "config/pipeline_config.hpp"
#include "config_test_support.hpp"
#include "plugin/option_schema.hpp"
#include "plugin/plugin_registry.hpp"

#include <logagent/plugin.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;
using namespace logagent::core;
using namespace logagent::core::config_test;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

// A plugin folder holding exactly the three built-in plugins (as links to the build's
// files), so "known inputs: ..." lists do not change when more plugins are built.
class PluginFolder {
 public:
  explicit PluginFolder(const std::vector<std::string>& libraries) {
    dir_ = fs::temp_directory_path() / ("logagent-unit-config-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& name : libraries) fs::create_symlink(fs::path(LOGAGENT_BUILT_PLUGIN_DIR) / name, dir_ / name);
  }
  ~PluginFolder() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

const fs::path& builtin_folder() {
  static PluginFolder folder({"in_stdin.so", "out_stdout.so", "out_null.so"});
  return folder.dir();
}

const PluginRegistry& builtins() {
  static const PluginRegistry registry = [] {
    std::vector<std::string> errors;
    auto r = PluginRegistry::discover({builtin_folder()}, errors);
    EXPECT_THAT(errors, ::testing::IsEmpty());
    return r;
  }();
  return registry;
}

// The built-ins plus fixture_lines, an input with a required option "count".
const PluginRegistry& builtins_and_lines() {
  static const PluginRegistry registry = [] {
    std::vector<std::string> errors;
    auto r = PluginRegistry::discover({builtin_folder(), fs::path(LOGAGENT_FIXTURE_PLUGIN_DIR) / "lines"}, errors);
    EXPECT_THAT(errors, ::testing::IsEmpty());
    return r;
  }();
  return registry;
}

// The built-ins plus wide_options, an output with choices, ranges and secrets.
const PluginRegistry& builtins_and_wide() {
  static const PluginRegistry registry = [] {
    std::vector<std::string> errors;
    auto r =
        PluginRegistry::discover({builtin_folder(), fs::path(LOGAGENT_FIXTURE_PLUGIN_DIR) / "wide_options"}, errors);
    EXPECT_THAT(errors, ::testing::IsEmpty());
    return r;
  }();
  return registry;
}

Loaded load(std::string_view text, const PluginRegistry& registry = builtins()) { return load_config(text, registry); }

const std::string kOutputs = "[[outputs]]\ntype = \"stdout\"\n";

// ---------------------------------------------------------------------------------------
// TOML syntax and top-level sections

TEST(ConfigSyntax, TomlErrorHasTomlppPosition) {
  Loaded r = load(lines({"[[inputs]]", "type = = \"stdin\""}));
  EXPECT_FALSE(r.parsed);
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  const ConfigError& e = r.errors[0];
  EXPECT_EQ(e.where.file, kFile);
  EXPECT_EQ(e.where.line, 2u);
  EXPECT_EQ(e.where.column, 8u);
  EXPECT_EQ(e.section, "");
  EXPECT_THAT(e.message, StartsWith("invalid TOML: "));
  EXPECT_THAT(e.message, HasSubstr("could not determine value type"));
  EXPECT_THAT(e.to_string(), StartsWith("test.toml:2:8: invalid TOML: "));
}

TEST(ConfigSyntax, UnterminatedStringReportedAtEndOfLine) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin", "[[outputs]]"}));
  EXPECT_FALSE(r.parsed);
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  EXPECT_EQ(r.errors[0].where.line, 2u);
  EXPECT_EQ(r.errors[0].where.column, 14u);  // the newline that ends the string too early
  EXPECT_THAT(r.errors[0].message, StartsWith("invalid TOML: Error while parsing string"));
}

TEST(ConfigSyntax, DuplicateKeyIsATomlError) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "type = \"stdin\""}));
  EXPECT_FALSE(r.parsed);
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  EXPECT_EQ(r.errors[0].where.line, 3u);
  EXPECT_THAT(r.errors[0].message, StartsWith("invalid TOML: "));
}

TEST(ConfigSections, UnknownSectionSuggestsOutputs) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[output]", "type = \"stdout\""}));
  ASSERT_EQ(r.errors.size(), 2u) << dump(r.errors);
  expect_error(r.errors[0], 4, 1, "",
               "unknown section \"output\"; did you mean \"outputs\"? (expected [service], [[inputs]], "
               "[[filters]], [[outputs]] or [[tests]])");
  expect_error(r.errors[1], 0, 0, "", "the pipeline has no [[outputs]]: at least one output is needed");
}

TEST(ConfigSections, UnknownArrayOfTablesSuggestsInputs) {
  Loaded r = load(lines({"[[input]]", "type = \"stdin\""}) + kOutputs);
  ASSERT_EQ(r.errors.size(), 2u) << dump(r.errors);
  expect_error(r.errors[0], 1, 1, "",
               "unknown section \"input\"; did you mean \"inputs\"? (expected [service], [[inputs]], "
               "[[filters]], [[outputs]] or [[tests]])");
  expect_error(r.errors[1], 0, 0, "", "the pipeline has no [[inputs]]: at least one input is needed");
}

TEST(ConfigSections, UnknownTopLevelKeyWithoutSuggestion) {
  Loaded r = load("log_level = \"debug\"\n" + lines({"[[inputs]]", "type = \"stdin\""}) + kOutputs);
  expect_only_error(r, 1, 13, "",
                    "unknown section \"log_level\" (expected [service], [[inputs]], [[filters]], [[outputs]] or "
                    "[[tests]])");
}

TEST(ConfigSections, NoInputsAndNoOutputs) {
  Loaded r = load("");
  EXPECT_TRUE(r.parsed);
  ASSERT_EQ(r.errors.size(), 2u) << dump(r.errors);
  expect_error(r.errors[0], 0, 0, "", "the pipeline has no [[inputs]]: at least one input is needed");
  expect_error(r.errors[1], 0, 0, "", "the pipeline has no [[outputs]]: at least one output is needed");
  EXPECT_EQ(r.errors[0].to_string(), "test.toml: the pipeline has no [[inputs]]: at least one input is needed");
}

TEST(ConfigSections, NoInputs) {
  Loaded r = load(lines({"[service]", "log_level = \"warn\""}) + kOutputs);
  expect_only_error(r, 0, 0, "", "the pipeline has no [[inputs]]: at least one input is needed");
}

TEST(ConfigSections, NoOutputs) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\""}));
  expect_only_error(r, 0, 0, "", "the pipeline has no [[outputs]]: at least one output is needed");
}

TEST(ConfigSections, SingleTableInsteadOfArrayOfTables) {
  Loaded r = load(lines({"[inputs]", "type = \"stdin\""}) + kOutputs);
  expect_only_error(r, 1, 1, "inputs", "expected [[inputs]] tables, got a table");
}

// ---------------------------------------------------------------------------------------
// Options of a component

TEST(ConfigOptions, UnknownOptionWithSuggestion) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "formt = \"raw\""}));
  expect_only_error(r, 6, 9, "outputs[0] (type \"stdout\")", "unknown option \"formt\"; did you mean \"format\"?");
}

TEST(ConfigOptions, UnknownOptionWithoutCloseMatchHasNoSuggestion) {
  Loaded r = load(
      lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "colour_scheme = \"dark\""}));
  expect_only_error(r, 6, 17, "outputs[0] (type \"stdout\")", "unknown option \"colour_scheme\"");
}

TEST(ConfigOptions, UnknownOptionOfAnInputSuggestsPluginOption) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "max_line_byte = 10"}) + kOutputs);
  expect_only_error(r, 3, 17, "inputs[0] (type \"stdin\")",
                    "unknown option \"max_line_byte\"; did you mean \"max_line_bytes\"?");
}

TEST(ConfigOptions, OutputOnlyOptionOnAnInputIsUnknown) {
  // `match` belongs to filters and outputs; an input selects nothing.
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "match = \"*\""}) + kOutputs);
  expect_only_error(r, 3, 9, "inputs[0] (type \"stdin\")", "unknown option \"match\"");
}

TEST(ConfigOptions, WrongTypeString) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "format = 3"}));
  expect_only_error(r, 6, 10, "outputs[0] (type \"stdout\")",
                    "option \"format\": expected a string (e.g. \"raw\"), got an integer");
}

TEST(ConfigOptions, SizeWithUnknownUnit) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "max_line_bytes = \"12 parsecs\""}) + kOutputs);
  expect_only_error(r, 3, 18, "inputs[0] (type \"stdin\")",
                    "option \"max_line_bytes\": expected a size such as \"64KiB\" or \"8MiB\", got \"12 parsecs\"");
}

TEST(ConfigOptions, NegativeSize) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "max_line_bytes = -5"}) + kOutputs);
  expect_only_error(r, 3, 18, "inputs[0] (type \"stdin\")",
                    "option \"max_line_bytes\": expected a size such as \"64KiB\" or \"8MiB\", got a negative number");
}

TEST(ConfigOptions, SizeGivenAsFloat) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "max_line_bytes = 1.5"}) + kOutputs);
  expect_only_error(r, 3, 18, "inputs[0] (type \"stdin\")",
                    "option \"max_line_bytes\": expected a size such as \"64KiB\" or \"8MiB\", got a float");
}

TEST(ConfigOptions, DurationGivenAsBool) {
  Loaded r =
      load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "retry_backoff = true"}));
  expect_only_error(r, 6, 17, "outputs[0] (type \"stdout\")",
                    "option \"retry_backoff\": expected a duration such as \"250ms\", \"5s\" or \"1m\", got a boolean");
}

TEST(ConfigOptions, DurationWithUnknownUnit) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"null\"",
                         "retry_max_backoff = \"3 fortnights\""}));
  expect_only_error(r, 6, 21, "outputs[0] (type \"null\")",
                    "option \"retry_max_backoff\": expected a duration such as \"250ms\", \"5s\" or \"1m\", got "
                    "\"3 fortnights\"");
}

TEST(ConfigOptions, NegativeDuration) {
  Loaded r =
      load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "retry_backoff = -1"}));
  expect_only_error(r, 6, 17, "outputs[0] (type \"stdout\")",
                    "option \"retry_backoff\": expected a duration such as \"250ms\", \"5s\" or \"1m\", got a negative "
                    "number");
}

TEST(ConfigOptions, NegativeRetryLimit) {
  Loaded r =
      load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "retry_limit = -1"}));
  expect_only_error(r, 6, 15, "outputs[0] (type \"stdout\")", "option \"retry_limit\": must be at least 0, got -1");
}

TEST(ConfigOptions, EmptyTag) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "tag = \"\""}) + kOutputs);
  // The output matches "*", which selects the empty tag too: no second (route) error.
  expect_only_error(r, 3, 7, "inputs[0] (type \"stdin\")", "option \"tag\": must not be empty");
}

TEST(ConfigOptions, MissingTypeReportedAtTheTable) {
  Loaded r = load(lines({"  [[inputs]]", "  tag = \"app\""}) + kOutputs);
  expect_only_error(r, 1, 3, "inputs[0]",
                    "option \"type\": expected a string naming the input plugin, e.g. type = \"stdin\"");
  EXPECT_TRUE(r.config.inputs.empty());
}

TEST(ConfigOptions, MissingTypeOfSecondOutput) {
  Loaded r = load(lines(
      {"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "", "[[outputs]]", "match = \"*\""}));
  expect_only_error(r, 7, 1, "outputs[1]",
                    "option \"type\": expected a string naming the output plugin, e.g. type = \"stdout\"");
  ASSERT_EQ(r.config.outputs.size(), 1u);
}

TEST(ConfigOptions, TypeNotAStringReportedAtTheValue) {
  Loaded r = load(lines({"[[inputs]]", "type = 7"}) + kOutputs);
  expect_only_error(r, 2, 8, "inputs[0]",
                    "option \"type\": expected a string naming the input plugin, e.g. type = \"stdin\"");
}

TEST(ConfigOptions, MissingRequiredPluginOption) {
  Loaded r = load(lines({"[[inputs]]", "type = \"fixture_lines\""}) + kOutputs, builtins_and_lines());
  expect_only_error(r, 1, 1, "inputs[0] (type \"fixture_lines\")",
                    "missing required option \"count\": expected an integer (e.g. 1000)");
}

TEST(ConfigOptions, RequiredOptionOfWrongTypeIsOneError) {
  // The option is present, only its type is wrong: one error at the value, not a second
  // "missing required option" at the table.
  Loaded r =
      load(lines({"[[inputs]]", "type = \"fixture_lines\"", "count = \"ten\""}) + kOutputs, builtins_and_lines());
  expect_only_error(r, 3, 9, "inputs[0] (type \"fixture_lines\")",
                    "option \"count\": expected an integer (e.g. 1000), got a string");
}

TEST(ConfigOptions, UnknownInputTypeSuggestsAndListsKnown) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdn\""}) + kOutputs);
  expect_only_error(r, 2, 8, "inputs[0] (type \"stdn\")",
                    "unknown input type \"stdn\"; did you mean \"stdin\"? (known inputs: stdin)");
}

TEST(ConfigOptions, UnknownOutputTypeSuggestsAndListsKnownSorted) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdot\""}));
  expect_only_error(r, 5, 8, "outputs[0] (type \"stdot\")",
                    "unknown output type \"stdot\"; did you mean \"stdout\"? (known outputs: null, stdout)");
}

TEST(ConfigOptions, UnknownOutputTypeWithoutSuggestion) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"kafka\""}));
  expect_only_error(r, 5, 8, "outputs[0] (type \"kafka\")",
                    "unknown output type \"kafka\" (known outputs: null, stdout)");
}

TEST(ConfigOptions, UnknownFilterTypeWhenNoFiltersExist) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[filters]]", "type = \"regex\""}) + kOutputs);
  expect_only_error(r, 5, 8, "filters[0] (type \"regex\")", "unknown filter type \"regex\" (known filters: none)");
}

TEST(ConfigOptions, InputTypeIsNotLookedUpAmongOutputs) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdout\""}) + kOutputs);
  // "stdout" exists, but as an output; "stdin" is 3 edits away, too far for a suggestion.
  expect_only_error(r, 2, 8, "inputs[0] (type \"stdout\")", "unknown input type \"stdout\" (known inputs: stdin)");
}

// ---------------------------------------------------------------------------------------
// match globs and routes

TEST(ConfigRoutes, InvalidMatchGlobs) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "",                          // 1-3
                         "[[outputs]]", "type = \"null\"", "match = \"app.[a-z\"", "",  // 4-7
                         "[[outputs]]", "type = \"null\"", "match = 'app\\'", "",       // 8-11
                         "[[outputs]]", "type = \"null\"", "match = \"\"", "",          // 12-15
                         "[[outputs]]", "type = \"stdout\""}));                         // 16-17
  ASSERT_EQ(r.errors.size(), 3u) << dump(r.errors);
  expect_error(r.errors[0], 6, 9, "outputs[0] (type \"null\")",
               "option \"match\": invalid glob \"app.[a-z\": unclosed '[' at offset 4");
  expect_error(r.errors[1], 10, 9, "outputs[1] (type \"null\")",
               "option \"match\": invalid glob \"app\\\": trailing backslash escapes nothing");
  expect_error(r.errors[2], 14, 9, "outputs[2] (type \"null\")",
               "option \"match\": invalid glob \"\": an empty pattern matches nothing; use \"*\" to match every tag");
}

TEST(ConfigRoutes, InvalidGlobIsNotAlsoReportedAsAnUnroutedInput) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "",                     // 1-3
                         "[[outputs]]", "type = \"null\"", "match = \"std[\""}));  // 4-6
  expect_only_error(r, 6, 9, "outputs[0] (type \"null\")",
                    "option \"match\": invalid glob \"std[\": unclosed '[' at offset 3");
}

TEST(ConfigRoutes, InputTagMatchingNoOutput) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "tag = \"app.web\"", "",      // 1-4
                         "[[outputs]]", "type = \"stdout\"", "match = \"nginx.*\"", "",  // 5-8
                         "[[inputs]]", "type = \"stdin\"", "tag = \"nginx.access\""}));  // 9-11
  expect_only_error(r, 1, 1, "inputs[0] (type \"stdin\")",
                    "events tagged \"app.web\" match no output's `match`, so they would go nowhere");
}

TEST(ConfigRoutes, DefaultTagIsTheTypeForRouting) {
  // The input's tag defaults to "stdin", which "std*" selects and "app.*" does not.
  Loaded ok = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"null\"", "match = \"std*\""}));
  EXPECT_TRUE(ok.errors.empty()) << dump(ok.errors);
  Loaded bad =
      load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"null\"", "match = \"app.*\""}));
  expect_only_error(bad, 1, 1, "inputs[0] (type \"stdin\")",
                    "events tagged \"stdin\" match no output's `match`, so they would go nowhere");
}

// ---------------------------------------------------------------------------------------
// Several errors, one pass

TEST(ConfigMany, EveryErrorReportedInOnePass) {
  Loaded r = load(lines({
      "[service]",                  // 1
      "log_level = \"loud\"",       // 2
      "",                           // 3
      "[[inputs]]",                 // 4
      "type = \"stdn\"",            // 5
      "",                           // 6
      "[[inputs]]",                 // 7
      "type = \"stdin\"",           // 8
      "max_line_bytes = \"lots\"",  // 9
      "on_long_lin = \"split\"",    // 10
      "",                           // 11
      "[[outputs]]",                // 12
      "type = \"stdout\"",          // 13
      "formt = \"raw\"",            // 14
      "retry_backoff = \"soon\"",   // 15
  }));
  ASSERT_EQ(r.errors.size(), 6u) << dump(r.errors);
  ConfigErrors sorted = r.errors;
  std::stable_sort(sorted.begin(), sorted.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
  expect_error(
      sorted[0], 2, 13, "service",
      "option \"log_level\": expected one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", \"off\", got "
      "\"loud\"");
  expect_error(sorted[1], 5, 8, "inputs[0] (type \"stdn\")",
               "unknown input type \"stdn\"; did you mean \"stdin\"? (known inputs: stdin)");
  expect_error(sorted[2], 9, 18, "inputs[1] (type \"stdin\")",
               "option \"max_line_bytes\": expected a size such as \"64KiB\" or \"8MiB\", got \"lots\"");
  expect_error(sorted[3], 10, 15, "inputs[1] (type \"stdin\")",
               "unknown option \"on_long_lin\"; did you mean \"on_long_line\"?");
  expect_error(sorted[4], 14, 9, "outputs[0] (type \"stdout\")", "unknown option \"formt\"; did you mean \"format\"?");
  expect_error(sorted[5], 15, 17, "outputs[0] (type \"stdout\")",
               "option \"retry_backoff\": expected a duration such as \"250ms\", \"5s\" or \"1m\", got \"soon\"");
}

// ---------------------------------------------------------------------------------------
// [service]

std::string with_pipeline(std::string service) {
  return service + lines({"", "[[inputs]]", "type = \"stdin\""}) + kOutputs;
}

TEST(ConfigService, UnknownLogLevel) {
  Loaded r = load(with_pipeline(lines({"[service]", "log_level = \"loud\""})));
  expect_only_error(
      r, 2, 13, "service",
      "option \"log_level\": expected one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", \"off\", got "
      "\"loud\"");
}

TEST(ConfigService, BatchMaxEventsZero) {
  Loaded r = load(with_pipeline(lines({"[service]", "batch_max_events = 0"})));
  expect_only_error(r, 2, 20, "service", "option \"batch_max_events\": must be at least 1, got 0");
}

TEST(ConfigService, BatchMaxEventsTooLarge) {
  Loaded r = load(with_pipeline(lines({"[service]", "batch_max_events = 1000001"})));
  expect_only_error(r, 2, 20, "service", "option \"batch_max_events\": must be at most 1000000, got 1000001");
}

TEST(ConfigService, UnknownKeyWithSuggestion) {
  Loaded r = load(with_pipeline(lines({"[service]", "batch_max_event = 5"})));
  expect_only_error(r, 2, 19, "service", "unknown option \"batch_max_event\"; did you mean \"batch_max_events\"?");
}

TEST(ConfigService, ZeroSizesAndDurationsRefused) {
  Loaded r = load(with_pipeline(
      lines({"[service]", "queue_max_bytes = 0", "batch_max_bytes = \"0KiB\"", "grace_period = \"0s\""})));
  ASSERT_EQ(r.errors.size(), 3u) << dump(r.errors);
  ConfigErrors sorted = r.errors;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.where.line < b.where.line; });
  expect_error(sorted[0], 2, 19, "service", "option \"queue_max_bytes\": must be greater than zero");
  expect_error(sorted[1], 3, 19, "service", "option \"batch_max_bytes\": must be greater than zero");
  expect_error(sorted[2], 4, 16, "service", "option \"grace_period\": must be greater than zero");
}

TEST(ConfigService, LogLevelCloseToAChoice) {
  Loaded r = load(with_pipeline(lines({"[service]", "log_level = \"debgu\""})));
  expect_only_error(
      r, 2, 13, "service",
      "option \"log_level\": expected one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", \"off\", "
      "got \"debgu\"; did you mean \"debug\"?");
}

TEST(ConfigService, StateFlushInterval) {
  Loaded r = load(with_pipeline(lines({"[service]", "state_flush_interval = \"250ms\""})));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_EQ(r.config.service.state_flush_interval_ns, 250'000'000);
  Loaded fast = load(with_pipeline(lines({"[service]", "state_flush_interval = \"5ms\""})));
  expect_only_error(fast, 2, 24, "service", "option \"state_flush_interval\": must be at least 10ms, got 5ms");
}

TEST(ConfigService, ServiceMustBeATable) {
  Loaded r = load(with_pipeline("service = 3\n"));
  expect_only_error(r, 1, 11, "service", "expected a [service] table, got an integer");
}

TEST(ConfigService, ValuesConverted) {
  Loaded r = load(
      with_pipeline(lines({"[service]", "log_level = \"debug\"", "state_dir = \"/tmp/state\"",
                           "plugin_dirs = [\"/opt/a\", \"/opt/b\"]", "queue_max_bytes = \"16MiB\"",
                           "batch_max_events = 100", "batch_max_bytes = \"256KiB\"", "grace_period = \"1500ms\""})));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  const ServiceConfig& s = r.config.service;
  EXPECT_EQ(s.log_level, "debug");
  EXPECT_EQ(s.state_dir, "/tmp/state");
  EXPECT_EQ(s.plugin_dirs, (std::vector<std::string>{"/opt/a", "/opt/b"}));
  EXPECT_EQ(s.queue_max_bytes, 16 * 1024 * 1024);
  EXPECT_EQ(s.batch_max_events, 100);
  EXPECT_EQ(s.batch_max_bytes, 256 * 1024);
  EXPECT_EQ(s.grace_period_ns, 1'500'000'000);
}

TEST(ConfigService, Defaults) {
  Loaded r = load(with_pipeline(""));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  const ServiceConfig& s = r.config.service;
  EXPECT_EQ(s.log_level, "info");
  EXPECT_EQ(s.state_dir, "/var/lib/logagent");
  EXPECT_TRUE(s.plugin_dirs.empty());
  EXPECT_EQ(s.queue_max_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(s.batch_max_events, 2048);
  EXPECT_EQ(s.batch_max_bytes, 1024 * 1024);
  EXPECT_EQ(s.grace_period_ns, 5'000'000'000);
  EXPECT_EQ(s.state_flush_interval_ns, 1'000'000'000);
}

TEST(ConfigService, SchemaDefaultsEqualStructDefaults) {
  // Without [service] the struct's defaults apply; with an empty [service] the option
  // schema's defaults do. Both must give the same service.
  Loaded absent = load(with_pipeline(""));
  Loaded empty = load(with_pipeline("[service]\n"));
  ASSERT_TRUE(absent.errors.empty()) << dump(absent.errors);
  ASSERT_TRUE(empty.errors.empty()) << dump(empty.errors);
  const ServiceConfig fresh;
  for (const ServiceConfig* s : {&absent.config.service, &empty.config.service}) {
    EXPECT_EQ(s->log_level, fresh.log_level);
    EXPECT_EQ(s->state_dir, fresh.state_dir);
    EXPECT_EQ(s->plugin_dirs, fresh.plugin_dirs);
    EXPECT_EQ(s->queue_max_bytes, fresh.queue_max_bytes);
    EXPECT_EQ(s->batch_max_events, fresh.batch_max_events);
    EXPECT_EQ(s->batch_max_bytes, fresh.batch_max_bytes);
    EXPECT_EQ(s->grace_period_ns, fresh.grace_period_ns);
    EXPECT_EQ(s->state_flush_interval_ns, fresh.state_flush_interval_ns);
  }
}

TEST(ConfigValid, OutputSchemaDefaultsEqualStructDefaults) {
  // retry_* defaults live both in common_options() and in ComponentConfig.
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\""}) + kOutputs);
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  const ComponentConfig fresh;
  EXPECT_EQ(r.config.outputs[0].retry_backoff_ns, fresh.retry_backoff_ns);
  EXPECT_EQ(r.config.outputs[0].retry_max_backoff_ns, fresh.retry_max_backoff_ns);
  EXPECT_EQ(r.config.outputs[0].retry_limit, fresh.retry_limit);
}

// ---------------------------------------------------------------------------------------
// ConfigError::to_string

TEST(ConfigErrorText, FileLineColumnSectionMessage) {
  const ConfigError e{SourcePosition{"pipe.toml", 12, 7}, "outputs[1] (type \"stdout\")", "unknown option \"formt\""};
  EXPECT_EQ(e.to_string(), "pipe.toml:12:7: outputs[1] (type \"stdout\"): unknown option \"formt\"");
}

TEST(ConfigErrorText, NoSection) {
  const ConfigError e{SourcePosition{"pipe.toml", 3, 1}, "", "unknown section \"x\""};
  EXPECT_EQ(e.to_string(), "pipe.toml:3:1: unknown section \"x\"");
}

TEST(ConfigErrorText, NoPosition) {
  const ConfigError e{SourcePosition{"pipe.toml", 0, 0}, "", "the pipeline has no [[inputs]]"};
  EXPECT_EQ(e.to_string(), "pipe.toml: the pipeline has no [[inputs]]");
}

TEST(ConfigErrorText, SectionWithoutPosition) {
  const ConfigError e{SourcePosition{"pipe.toml", 0, 0}, "service", "broken"};
  EXPECT_EQ(e.to_string(), "pipe.toml: service: broken");
}

TEST(ConfigFile, MissingFile) {
  ConfigErrors errors;
  const fs::path file = fs::temp_directory_path() / "logagent-unit-no-such-pipeline.toml";
  EXPECT_FALSE(parse_config_file(file, errors).has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), file.string() + ": cannot read the pipeline file: No such file or directory");
}

TEST(ConfigFile, ErrorsNameThePath) {
  const fs::path file = builtin_folder() / "pipeline.toml";
  {
    std::ofstream out(file);
    out << "[[inputs]]\ntype = \"stdin\"\n\n[[outputs]]\ntype = \"stdout\"\nformt = \"raw\"\n";
  }
  ConfigErrors errors;
  auto doc = parse_config_file(file, errors);
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->file, file.string());
  PipelineConfig config;
  read_components(*doc, builtins(), config, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            file.string() + ":6:9: outputs[0] (type \"stdout\"): unknown option \"formt\"; did you mean \"format\"?");
}

TEST(ConfigErrorText, FromTheLoader) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "formt = \"raw\""}));
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            "test.toml:6:9: outputs[0] (type \"stdout\"): unknown option \"formt\"; did you mean \"format\"?");
}

// ---------------------------------------------------------------------------------------
// Valid files: defaults and conversions

TEST(ConfigValid, DefaultsApplied) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\""}));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  ASSERT_EQ(r.config.inputs.size(), 1u);
  ASSERT_EQ(r.config.outputs.size(), 1u);
  EXPECT_TRUE(r.config.filters.empty());

  const ComponentConfig& in = r.config.inputs[0];
  EXPECT_EQ(in.kind, uint32_t{LOGAGENT_KIND_INPUT});
  EXPECT_EQ(in.index, 0u);
  EXPECT_EQ(in.type, "stdin");
  EXPECT_EQ(in.tag, "stdin");
  EXPECT_EQ(in.where.file, kFile);
  EXPECT_EQ(in.where.line, 1u);
  EXPECT_EQ(in.where.column, 1u);
  ASSERT_NE(in.library, nullptr);
  EXPECT_EQ(in.library->name(), "stdin");
  EXPECT_EQ(in.label(), "inputs[0] (type \"stdin\")");
  // Only the plugin's own options remain: type and tag were taken by the core.
  ASSERT_EQ(in.options.size(), 2u);
  const OptionValue& max = in.options.at("max_line_bytes");
  EXPECT_EQ(max.type, uint32_t{LOGAGENT_OPTION_SIZE});
  EXPECT_EQ(max.integer, 1048576);
  EXPECT_EQ(max.where.line, 1u);  // a default is located at its section
  EXPECT_EQ(in.options.at("on_long_line").text, "split");

  const ComponentConfig& out = r.config.outputs[0];
  EXPECT_EQ(out.kind, uint32_t{LOGAGENT_KIND_OUTPUT});
  EXPECT_EQ(out.type, "stdout");
  EXPECT_EQ(out.match, "*");
  EXPECT_EQ(out.match_where.line, 4u);
  EXPECT_EQ(out.match_where.column, 1u);
  EXPECT_EQ(out.where.line, 4u);
  EXPECT_EQ(out.retry_backoff_ns, 100'000'000);
  EXPECT_EQ(out.retry_max_backoff_ns, 30'000'000'000);
  EXPECT_EQ(out.retry_limit, 0);
  ASSERT_EQ(out.options.size(), 1u);
  EXPECT_EQ(out.options.at("format").type, uint32_t{LOGAGENT_OPTION_STRING});
  EXPECT_EQ(out.options.at("format").text, "json");
}

TEST(ConfigValid, ExplicitValuesConverted) {
  Loaded r = load(lines({
      "[[inputs]]",                   // 1
      "type = \"stdin\"",             // 2
      "tag = \"app.web\"",            // 3
      "max_line_bytes = \"64KiB\"",   // 4
      "on_long_line = \"truncate\"",  // 5
      "",                             // 6
      "[[outputs]]",                  // 7
      "type = \"stdout\"",            // 8
      "match = \"app.*\"",            // 9
      "format = \"raw\"",             // 10
      "retry_backoff = \"250ms\"",    // 11
      "retry_max_backoff = \"1m\"",   // 12
      "retry_limit = 5",              // 13
      "",                             // 14
      "[[outputs]]",                  // 15
      "type = \"null\"",              // 16
      "retry_backoff = 2",            // 17
  }));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  ASSERT_EQ(r.config.inputs.size(), 1u);
  ASSERT_EQ(r.config.outputs.size(), 2u);
  const ComponentConfig& in = r.config.inputs[0];
  EXPECT_EQ(in.tag, "app.web");
  EXPECT_EQ(in.options.at("max_line_bytes").integer, 65536);
  EXPECT_EQ(in.options.at("max_line_bytes").where.line, 4u);
  EXPECT_EQ(in.options.at("max_line_bytes").where.column, 18u);
  EXPECT_EQ(in.options.at("on_long_line").text, "truncate");

  const ComponentConfig& out = r.config.outputs[0];
  EXPECT_EQ(out.match, "app.*");
  EXPECT_EQ(out.match_where.line, 9u);
  EXPECT_EQ(out.match_where.column, 9u);
  EXPECT_EQ(out.options.at("format").text, "raw");
  EXPECT_EQ(out.retry_backoff_ns, 250'000'000);
  EXPECT_EQ(out.retry_max_backoff_ns, 60'000'000'000);
  EXPECT_EQ(out.retry_limit, 5);
  EXPECT_EQ(out.options.count("match"), 0u);
  EXPECT_EQ(out.options.count("retry_backoff"), 0u);

  const ComponentConfig& null_out = r.config.outputs[1];
  EXPECT_EQ(null_out.index, 1u);
  EXPECT_EQ(null_out.label(), "outputs[1] (type \"null\")");
  EXPECT_EQ(null_out.retry_backoff_ns, 2'000'000'000);  // a bare integer duration is seconds
  EXPECT_TRUE(null_out.options.empty());
}

TEST(ConfigValid, BareIntegerSizeIsBytes) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "max_line_bytes = 4096"}) + kOutputs);
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_EQ(r.config.inputs[0].options.at("max_line_bytes").integer, 4096);
}

// ---------------------------------------------------------------------------------------
// Choices, ranges and secrets (wide_options declares them)

// stdin on line 1, wide_options on line 4, then `option_lines` from line 6.
Loaded load_wide(std::initializer_list<std::string_view> option_lines) {
  return load(
      lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"wide_options\""}) + lines(option_lines),
      builtins_and_wide());
}

const std::string kWide = "outputs[0] (type \"wide_options\")";

TEST(ConfigChoices, ValueNotAmongTheChoices) {
  expect_only_error(load_wide({"format = \"xml\""}), 6, 10, kWide,
                    "option \"format\": expected one of \"json\", \"raw\", got \"xml\"");
}

TEST(ConfigChoices, CloseChoiceSuggested) {
  expect_only_error(load_wide({"format = \"jsno\""}), 6, 10, kWide,
                    "option \"format\": expected one of \"json\", \"raw\", got \"jsno\"; did you mean \"json\"?");
}

TEST(ConfigChoices, ListItemNotAmongTheChoices) {
  expect_only_error(
      load_wide({"levels = [\"warn\", \"inof\"]"}), 6, 10, kWide,
      "option \"levels\": item 1: expected one of \"debug\", \"info\", \"warn\", got \"inof\"; did you mean \"info\"?");
}

TEST(ConfigChoices, ChoicesAccepted) {
  Loaded r = load_wide({"format = \"raw\"", "levels = [\"debug\", \"warn\"]"});
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_EQ(r.config.outputs[0].options.at("format").text, "raw");
  EXPECT_EQ(r.config.outputs[0].options.at("levels").items.size(), 2u);
}

TEST(ConfigRanges, SizeBelowMinimum) {
  expect_only_error(load_wide({"buffer = \"512B\""}), 6, 10, kWide,
                    "option \"buffer\": must be at least 1KiB, got 512B");
  // The value in the option's units, however it was written.
  expect_only_error(load_wide({"buffer = 1000"}), 6, 10, kWide, "option \"buffer\": must be at least 1KiB, got 1000B");
}

TEST(ConfigRanges, SizeAboveMaximum) {
  expect_only_error(load_wide({"buffer = \"1.5MiB\""}), 6, 10, kWide,
                    "option \"buffer\": must be at most 1MiB, got 1536KiB");
}

TEST(ConfigRanges, FloatOutOfRange) {
  expect_only_error(load_wide({"ratio = 1.5"}), 6, 9, kWide, "option \"ratio\": must be at most 1, got 1.5");
  expect_only_error(load_wide({"ratio = -0.25"}), 6, 9, kWide, "option \"ratio\": must be at least 0, got -0.25");
}

TEST(ConfigRanges, DurationBelowMinimum) {
  expect_only_error(load_wide({"timeout = \"5ms\""}), 6, 11, kWide,
                    "option \"timeout\": must be at least 10ms, got 5ms");
  expect_only_error(load_wide({"timeout = 0"}), 6, 11, kWide, "option \"timeout\": must be at least 10ms, got 0ns");
}

TEST(ConfigRanges, IntegerAboveMaximum) {
  expect_only_error(load_wide({"count = 11"}), 6, 9, kWide, "option \"count\": must be at most 10, got 11");
}

TEST(ConfigRanges, BoundsAreInclusive) {
  for (auto text :
       {"buffer = \"1KiB\"", "buffer = \"1MiB\"", "ratio = 0", "ratio = 1.0", "count = 10", "timeout = \"10ms\""}) {
    Loaded r = load_wide({text});
    EXPECT_TRUE(r.errors.empty()) << text << "\n" << dump(r.errors);
  }
}

TEST(ConfigSecrets, ErrorsNeverEchoTheValue) {
  expect_only_error(load_wide({"pin = 12"}), 6, 7, kWide, "option \"pin\": must be at least 1000");
  expect_only_error(load_wide({"password = 5"}), 6, 12, kWide,
                    "option \"password\": expected a string (e.g. \"...\"), got an integer");
}

TEST(ConfigSecrets, SecretValueReachesThePlugin) {
  Loaded r = load_wide({"password = \"hunter2\"", "pin = 1234"});
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_EQ(r.config.outputs[0].options.at("password").text, "hunter2");
  EXPECT_EQ(r.config.outputs[0].options.at("pin").integer, 1234);
}

// ---------------------------------------------------------------------------------------
// Instance ids

TEST(ConfigIds, DerivedFromTypeAndTagOrMatch) {
  Loaded r = load(lines({
      "[[inputs]]", "type = \"stdin\"", "",                              // 1-3
      "[[inputs]]", "type = \"stdin\"", "tag = \"app/web access\"", "",  // 4-7
      "[[outputs]]", "type = \"stdout\"", "",                            // 8-10
      "[[outputs]]", "type = \"null\"", "match = \"app.[a-z]*\"",        // 11-13
  }));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_EQ(r.config.inputs[0].id, "stdin.stdin");
  EXPECT_EQ(r.config.inputs[1].id, "stdin.app_web_access");
  EXPECT_EQ(r.config.outputs[0].id, "stdout._");
  EXPECT_EQ(r.config.outputs[1].id, "null.app._a-z__");
  for (const auto* c : {&r.config.inputs[0], &r.config.inputs[1], &r.config.outputs[0], &r.config.outputs[1]}) {
    EXPECT_TRUE(c->id_unique) << c->id;
    EXPECT_EQ(c->id_where.line, c->where.line) << c->id;  // derived: located at the section
  }
}

TEST(ConfigIds, StableWhenSectionsAreReordered) {
  const std::string a = lines({"[[inputs]]", "type = \"stdin\"", "tag = \"a\"", ""});
  const std::string b = lines({"[[inputs]]", "type = \"stdin\"", "tag = \"b\"", ""});
  Loaded ab = load(a + b + kOutputs);
  Loaded ba = load(kOutputs + "\n" + b + a);
  ASSERT_TRUE(ab.errors.empty()) << dump(ab.errors);
  ASSERT_TRUE(ba.errors.empty()) << dump(ba.errors);
  EXPECT_EQ(ab.config.inputs[0].id, "stdin.a");
  EXPECT_EQ(ba.config.inputs[1].id, "stdin.a");
  EXPECT_EQ(ab.config.inputs[1].id, ba.config.inputs[0].id);
  EXPECT_EQ(ab.config.outputs[0].id, ba.config.outputs[0].id);
}

TEST(ConfigIds, ExplicitId) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "id = \"Web-1.access_log\""}) + kOutputs);
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_EQ(r.config.inputs[0].id, "Web-1.access_log");
  EXPECT_TRUE(r.config.inputs[0].id_unique);
  EXPECT_EQ(r.config.inputs[0].id_where.line, 3u);
  EXPECT_EQ(r.config.inputs[0].id_where.column, 6u);
  EXPECT_EQ(r.config.inputs[0].options.count("id"), 0u);  // the core's, not the plugin's
}

TEST(ConfigIds, InvalidExplicitIds) {
  const std::string chars = "expected 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-', got ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"a b\"", chars + "\"a b\""},
      {"\"\"", chars + "\"\""},
      {"\"state/../x\"", chars + "\"state/../x\""},
      {"\"" + std::string(129, 'x') + "\"", chars + "\"" + std::string(129, 'x') + "\""},
      {"\".\"", "must not be \".\" or \"..\" (an id names a folder)"},
      {"\"..\"", "must not be \".\" or \"..\" (an id names a folder)"},
  };
  for (const auto& [value, message] : cases) {
    Loaded r = load(lines({"[[inputs]]", "type = \"stdin\""}) + "id = " + value + "\n" + kOutputs);
    expect_only_error(r, 3, 6, "inputs[0] (type \"stdin\")", "option \"id\": " + message);
  }
  Loaded longest =
      load(lines({"[[inputs]]", "type = \"stdin\""}) + "id = \"" + std::string(128, 'x') + "\"\n" + kOutputs);
  EXPECT_TRUE(longest.errors.empty()) << dump(longest.errors);
  Loaded number = load(lines({"[[inputs]]", "type = \"stdin\"", "id = 7"}) + kOutputs);
  expect_only_error(number, 3, 6, "inputs[0] (type \"stdin\")",
                    "option \"id\": expected a string (e.g. \"nginx-access\"), got an integer");
}

TEST(ConfigIds, DuplicateExplicitIdNamesTheFirst) {
  Loaded r = load(lines({
      "[[inputs]]", "type = \"stdin\"", "id = \"main\"", "",  // 1-4
      "[[outputs]]", "type = \"stdout\"", "id = \"main\"",    // 5-7
  }));
  expect_only_error(r, 7, 6, "outputs[0] (type \"stdout\")",
                    "option \"id\": \"main\" is already the id of inputs[0] (type \"stdin\") on line 3");
}

TEST(ConfigIds, DuplicateReportedAtTheLaterSectionInTheFile) {
  // Outputs written first: the input is the second "x" in the file.
  Loaded r = load(lines({
      "[[outputs]]", "type = \"stdout\"", "id = \"x\"", "",  // 1-4
      "[[inputs]]", "type = \"stdin\"", "id = \"x\"",        // 5-7
  }));
  expect_only_error(r, 7, 6, "inputs[0] (type \"stdin\")",
                    "option \"id\": \"x\" is already the id of outputs[0] (type \"stdout\") on line 3");
}

TEST(ConfigIds, InputsWithTheSameDerivedIdMustSetOne) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[inputs]]", "type = \"stdin\""}) + kOutputs);
  expect_only_error(
      r, 4, 1, "inputs[1] (type \"stdin\")",
      "its id \"stdin.stdin\" (derived from type and tag) is also the id of inputs[0] (type \"stdin\") on "
      "line 1: set `id` to a name unique in the pipeline (an input's state is kept under its id)");
  Loaded fixed = load(
      lines({"[[inputs]]", "type = \"stdin\"", "", "[[inputs]]", "type = \"stdin\"", "id = \"second\""}) + kOutputs);
  ASSERT_TRUE(fixed.errors.empty()) << dump(fixed.errors);
  EXPECT_EQ(fixed.config.inputs[0].id, "stdin.stdin");
  EXPECT_EQ(fixed.config.inputs[1].id, "second");
}

TEST(ConfigIds, DerivedInputIdTakenByAnExplicitOne) {
  Loaded r =
      load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "id = \"stdin.stdin\""}));
  expect_only_error(r, 1, 1, "inputs[0] (type \"stdin\")",
                    "its id \"stdin.stdin\" (derived from type and tag) is also the id of outputs[0] (type \"stdout\") "
                    "on line 6: set `id` to a name unique in the pipeline (an input's state is kept under its id)");
}

TEST(ConfigIds, SharedDerivedIdsOfOutputsAreAllowedButMarked) {
  Loaded r = load(lines({
      "[[inputs]]", "type = \"stdin\"", "",                // 1-3
      "[[outputs]]", "type = \"null\"", "",                // 4-6
      "[[outputs]]", "type = \"null\"", "",                // 7-9
      "[[outputs]]", "type = \"stdout\"", "",              // 10-12
      "[[outputs]]", "type = \"stdout\"", "id = \"out\"",  // 13-15
  }));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_EQ(r.config.outputs[0].id, "null._");
  EXPECT_EQ(r.config.outputs[1].id, "null._");
  EXPECT_FALSE(r.config.outputs[0].id_unique);
  EXPECT_FALSE(r.config.outputs[1].id_unique);
  EXPECT_EQ(r.config.outputs[2].id, "stdout._");
  EXPECT_TRUE(r.config.outputs[2].id_unique);
  EXPECT_EQ(r.config.outputs[3].id, "out");
  EXPECT_TRUE(r.config.outputs[3].id_unique);
  EXPECT_TRUE(r.config.inputs[0].id_unique);
}

TEST(ConfigIds, DerivedOutputIdEqualToAnExplicitOneIsMarked) {
  Loaded r = load(lines({"[[inputs]]", "type = \"stdin\"", "id = \"null._\"", "", "[[outputs]]", "type = \"null\""}));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  EXPECT_TRUE(r.config.inputs[0].id_unique);
  EXPECT_FALSE(r.config.outputs[0].id_unique);
}

// ---------------------------------------------------------------------------------------
// option_position: where an error about one option points

TEST(OptionPosition, SetDefaultedAbsentAndTheCoresOwn) {
  Loaded r = load(lines({
      "[[inputs]]",                   // 1
      "type = \"stdin\"",             // 2
      "  max_line_bytes = \"4KiB\"",  // 3
      "id = \"in\"",                  // 4
      "",                             // 5
      "[[outputs]]",                  // 6
      "type = \"stdout\"",            // 7
      "match = \"*\"",                // 8
  }));
  ASSERT_TRUE(r.errors.empty()) << dump(r.errors);
  const ComponentConfig& in = r.config.inputs[0];
  auto at = [](const SourcePosition& p) { return std::make_pair(p.line, p.column); };
  EXPECT_EQ(at(option_position(in, "max_line_bytes")), std::make_pair(3u, 20u));
  EXPECT_EQ(at(option_position(in, "on_long_line")), std::make_pair(1u, 1u));  // a default: the section
  EXPECT_EQ(at(option_position(in, "no_such_option")), std::make_pair(1u, 1u));
  EXPECT_EQ(at(option_position(in, "id")), std::make_pair(4u, 6u));
  EXPECT_EQ(option_position(in, "max_line_bytes").file, kFile);
  const ComponentConfig& out = r.config.outputs[0];
  EXPECT_EQ(at(option_position(out, "match")), std::make_pair(8u, 9u));
  EXPECT_EQ(at(option_position(out, "format")), std::make_pair(6u, 1u));
  EXPECT_EQ(at(option_position(out, "id")), std::make_pair(6u, 1u));  // derived
}

TEST(ConvertOption, DefaultsOfEveryType) {
  OptionValue v;
  const logagent_option size = logagent::option("s", LOGAGENT_OPTION_SIZE).defaults("8MiB");
  EXPECT_EQ(convert_option(size, nullptr, v), std::nullopt);
  EXPECT_EQ(v.integer, 8 * 1024 * 1024);
  const logagent_option dur = logagent::option("d", LOGAGENT_OPTION_DURATION).defaults("100ms");
  EXPECT_EQ(convert_option(dur, nullptr, v), std::nullopt);
  EXPECT_EQ(v.integer, 100'000'000);
  const logagent_option b = logagent::option("b", LOGAGENT_OPTION_BOOL).defaults("true");
  EXPECT_EQ(convert_option(b, nullptr, v), std::nullopt);
  EXPECT_TRUE(v.boolean);
  const logagent_option i = logagent::option("i", LOGAGENT_OPTION_INT).defaults("42");
  EXPECT_EQ(convert_option(i, nullptr, v), std::nullopt);
  EXPECT_EQ(v.integer, 42);
  const logagent_option f = logagent::option("f", LOGAGENT_OPTION_FLOAT).defaults("0.5");
  EXPECT_EQ(convert_option(f, nullptr, v), std::nullopt);
  EXPECT_DOUBLE_EQ(v.real, 0.5);
  const logagent_option bad = logagent::option("x", LOGAGENT_OPTION_SIZE).defaults("lots");
  auto problem = convert_option(bad, nullptr, v);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, "expected a size such as \"64KiB\" or \"8MiB\"");
}

TEST(ConvertOption, ListsAndTables) {
  auto doc = toml::parse(R"(list = ["a", "b"]
bad = ["a", 2]
table = { x = "1", y = "2" })");
  OptionValue v;
  const logagent_option list = logagent::option("list", LOGAGENT_OPTION_STRING_LIST);
  EXPECT_EQ(convert_option(list, doc.get("list"), v), std::nullopt);
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_EQ(v.items[0].first, "");
  EXPECT_EQ(v.items[1].second, "b");

  OptionValue w;
  auto problem = convert_option(list, doc.get("bad"), w);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, "expected an array of strings, item 1 is an integer");

  OptionValue t;
  const logagent_option table = logagent::option("table", LOGAGENT_OPTION_STRING_TABLE);
  EXPECT_EQ(convert_option(table, doc.get("table"), t), std::nullopt);
  ASSERT_EQ(t.items.size(), 2u);
  EXPECT_EQ(t.items[0], (std::pair<std::string, std::string>{"x", "1"}));
  EXPECT_EQ(t.items[1], (std::pair<std::string, std::string>{"y", "2"}));
}

TEST(ConvertOption, SecretValuesAreNeverEchoed) {
  auto doc = toml::parse(R"(key = "hunter2")");
  const logagent_option plain = logagent::option("key", LOGAGENT_OPTION_SIZE);
  const logagent_option secret = logagent::option("key", LOGAGENT_OPTION_SIZE).secret();
  OptionValue v;
  EXPECT_EQ(convert_option(plain, doc.get("key"), v), "expected a size such as \"64KiB\" or \"8MiB\", got \"hunter2\"");
  EXPECT_EQ(convert_option(secret, doc.get("key"), v), "expected a size such as \"64KiB\" or \"8MiB\"");
}

TEST(ConstraintProblem, ChoicesAndRanges) {
  static const char* const kModes[] = {"split", "truncate", nullptr};
  const logagent_option mode = logagent::option("mode", LOGAGENT_OPTION_STRING).choices(kModes);
  OptionValue v;
  v.text = "split";
  EXPECT_EQ(constraint_problem(mode, v), std::nullopt);
  v.text = "trunc";
  EXPECT_EQ(constraint_problem(mode, v), "expected one of \"split\", \"truncate\", got \"trunc\"");
  v.text = "truncat";
  EXPECT_EQ(constraint_problem(mode, v),
            "expected one of \"split\", \"truncate\", got \"truncat\"; did you mean \"truncate\"?");
  // Neither the value nor a choice close to it is said for a secret.
  const logagent_option secret = logagent::option("mode", LOGAGENT_OPTION_STRING).choices(kModes).secret();
  EXPECT_EQ(constraint_problem(secret, v), "expected one of \"split\", \"truncate\"");

  const logagent_option delay = logagent::option("delay", LOGAGENT_OPTION_DURATION).min("100ms").max("1m");
  OptionValue d;
  for (int64_t ok : {int64_t{100'000'000}, int64_t{60'000'000'000}}) {
    d.integer = ok;
    EXPECT_EQ(constraint_problem(delay, d), std::nullopt) << ok;  // bounds are inclusive
  }
  d.integer = 99'999'999;
  EXPECT_EQ(constraint_problem(delay, d), "must be at least 100ms, got 99999999ns");
  d.integer = 90'000'000'000;
  EXPECT_EQ(constraint_problem(delay, d), "must be at most 1m, got 90s");
  const logagent_option secret_delay = logagent::option("delay", LOGAGENT_OPTION_DURATION).max("1m").secret();
  EXPECT_EQ(constraint_problem(secret_delay, d), "must be at most 1m");
}

TEST(OptionSchema, CoreSchemasPassTheLoadersChecks) {
  // The core's own tables are held to the rules plugin tables are (kind 0: no name is
  // reserved against itself).
  EXPECT_EQ(option_table_problem(0, "service", service_options()), std::nullopt);
  for (uint32_t kind : {LOGAGENT_KIND_INPUT, LOGAGENT_KIND_FILTER, LOGAGENT_KIND_OUTPUT})
    EXPECT_EQ(option_table_problem(0, "common", common_options(kind)), std::nullopt) << kind;
}

}  // namespace
