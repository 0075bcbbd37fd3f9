// Unit tests of compare_event: what a [[tests.expect]] finds different in one event, line by line.
#include "pipeline/event_expectation.hpp"
#include "config/pipeline_tests.hpp"
#include "event/batch.hpp"
#include "event/key_registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace logagent::core;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

namespace {

logagent_value string_value(std::string_view s) {
  logagent_value v{};
  v.type = LOGAGENT_VALUE_STRING;
  v.as.string = logagent_str{s.data(), s.size()};
  return v;
}

logagent_value int_value(int64_t n) {
  logagent_value v{};
  v.type = LOGAGENT_VALUE_INT;
  v.as.integer = n;
  return v;
}

logagent_value container(uint32_t type) {
  logagent_value v{};
  v.type = type;
  return v;
}

ExpectedValue expect_string(std::string s) {
  ExpectedValue v;
  v.type = ExpectedValue::Type::String;
  v.text = std::move(s);
  return v;
}

ExpectedValue expect_int(int64_t n) {
  ExpectedValue v;
  v.type = ExpectedValue::Type::Int;
  v.integer = n;
  return v;
}

ExpectedValue expect_table(std::vector<std::pair<std::string, ExpectedValue>> members) {
  ExpectedValue v;
  v.type = ExpectedValue::Type::Table;
  for (auto& [key, value] : members) {
    v.keys.push_back(key);
    v.items.push_back(std::move(value));
  }
  return v;
}

ExpectedValue expect_array(std::vector<ExpectedValue> items) {
  ExpectedValue v;
  v.type = ExpectedValue::Type::Array;
  v.items = std::move(items);
  return v;
}

// One event at 2026-12-01T10:00:00Z: status = 200, request = { method = "GET", path = "/" },
// tags = ["a", "b"].
class OneEvent : public ::testing::Test {
 protected:
  OneEvent() : batch_(keys_) {
    batch_.reset("app", Batch::Limits{});
    event_ = batch_.append(1'796'119'200'000'000'000);
    batch_.set_named(event_, "status", int_value(200), 0);
    const uint32_t request = batch_.set_named(event_, "request", container(LOGAGENT_VALUE_MAP), 0);
    batch_.append_child_named(request, "method", string_value("GET"), 0);
    batch_.append_child_named(request, "path", string_value("/"), 0);
    const uint32_t tags = batch_.set_named(event_, "tags", container(LOGAGENT_VALUE_ARRAY), 0);
    batch_.append_child(tags, LOGAGENT_NO_KEY, string_value("a"), 0);
    batch_.append_child(tags, LOGAGENT_NO_KEY, string_value("b"), 0);
  }

  std::vector<std::string> differences(const TestExpectation& e) {
    std::vector<std::string> out;
    compare_event(batch_, event_, e, out);
    return out;
  }

  static TestExpectation fields(std::vector<std::pair<std::string, ExpectedValue>> members) {
    TestExpectation e;
    for (auto& [name, value] : members) {
      e.field_names.push_back(name);
      e.field_values.push_back(std::move(value));
    }
    return e;
  }

  KeyRegistry keys_;
  Batch batch_;
  uint32_t event_ = 0;
};

TEST_F(OneEvent, EqualValuesOfTheSameTypeMatch) {
  EXPECT_THAT(differences(fields({{"status", expect_int(200)},
                                  {"tags", expect_array({expect_string("a"), expect_string("b")})},
                                  {"@timestamp", expect_string("2026-12-01T10:00:00.000000Z")}})),
              IsEmpty());
}

TEST_F(OneEvent, AStringIsNotAnInteger) {
  EXPECT_THAT(differences(fields({{"status", expect_string("200")}})),
              ElementsAre("field \"status\": expected \"200\", got 200"));
}

TEST_F(OneEvent, ATableMatchesByTheKeysItGivesAndNamesTheNestedField) {
  EXPECT_THAT(differences(fields({{"request", expect_table({{"method", expect_string("GET")}})}})), IsEmpty());
  EXPECT_THAT(differences(fields(
                  {{"request", expect_table({{"method", expect_string("POST")}, {"query", expect_string("q")}})}})),
              ElementsAre("field \"request.method\": expected \"POST\", got \"GET\"",
                          "field \"request.query\": expected \"q\", got no such field"));
  EXPECT_THAT(differences(fields({{"status", expect_table({{"code", expect_int(200)}})}})),
              ElementsAre("field \"status\": expected {\"code\":200}, got 200"));
}

TEST_F(OneEvent, AnArrayMatchesOnlyWithEveryElement) {
  EXPECT_THAT(differences(fields({{"tags", expect_array({expect_string("a")})}})),
              ElementsAre("field \"tags\": expected [\"a\"], got [\"a\",\"b\"]"));
}

TEST_F(OneEvent, TheTimestampIsTheEventsTime) {
  EXPECT_THAT(differences(fields({{"@timestamp", expect_string("2026-12-01T10:00:01.000000Z")}})),
              ElementsAre("field \"@timestamp\": expected \"2026-12-01T10:00:01.000000Z\", got "
                          "\"2026-12-01T10:00:00.000000Z\""));
}

TEST_F(OneEvent, ExistsAndAbsent) {
  TestExpectation e;
  e.exists = {"@timestamp", "status", "agent"};
  e.absent = {"_error", "request", "@timestamp"};
  EXPECT_THAT(differences(e),
              ElementsAre("field \"agent\": expected to exist, got no such field",
                          "field \"request\": expected no such field, got {\"method\":\"GET\",\"path\":\"/\"}",
                          "field \"@timestamp\": expected no such field, got \"2026-12-01T10:00:00.000000Z\""));
}

}  // namespace
