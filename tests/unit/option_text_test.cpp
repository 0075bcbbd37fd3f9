// Unit tests of options a plugin reads as text although TOML wrote them otherwise: the
// items of a table (numbers and booleans as a client library's property strings), a string
// whose choices are numbers (acks = 1), and errors a plugin points at one item of a table.
#include "config/pipeline_config.hpp"
#include "config_test_support.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin/option_schema.hpp"

#include <logagent/plugin.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace logagent::core;
using namespace logagent::core::config_test;
using ::testing::IsEmpty;

namespace {

using Items = std::vector<std::pair<std::string, std::string>>;

// stdin, stdout and table_options: a table `properties`, `acks` (one of "-1", "0", "1",
// "all"), a secret `token`, and `refuse`, an option its create refuses by name.
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

// stdin on line 1, table_options on line 4, then `option_lines` from line 6.
Loaded load(std::initializer_list<std::string_view> option_lines) {
  return load_config(
      lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"table_options\""}) + lines(option_lines),
      registry());
}

const std::string kSection = "outputs[0] (type \"table_options\")";
const std::string kExpectedTable =
    "option \"properties\": expected a table of strings, numbers or booleans such as { key = \"value\" } (e.g. { "
    "\"linger.ms\" = 5, \"acks\" = \"all\" })";

std::pair<uint32_t, uint32_t> at(const SourcePosition& p) { return {p.line, p.column}; }

// ---------------------------------------------------------------------------------------
// Tables: every scalar is text

TEST(TableOptions, NumbersAndBooleansBecomeTheirText) {
  Loaded r =
      load({"properties = { \"linger.ms\" = 5, \"enable.ssl.certificate.verification\" = false, \"acks\" = "
            "\"all\", \"queue.buffering.max.ms\" = 1.5 }"});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(r.config.outputs[0].options.at("properties").items, (Items{{"acks", "all"},
                                                                       {"enable.ssl.certificate.verification", "false"},
                                                                       {"linger.ms", "5"},
                                                                       {"queue.buffering.max.ms", "1.5"}}));
}

TEST(TableOptions, TextAsAPropertyStringIsWritten) {
  auto doc = toml::parse(R"([t]
neg = -1
hex = 0x10
big = 9223372036854775807
yes = true
half = 0.5
whole = 2.0
tiny = 1e-7
huge = 1e20
text = "5 s"
empty = "")");
  const logagent_option table = logagent::option("t", LOGAGENT_OPTION_STRING_TABLE);
  OptionValue v;
  ASSERT_EQ(convert_option(table, doc.get("t"), v), std::nullopt);
  EXPECT_EQ(v.items, (Items{{"big", "9223372036854775807"},
                            {"empty", ""},
                            {"half", "0.5"},
                            {"hex", "16"},
                            {"huge", "1e+20"},
                            {"neg", "-1"},
                            {"text", "5 s"},
                            {"tiny", "1e-07"},
                            {"whole", "2"},
                            {"yes", "true"}}));
}

TEST(TableOptions, EachItemKeepsItsPosition) {
  Loaded r = load({
      "[outputs.properties]",                             // 6
      "\"linger.ms\" = 5",                                // 7
      "\"enable.ssl.certificate.verification\" = false",  // 8
      "acks = \"all\"",                                   // 9
      "  \"queue.buffering.max.ms\" = 0.5",               // 10
  });
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  const OptionValue& properties = r.config.outputs[0].options.at("properties");
  ASSERT_EQ(properties.items.size(), 4u);
  ASSERT_EQ(properties.item_where.size(), 4u);
  // In key order, as the plugin reads them.
  EXPECT_EQ(properties.items[0].first, "acks");
  EXPECT_EQ(at(properties.item_where[0]), std::make_pair(9u, 8u));
  EXPECT_EQ(properties.items[1].first, "enable.ssl.certificate.verification");
  EXPECT_EQ(at(properties.item_where[1]), std::make_pair(8u, 41u));
  EXPECT_EQ(properties.items[2].first, "linger.ms");
  EXPECT_EQ(at(properties.item_where[2]), std::make_pair(7u, 15u));
  EXPECT_EQ(properties.items[3].first, "queue.buffering.max.ms");
  EXPECT_EQ(at(properties.item_where[3]), std::make_pair(10u, 30u));
  for (const SourcePosition& p : properties.item_where) EXPECT_EQ(p.file, kFile);
  EXPECT_EQ(properties.items[3].second, "0.5");
}

TEST(TableOptions, ArrayValueIsAnError) {
  Loaded r = load({"properties = { \"bootstrap.servers\" = [\"a:9092\", \"b:9092\"] }"});
  expect_only_error(r, 6, 14, kSection, kExpectedTable + ", \"bootstrap.servers\" is an array");
}

TEST(TableOptions, NestedTableIsAnErrorThatShowsTheQuotedKey) {
  // Unquoted, linger.ms is the key "ms" of a table "linger".
  Loaded r = load({"properties = { linger.ms = 5 }"});
  expect_only_error(r, 6, 14, kSection,
                    kExpectedTable +
                        ", \"linger\" is a table (write a key that holds dots in quotes: \"linger.ms\" = "
                        "...)");
  Loaded inline_table = load({"properties = { sasl = { mechanism = \"PLAIN\" } }"});
  expect_only_error(inline_table, 6, 14, kSection,
                    kExpectedTable +
                        ", \"sasl\" is a table (write a key that holds dots in quotes: "
                        "\"sasl.mechanism\" = ...)");
}

TEST(TableOptions, DatesAndNonFiniteNumbersAreErrors) {
  expect_only_error(load({"properties = { since = 1979-05-27 }"}), 6, 14, kSection,
                    kExpectedTable + ", \"since\" is a date/time");
  expect_only_error(load({"properties = { ratio = inf }"}), 6, 14, kSection,
                    kExpectedTable + ", \"ratio\" is not a finite number");
  expect_only_error(load({"properties = { ratio = nan }"}), 6, 14, kSection,
                    kExpectedTable + ", \"ratio\" is not a finite number");
}

TEST(TableOptions, NotATable) {
  expect_only_error(load({"properties = \"linger.ms=5\""}), 6, 14, kSection, kExpectedTable + ", got a string");
}

// ---------------------------------------------------------------------------------------
// Errors a plugin points at one item: host set_option_error(ctx, "TABLE.KEY", ...)

TEST(TableOptions, OptionPositionOfAnItem) {
  Loaded r = load({
      "acks = 1",                                            // 6
      "properties = { \"linger.ms\" = 5, acks = \"all\" }",  // 7
  });
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  const ComponentConfig& out = r.config.outputs[0];
  EXPECT_EQ(at(option_position(out, "properties.linger.ms")), std::make_pair(7u, 30u));
  EXPECT_EQ(at(option_position(out, "properties.acks")), std::make_pair(7u, 40u));
  EXPECT_EQ(option_position(out, "properties.acks").file, kFile);
  // A key the table lacks: the table; the table itself: the table.
  EXPECT_EQ(at(option_position(out, "properties.linger")), std::make_pair(7u, 14u));
  EXPECT_EQ(at(option_position(out, "properties.")), std::make_pair(7u, 14u));
  EXPECT_EQ(at(option_position(out, "properties")), std::make_pair(7u, 14u));
  // Not a table, or no such option: the section.
  EXPECT_EQ(at(option_position(out, "acks.linger.ms")), std::make_pair(4u, 1u));
  EXPECT_EQ(at(option_position(out, "nope.linger.ms")), std::make_pair(4u, 1u));
  EXPECT_EQ(at(option_position(out, "acks")), std::make_pair(6u, 8u));
}

TEST(TableOptions, OptionPositionOfAnAbsentTableIsTheSection) {
  Loaded r = load({});
  ASSERT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  EXPECT_EQ(at(option_position(r.config.outputs[0], "properties.linger.ms")), std::make_pair(4u, 1u));
}

// The error create reports when the plugin refuses `refused` (set_option_error).
ConfigError refused(std::string_view refused) {
  Loaded r = load({"refuse = \"" + std::string(refused) + "\"",  // 6
                   "[outputs.properties]",                       // 7
                   "acks = \"all\"",                             // 8
                   "\"linger.ms\" = 5"});                        // 9
  EXPECT_THAT(r.errors, IsEmpty()) << dump(r.errors);
  Pipeline pipeline(r.config);
  ConfigErrors errors;
  EXPECT_FALSE(pipeline.create(errors));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
  return errors.empty() ? ConfigError{} : errors[0];
}

TEST(TableOptions, CreateRefusingAnItemPointsAtIt) {
  const ConfigError e = refused("properties.linger.ms");
  expect_error(e, 9, 15, kSection, "cannot start: option \"properties.linger.ms\": refused by the fixture");
  EXPECT_EQ(e.to_string(),
            "test.toml:9:15: outputs[0] (type \"table_options\"): cannot start: option \"properties.linger.ms\": "
            "refused by the fixture");
}

TEST(TableOptions, CreateRefusingAnUnknownItemPointsAtTheTable) {
  const ConfigError e = refused("properties.retries");
  EXPECT_EQ(e.where.line, 7u) << e.to_string();
  EXPECT_EQ(e.message, "cannot start: option \"properties.retries\": refused by the fixture");
}

// ---------------------------------------------------------------------------------------
// A string whose choices are numbers takes a bare integer

TEST(IntegerChoices, BareIntegerThatIsAChoice) {
  for (const auto& [written, text] : std::vector<std::pair<std::string, std::string>>{
           {"1", "1"}, {"0", "0"}, {"-1", "-1"}, {"+1", "1"}, {"0x1", "1"}, {"\"1\"", "1"}, {"\"all\"", "all"}}) {
    Loaded r = load({"acks = " + written});
    ASSERT_THAT(r.errors, IsEmpty()) << written << "\n" << dump(r.errors);
    const OptionValue& acks = r.config.outputs[0].options.at("acks");
    EXPECT_EQ(acks.type, uint32_t{LOGAGENT_OPTION_STRING});
    EXPECT_EQ(acks.text, text) << written;
    EXPECT_EQ(at(acks.where), std::make_pair(6u, 8u));
  }
  Loaded absent = load({});
  EXPECT_EQ(absent.config.outputs[0].options.at("acks").text, "all");
}

TEST(IntegerChoices, OtherIntegersAreNotAmongTheChoices) {
  expect_only_error(load({"acks = 2"}), 6, 8, kSection,
                    "option \"acks\": expected one of \"-1\", \"0\", \"1\", \"all\", got 2");
  expect_only_error(load({"acks = -2"}), 6, 8, kSection,
                    "option \"acks\": expected one of \"-1\", \"0\", \"1\", \"all\", got -2");
}

TEST(IntegerChoices, OtherTypesStayTypeErrors) {
  expect_only_error(load({"acks = 1.0"}), 6, 8, kSection, "option \"acks\": expected a string (e.g. 1), got a float");
  expect_only_error(load({"acks = true"}), 6, 8, kSection,
                    "option \"acks\": expected a string (e.g. 1), got a boolean");
}

TEST(IntegerChoices, OnlyWhenAChoiceIsAnInteger) {
  // The choices of stdout's format are words: an integer is of the wrong type.
  Loaded r = load_config(
      lines({"[[inputs]]", "type = \"stdin\"", "", "[[outputs]]", "type = \"stdout\"", "format = 1"}), registry());
  expect_only_error(r, 6, 10, "outputs[0] (type \"stdout\")",
                    "option \"format\": expected a string (e.g. \"raw\"), got an integer");
  // "01" and "+1" are not how an integer is written back, so they do not count.
  static const char* const kPadded[] = {"01", "+1", "all", nullptr};
  const logagent_option padded = logagent::option("acks", LOGAGENT_OPTION_STRING).choices(kPadded);
  auto doc = toml::parse("acks = 1");
  OptionValue v;
  EXPECT_EQ(convert_option(padded, doc.get("acks"), v), "expected a string, got an integer");
}

TEST(IntegerChoices, SecretNeverEchoed) {
  static const char* const kPins[] = {"1234", "5678", nullptr};
  const logagent_option pin = logagent::option("pin", LOGAGENT_OPTION_STRING).choices(kPins).secret();
  auto doc = toml::parse("ok = 1234\nbad = 1111");
  OptionValue v;
  EXPECT_EQ(convert_option(pin, doc.get("ok"), v), std::nullopt);
  EXPECT_EQ(v.text, "1234");
  EXPECT_EQ(convert_option(pin, doc.get("bad"), v), "expected one of \"1234\", \"5678\"");
}

}  // namespace
