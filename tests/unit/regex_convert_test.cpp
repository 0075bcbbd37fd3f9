// Unit tests of the regex filter's capture types (plugins/filter_regex/convert.cpp).
#include "convert.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

namespace {

using logagent::plugins::regex_filter::capture_type_name;
using logagent::plugins::regex_filter::CaptureType;
using logagent::plugins::regex_filter::parse_capture_type;
using logagent::plugins::regex_filter::to_bool;
using logagent::plugins::regex_filter::to_float;
using logagent::plugins::regex_filter::to_int;

TEST(CaptureTypes, Names) {
  EXPECT_EQ(parse_capture_type("int"), CaptureType::integer);
  EXPECT_EQ(parse_capture_type("float"), CaptureType::real);
  EXPECT_EQ(parse_capture_type("bool"), CaptureType::boolean);
  EXPECT_EQ(parse_capture_type("string"), CaptureType::string);
  EXPECT_EQ(parse_capture_type("integer"), std::nullopt);
  EXPECT_EQ(parse_capture_type("Int"), std::nullopt);
  EXPECT_EQ(capture_type_name(CaptureType::integer), "int");
  EXPECT_EQ(capture_type_name(CaptureType::real), "float");
  EXPECT_EQ(capture_type_name(CaptureType::boolean), "bool");
  EXPECT_EQ(capture_type_name(CaptureType::string), "string");
}

TEST(CaptureTypes, Integers) {
  int64_t v = 7;
  EXPECT_TRUE(to_int("0", v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(to_int("-12", v));
  EXPECT_EQ(v, -12);
  EXPECT_TRUE(to_int("+12", v));
  EXPECT_EQ(v, 12);
  EXPECT_TRUE(to_int("9223372036854775807", v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(to_int("-9223372036854775808", v));
  EXPECT_EQ(v, INT64_MIN);
  v = 7;
  for (std::string_view bad : {"", "-", "+", "+-1", "9223372036854775808", "1.0", " 1", "1 ", "0x1f", "1e3", "-"}) {
    EXPECT_FALSE(to_int(bad, v)) << bad;
    EXPECT_EQ(v, 7) << bad;
  }
}

TEST(CaptureTypes, Floats) {
  double v = 7;
  EXPECT_TRUE(to_float("1.5", v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(to_float("-2e3", v));
  EXPECT_EQ(v, -2000);
  EXPECT_TRUE(to_float("+0.25", v));
  EXPECT_EQ(v, 0.25);
  EXPECT_TRUE(to_float("7", v));
  EXPECT_EQ(v, 7);
  v = 7;
  for (std::string_view bad : {"", "inf", "nan", "-inf", "1e999", "1,5", "1.5s", " 1", "+-1", "-"}) {
    EXPECT_FALSE(to_float(bad, v)) << bad;
    EXPECT_EQ(v, 7) << bad;
  }
}

TEST(CaptureTypes, Booleans) {
  bool v = false;
  EXPECT_TRUE(to_bool("true", v));
  EXPECT_TRUE(v);
  EXPECT_TRUE(to_bool("FALSE", v));
  EXPECT_FALSE(v);
  EXPECT_TRUE(to_bool("True", v));
  EXPECT_TRUE(v);
  for (std::string_view bad : {"", "1", "0", "yes", "truex", "tru"}) EXPECT_FALSE(to_bool(bad, v)) << bad;
}

}  // namespace
