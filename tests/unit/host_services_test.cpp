// Unit tests of the host services as a plugin sees them through the C++ wrapper: reading
// the validated configuration, and interning keys when the registry is full.
#include "config/pipeline_config.hpp"
#include "event/batch.hpp"
#include "event/key_registry.hpp"
#include "pipeline/host_table.hpp"
#include "pipeline/plugin_instance.hpp"

#include <logagent/plugin.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
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

// What TOML wrote as numbers and booleans in a table reaches the plugin as the text a
// client library's property string would hold.
TEST(ConfigTable, ScalarsReadBackAsText) {
  auto doc = toml::parse(
      R"(rdkafka = { "linger.ms" = 5, "enable.ssl.certificate.verification" = false, "acks" = "all", "x" = 1.5 })");
  const logagent_option option = logagent::option("rdkafka", LOGAGENT_OPTION_STRING_TABLE);
  OptionValue table;
  ASSERT_EQ(logagent::core::convert_option(option, doc.get("rdkafka"), table), std::nullopt);
  ComponentConfig component;
  component.options.emplace("rdkafka", table);
  logagent_config raw{&component};
  const logagent::Config c(logagent::core::host_table(), &raw);
  EXPECT_EQ(c.get_table("rdkafka"),
            (std::vector<std::pair<std::string, std::string>>{
                {"acks", "all"}, {"enable.ssl.certificate.verification", "false"}, {"linger.ms", "5"}, {"x", "1.5"}}));
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

// A plugin built against a shorter field view (an older minor) must not have bytes written
// past its struct_size.
TEST(FieldRead, WritesNoMoreThanTheCallersStructSize) {
  logagent::core::KeyRegistry keys;
  logagent::core::Batch batch(keys);
  batch.reset("app", {});
  const logagent_key message = keys.intern("message");
  logagent_value v{};
  v.type = LOGAGENT_VALUE_STRING;
  v.as.string = {"hello", 5};
  const uint32_t f = batch.set(batch.append(0), message, v, 0);

  struct {
    logagent_field_view view;
    unsigned char guard[16];
  } out;
  std::memset(&out, 0xAB, sizeof out);
  out.view.struct_size = static_cast<uint32_t>(offsetof(logagent_field_view, value));  // key and name only
  logagent::core::host_table()->field_read(logagent::core::to_handle(&batch), f, &out.view);
  EXPECT_EQ(out.view.key, message);
  EXPECT_EQ(std::string(out.view.name.ptr, out.view.name.len), "message");
  const auto* value_bytes = reinterpret_cast<const unsigned char*>(&out.view.value);
  for (size_t i = 0; i < sizeof out.view.value; ++i) EXPECT_EQ(value_bytes[i], 0xAB) << i;
  for (unsigned char g : out.guard) EXPECT_EQ(g, 0xAB);

  logagent::BatchView view(logagent::core::host_table(), logagent::core::to_handle(&batch));
  EXPECT_EQ(view.read(f).value.as_string(), "hello");  // the wrapper's full-size view
}

TEST(MarkError, TheOneDocumentedWayAndASecondReasonIsAppended) {
  logagent::core::KeyRegistry keys;
  logagent::core::Batch core_batch(keys);
  core_batch.reset("app", {});
  const logagent_key error = keys.intern(LOGAGENT_ERROR_FIELD);
  logagent::Batch batch(logagent::core::host_table(), logagent::core::to_handle(&core_batch));
  const uint32_t e = batch.append(0);
  batch.mark_error(e, error, "regex: no match for pattern");
  EXPECT_EQ(batch.get_string(e, error), "regex: no match for pattern");
  batch.mark_error(e, error, "json: invalid JSON at byte 3");
  EXPECT_EQ(batch.get_string(e, error), "regex: no match for pattern; json: invalid JSON at byte 3");
  int count = 0;
  batch.for_each_field(e, [&](const logagent::FieldView&) { ++count; });
  EXPECT_EQ(count, 1);
}

TEST(OptionError, PointsTheErrorAtTheOption) {
  logagent_context ctx;
  const logagent_host* host = logagent::core::host_table();
  host->set_option_error(&ctx, logagent_str{"pattern", 7}, logagent_str{"missing )", 9});
  EXPECT_EQ(ctx.error, "missing )");
  EXPECT_EQ(ctx.error_option, "pattern");
  host->set_error(&ctx, logagent_str{"other", 5});
  EXPECT_EQ(ctx.error_option, "");
}

TEST(OptionError, AnItemOfATableIsNamedWhole) {
  // "TABLE.KEY", the key holding dots of its own: the core finds the item (option_position).
  logagent_context ctx;
  const std::string option = "rdkafka.linger.ms";
  logagent::core::host_table()->set_option_error(&ctx, logagent_str{option.data(), option.size()},
                                                 logagent_str{"must be at most 900000", 22});
  EXPECT_EQ(ctx.error_option, "rdkafka.linger.ms");
  EXPECT_EQ(ctx.error, "must be at most 900000");
}

TEST(State, OutsideAPipelineThereIsNoStateFolder) {
  logagent_context ctx;
  ctx.id = "tail.app";
  const logagent_host* host = logagent::core::host_table();
  logagent_str out{nullptr, 0};
  EXPECT_EQ(host->state_dir(&ctx, &out), LOGAGENT_ERROR);
  EXPECT_FALSE(ctx.error.empty());
  EXPECT_EQ(host->state_load(&ctx, &out), 0);
}

}  // namespace
