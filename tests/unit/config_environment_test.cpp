// Unit tests of environment variables in pipeline files: the ${NAME}, ${NAME:-fallback} and
// $${ rules, substitution before validation, and unset variables reported at the value.
#include "config/environment.hpp"
#include "config_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace logagent::core;
using namespace logagent::core::config_test;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {

EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

Expansion expand(std::string_view text, std::map<std::string, std::string> variables = {}) {
  return expand_environment(text, environment(std::move(variables)));
}

// ---------------------------------------------------------------------------------------
// The rules of expansion

TEST(ExpandEnvironment, ReferenceReplacedByTheValue) {
  EXPECT_EQ(expand("${HOST}", {{"HOST", "kafka-1"}}).text, "kafka-1");
  EXPECT_EQ(expand("${HOST}:${PORT}", {{"HOST", "kafka-1"}, {"PORT", "9092"}}).text, "kafka-1:9092");
  EXPECT_EQ(expand("tcp://${_h0st_2}/x", {{"_h0st_2", "a"}}).text, "tcp://a/x");
  EXPECT_THAT(expand("${HOST}", {{"HOST", "kafka-1"}}).unset, IsEmpty());
}

TEST(ExpandEnvironment, SetButEmptyWithoutFallbackIsEmpty) {
  const Expansion e = expand("[${EMPTY}]", {{"EMPTY", ""}});
  EXPECT_EQ(e.text, "[]");
  EXPECT_THAT(e.unset, IsEmpty());
}

TEST(ExpandEnvironment, FallbackWhenUnsetOrEmpty) {
  EXPECT_EQ(expand("${LEVEL:-info}").text, "info");
  EXPECT_EQ(expand("${LEVEL:-info}", {{"LEVEL", ""}}).text, "info");
  EXPECT_EQ(expand("${LEVEL:-info}", {{"LEVEL", "debug"}}).text, "debug");
  EXPECT_EQ(expand("${LEVEL:-}").text, "");
  EXPECT_THAT(expand("${LEVEL:-info}").unset, IsEmpty());
}

TEST(ExpandEnvironment, FallbackIsLiteralUpToTheFirstBrace) {
  EXPECT_EQ(expand("${A:-x}y}").text, "xy}");
  EXPECT_EQ(expand("${A:-$HOME and ${B}").text, "$HOME and ${B");  // not expanded again
  EXPECT_EQ(expand("${A:-a:-b}").text, "a:-b");
}

TEST(ExpandEnvironment, ValuesAreNotExpandedAgain) {
  EXPECT_EQ(expand("${A}", {{"A", "${B}"}, {"B", "no"}}).text, "${B}");
  EXPECT_EQ(expand("${A}", {{"A", "$${"}}).text, "$${");
}

TEST(ExpandEnvironment, DoubledDollarBeforeABraceIsALiteral) {
  EXPECT_EQ(expand("$${HOST}", {{"HOST", "kafka-1"}}).text, "${HOST}");
  EXPECT_EQ(expand("$${").text, "${");
  EXPECT_EQ(expand("a$${b}c$${").text, "a${b}c${");
  EXPECT_THAT(expand("$${UNSET}").unset, IsEmpty());
}

TEST(ExpandEnvironment, EveryOtherDollarStaysAsWritten) {
  for (std::string_view text : {"^\\d+$", "$", "$$", "a$b", "$HOME", "${", "${}", "${1A}", "${A-b}", "${A:b}", "${A",
                                "${A:-never closed", "${A B}", "$$HOME", "cost: 5$", "${-}", "${A:}"}) {
    const Expansion e = expand(text, {{"A", "x"}, {"HOME", "/root"}});
    EXPECT_EQ(e.text, text);
    EXPECT_THAT(e.unset, IsEmpty()) << text;
  }
}

TEST(ExpandEnvironment, UnsetVariablesWithoutFallbackAreListedOnceInOrder) {
  const Expansion e = expand("${B}-${A}-${B}-${C:-c}-${D}", {{"D", "d"}});
  EXPECT_THAT(e.unset, ElementsAre("B", "A"));
}

TEST(ExpandEnvironment, TheProcessEnvironment) {
  ::setenv("LOGAGENT_UNIT_ENV_SET", "from the environment", 1);
  ::unsetenv("LOGAGENT_UNIT_ENV_UNSET");
  EXPECT_EQ(process_environment("LOGAGENT_UNIT_ENV_SET"), "from the environment");
  EXPECT_EQ(process_environment("LOGAGENT_UNIT_ENV_UNSET"), std::nullopt);
  EXPECT_EQ(expand_environment("${LOGAGENT_UNIT_ENV_SET}", process_environment).text, "from the environment");
}

TEST(UnsetVariableMessage, SaysHowToGiveADefault) {
  EXPECT_EQ(unset_variable_message("KAFKA_BROKERS"),
            "environment variable \"KAFKA_BROKERS\" is not set (write ${KAFKA_BROKERS:-fallback} for a default)");
}

// ---------------------------------------------------------------------------------------
// In a pipeline file

// The build's plugins and table_options, an output with a table, numeric choices and a secret.
const PluginRegistry& registry() {
  static const PluginRegistry r = [] {
    std::vector<std::string> errors;
    auto found = PluginRegistry::discover(
        {fs::path(LOGAGENT_BUILT_PLUGIN_DIR), fs::path(LOGAGENT_FIXTURE_PLUGIN_DIR) / "table_options"}, errors);
    EXPECT_THAT(errors, IsEmpty());
    return found;
  }();
  return r;
}

Loaded load(std::string_view text, std::map<std::string, std::string> variables = {}) {
  return load_config(text, registry(), environment(std::move(variables)));
}

// [service] lines first (line 1 on), then stdin and stdout.
std::string with_service(std::initializer_list<std::string_view> service) {
  return lines({"[service]"}) + lines(service) + lines({"", "[[inputs]]", "type = \"stdin\"", "", "[[outputs]]"}) +
         "type = \"stdout\"\n";
}

// stdin on line 1, table_options on line 4, then `option_lines` from line 6.
std::string with_table_options(std::initializer_list<std::string_view> option_lines) {
  return lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"table_options\""}) + lines(option_lines);
}

const std::string kTableOptions = "outputs[0] (type \"table_options\")";

TEST(ConfigEnvironment, ServiceOptionsAreSubstituted) {
  Loaded r = load(with_service({"log_level = \"${LEVEL}\"", "state_dir = \"${STATE_ROOT:-/var/lib}/logagent\""}),
                  {{"LEVEL", "debug"}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.service.log_level, "debug");
  EXPECT_EQ(r.config.service.state_dir, "/var/lib/logagent");
}

TEST(ConfigEnvironment, SubstitutedBeforeValidation) {
  // A duration and a size written as variables are validated as what they become.
  Loaded r = load(with_service({"state_flush_interval = \"${FLUSH:-5s}\"", "queue_max_bytes = \"${QUEUE}\""}),
                  {{"QUEUE", "16MiB"}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.service.state_flush_interval_ns, 5'000'000'000);
  EXPECT_EQ(r.config.service.queue_max_bytes, 16 * 1024 * 1024);

  Loaded bad = load(with_service({"state_flush_interval = \"${FLUSH:-soon}\""}));
  expect_only_error(bad, 2, 24, "service",
                    "option \"state_flush_interval\": expected a duration such as \"250ms\", \"5s\" or \"1m\", got "
                    "\"soon\"");
  Loaded low = load(with_service({"log_level = \"${LEVEL}\""}), {{"LEVEL", "loud"}});
  expect_only_error(low, 2, 13, "service",
                    "option \"log_level\": expected one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", "
                    "\"off\", got \"loud\"");
}

TEST(ConfigEnvironment, UnsetVariableIsAnErrorAtTheValueAndNothingElse) {
  // Not also "expected one of ...": what the value would have been is unknown.
  Loaded r = load(with_service({"log_level = \"${LEVEL}\""}));
  expect_only_error(r, 2, 13, "service",
                    "option \"log_level\": environment variable \"LEVEL\" is not set (write ${LEVEL:-fallback} for "
                    "a default)");
  EXPECT_EQ(r.errors[0].to_string(),
            "test.toml:2:13: service: option \"log_level\": environment variable \"LEVEL\" is not set (write "
            "${LEVEL:-fallback} for a default)");
}

TEST(ConfigEnvironment, EveryUnsetVariableOfAValueIsReported) {
  Loaded r = load(with_service({"state_dir = \"/${ROOT}/${APP}/${ROOT}\""}));
  ASSERT_EQ(r.errors.size(), 2u) << dump(r.errors);
  expect_error(
      r.errors[0], 2, 13, "service",
      "option \"state_dir\": environment variable \"ROOT\" is not set (write ${ROOT:-fallback} for a default)");
  expect_error(r.errors[1], 2, 13, "service",
               "option \"state_dir\": environment variable \"APP\" is not set (write ${APP:-fallback} for a default)");
}

TEST(ConfigEnvironment, SetButEmptyIsNoError) {
  Loaded r = load(with_service({"state_dir = \"/tmp/${EMPTY}x\""}), {{"EMPTY", ""}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.service.state_dir, "/tmp/x");
}

TEST(ConfigEnvironment, ListItems) {
  Loaded r = load(with_service({"plugin_dirs = [\"${PLUGINS}\", \"/opt/${NAME:-x}\"]"}), {{"PLUGINS", "/p"}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.service.plugin_dirs, (std::vector<std::string>{"/p", "/opt/x"}));

  // Reported at the item, which the message names.
  Loaded unset = load(with_service({"plugin_dirs = [", "  \"/opt/a\",", "  \"${PLUGINS}\",", "]"}));
  expect_only_error(unset, 4, 3, "service",
                    "option \"plugin_dirs\": item 1: environment variable \"PLUGINS\" is not set (write "
                    "${PLUGINS:-fallback} for a default)");
}

TEST(ConfigEnvironment, PluginOptionsAndTheCoresOwn) {
  Loaded r = load(lines({"[[inputs]]", "type = \"${INPUT}\"", "tag = \"${TAG:-app}.access\"", "",  // 1-4
                         "[[outputs]]", "type = \"stdout\"", "match = \"${TAG:-app}.*\"", "format = \"${FORMAT:-raw}\"",
                         "retry_backoff = \"${BACKOFF}\""}),
                  {{"INPUT", "stdin"}, {"BACKOFF", "250ms"}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  ASSERT_EQ(r.config.inputs.size(), 1u);
  EXPECT_EQ(r.config.inputs[0].type, "stdin");
  EXPECT_EQ(r.config.inputs[0].tag, "app.access");
  EXPECT_EQ(r.config.inputs[0].id, "stdin.app.access");
  EXPECT_EQ(r.config.outputs[0].match, "app.*");
  EXPECT_EQ(r.config.outputs[0].options.at("format").text, "raw");
  EXPECT_EQ(r.config.outputs[0].retry_backoff_ns, 250'000'000);
}

TEST(ConfigEnvironment, UnsetPluginOption) {
  Loaded r =
      load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "format = \"${FORMAT}\""}));
  expect_only_error(r, 6, 10, "outputs[0] (type \"stdout\")",
                    "option \"format\": environment variable \"FORMAT\" is not set (write ${FORMAT:-fallback} for a "
                    "default)");
}

TEST(ConfigEnvironment, UnsetTypeSkipsTheSection) {
  // The section's plugin is unknown: nothing else of it is checked.
  Loaded r =
      load(lines({"[[inputs]]", "type = \"${INPUT}\"", "tag = 5"}) + lines({"[[outputs]]", "type = \"stdout\""}));
  expect_only_error(r, 2, 8, "inputs[0]",
                    "option \"type\": environment variable \"INPUT\" is not set (write ${INPUT:-fallback} for a "
                    "default)");
  EXPECT_THAT(r.config.inputs, IsEmpty());
}

TEST(ConfigEnvironment, NeededPluginsSkipAnUnsetType) {
  ConfigErrors errors;
  auto doc = parse_config_text(lines({"[[inputs]]", "type = \"${INPUT}\"", "[[outputs]]", "type = \"${OUTPUT}\""}),
                               kFile, errors, environment({{"OUTPUT", "null"}}));
  ASSERT_TRUE(doc.has_value());
  const std::vector<PluginName> needed = needed_plugins(*doc);
  ASSERT_EQ(needed.size(), 1u);
  EXPECT_EQ(needed[0].kind, uint32_t{LOGAGENT_KIND_OUTPUT});
  EXPECT_EQ(needed[0].name, "null");
}

TEST(ConfigEnvironment, UnknownOptionIsReportedOnlyAsUnknown) {
  Loaded r =
      load(lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "formt = \"${FORMAT}\""}));
  expect_only_error(r, 6, 9, "outputs[0] (type \"stdout\")", "unknown option \"formt\"; did you mean \"format\"?");
}

TEST(ConfigEnvironment, TableValuesButNotKeys) {
  Loaded r = load(with_table_options({"properties = { \"sasl.password\" = \"${PASSWORD}\", \"${KEY}\" = \"v\", "
                                      "\"client.id\" = \"${HOST:-agent}-1\" }"}),
                  {{"PASSWORD", "hunter2"}, {"KEY", "never used"}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.outputs[0].options.at("properties").items,
            (std::vector<std::pair<std::string, std::string>>{
                {"${KEY}", "v"}, {"client.id", "agent-1"}, {"sasl.password", "hunter2"}}));
}

TEST(ConfigEnvironment, UnsetTableValueNamesTheItem) {
  Loaded r = load(with_table_options({"properties = { \"acks\" = \"all\", \"sasl.password\" = \"${PASSWORD}\" }"}));
  expect_only_error(r, 6, 50, kTableOptions,
                    "option \"properties.sasl.password\": environment variable \"PASSWORD\" is not set (write "
                    "${PASSWORD:-fallback} for a default)");
}

TEST(ConfigEnvironment, SecretsAreSubstitutedAndNeverPrinted) {
  Loaded r = load(with_table_options({"token = \"${TOKEN}\""}), {{"TOKEN", "hunter2"}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.outputs[0].options.at("token").text, "hunter2");
  Loaded fallback = load(with_table_options({"token = \"${TOKEN:-s3cret}\""}));
  ASSERT_THAT(fallback.errors, IsEmpty()) << dump(fallback.errors);
  EXPECT_EQ(fallback.config.outputs[0].options.at("token").text, "s3cret");
  // The message names the variable, never a value (there is none) nor the fallback.
  Loaded unset = load(with_table_options({"token = \"${TOKEN}\""}));
  expect_only_error(unset, 6, 9, kTableOptions,
                    "option \"token\": environment variable \"TOKEN\" is not set (write ${TOKEN:-fallback} for a "
                    "default)");
}

TEST(ConfigEnvironment, DollarsThatAreNoReferenceStay) {
  Loaded r = load(with_service({"state_dir = '/srv/$app/^\\d+$/$${HOME}/${1}'"}), {{"HOME", "/root"}});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.service.state_dir, "/srv/$app/^\\d+$/${HOME}/${1}");
}

TEST(ConfigEnvironment, TheProcessEnvironmentByDefault) {
  ::setenv("LOGAGENT_UNIT_ENV_LEVEL", "warn", 1);
  ::unsetenv("LOGAGENT_UNIT_ENV_DIR");
  Loaded r = load_config(with_service({"log_level = \"${LOGAGENT_UNIT_ENV_LEVEL}\"",
                                       "state_dir = \"${LOGAGENT_UNIT_ENV_DIR:-/tmp/state}\""}),
                         registry());
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.service.log_level, "warn");
  EXPECT_EQ(r.config.service.state_dir, "/tmp/state");
}

}  // namespace
