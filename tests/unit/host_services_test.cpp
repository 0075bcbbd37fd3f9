// Unit tests of the host services as a plugin sees them through the C++ wrapper: reading
// the validated configuration, and interning keys when the registry is full.
#include "config/pipeline_config.hpp"
#include "event/key_registry.hpp"
#include "pipeline/host_table.hpp"
#include "pipeline/plugin_instance.hpp"

#include <logagent/plugin.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using logagent::core::ComponentConfig;
using logagent::core::OptionValue;

OptionValue value_of(uint32_t type) {
  OptionValue v;
  v.type = type;
  return v;
}

class ConfigGetters : public ::testing::Test {
 protected:
  void SetUp() override {
    OptionValue text = value_of(LOGAGENT_OPTION_STRING);
    text.text = "json";
    OptionValue count = value_of(LOGAGENT_OPTION_INT);
    count.integer = -42;
    OptionValue delay = value_of(LOGAGENT_OPTION_DURATION);
    delay.integer = 250'000'000;
    OptionValue ratio = value_of(LOGAGENT_OPTION_FLOAT);
    ratio.real = 0.25;
    OptionValue flag = value_of(LOGAGENT_OPTION_BOOL);
    flag.boolean = true;
    OptionValue paths = value_of(LOGAGENT_OPTION_STRING_LIST);
    paths.items = {{"", "/var/log/a.log"}, {"", "/var/log/b.log"}};
    OptionValue types = value_of(LOGAGENT_OPTION_STRING_TABLE);
    types.items = {{"status", "int"}, {"size", "int"}};
    component.options = {{"format", text}, {"count", count}, {"delay", delay}, {"ratio", ratio},
                         {"flag", flag},   {"paths", paths}, {"types", types}};
    raw.component = &component;
  }

  logagent::Config config() const { return logagent::Config(logagent::core::host_table(), &raw); }

  ComponentConfig component;
  logagent_config raw{};
};

TEST_F(ConfigGetters, EachTypeReadsBack) {
  const logagent::Config c = config();
  EXPECT_EQ(c.get_string("format"), "json");
  EXPECT_EQ(c.get_int("count"), -42);
  EXPECT_EQ(c.get_duration_ns("delay"), 250'000'000);
  EXPECT_DOUBLE_EQ(c.get_float("ratio"), 0.25);
  EXPECT_TRUE(c.get_bool("flag"));
  EXPECT_EQ(c.get_list("paths"), (std::vector<std::string>{"/var/log/a.log", "/var/log/b.log"}));
  EXPECT_EQ(c.get_table("types"),
            (std::vector<std::pair<std::string, std::string>>{{"status", "int"}, {"size", "int"}}));
}

TEST_F(ConfigGetters, AbsentOptionsGiveTheFallback) {
  const logagent::Config c = config();
  EXPECT_FALSE(c.has("nope"));
  EXPECT_EQ(c.get_string("nope", "dflt"), "dflt");
  EXPECT_EQ(c.get_int("nope", 7), 7);
  EXPECT_TRUE(c.get_list("nope").empty());
}

// A getter that does not match the option's declared type must not read another member of
// the value's union (a string's pointer as an integer, an integer as a pointer).
TEST_F(ConfigGetters, AGetterOfAnotherTypeGivesTheFallback) {
  const logagent::Config c = config();
  EXPECT_EQ(c.get_string("count", "fallback"), "fallback");
  EXPECT_EQ(c.get_int("format", 9), 9);
  EXPECT_DOUBLE_EQ(c.get_float("count", 1.5), 1.5);
  EXPECT_FALSE(c.get_bool("format", false));
  EXPECT_TRUE(c.get_list("types").empty());
  EXPECT_TRUE(c.get_table("paths").empty());
}

TEST(InternKey, AFullRegistryGivesNoKeyInsteadOfThrowing) {
  logagent::core::KeyRegistry keys;
  logagent_context ctx;
  ctx.label = "filters[0] (type \"test\")";
  ctx.keys = &keys;
  const logagent_host* host = logagent::core::host_table();
  auto intern = [&](const std::string& name) { return host->intern_key(&ctx, logagent_str{name.data(), name.size()}); };
  const logagent_key first = intern("message");
  EXPECT_NE(first, LOGAGENT_NO_KEY);
  logagent_key last = first;
  for (uint32_t i = 0; last != LOGAGENT_NO_KEY && i < logagent::core::KeyRegistry::kCapacity; ++i)
    last = intern("field_" + std::to_string(i));
  EXPECT_EQ(last, LOGAGENT_NO_KEY);
  EXPECT_EQ(intern("message"), first);  // known names still resolve
}

}  // namespace
