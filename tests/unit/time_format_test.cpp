// Unit tests of the SDK's time parser (logagent/time_format.hpp): directives, zones, fractions, refusals.
#include <logagent/time_format.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using logagent::TimeFormat;

constexpr int64_t kSecond = 1'000'000'000;

std::optional<int64_t> parse(std::string_view format, std::string_view text) {
  std::string error;
  const std::optional<TimeFormat> f = TimeFormat::compile(format, error);
  if (!f) throw std::runtime_error("cannot compile " + std::string(format) + ": " + error);
  return f->parse(text);
}

std::string compile_error(std::string_view format) {
  std::string error;
  EXPECT_FALSE(TimeFormat::compile(format, error).has_value());
  return error;
}

TEST(TimeFormat, NginxTimeWithOffset) {
  // 2000-10-10T20:55:36Z
  EXPECT_EQ(parse("%d/%b/%Y:%H:%M:%S %z", "10/Oct/2000:13:55:36 -0700"), 971211336 * kSecond);
  EXPECT_EQ(parse("%d/%b/%Y:%H:%M:%S %z", "25/Nov/2026:06:35:00 +0000"), 1795588500 * kSecond);
}

TEST(TimeFormat, Epoch) { EXPECT_EQ(parse("%Y-%m-%dT%H:%M:%S", "1970-01-01T00:00:00"), 0); }

TEST(TimeFormat, IsoWithFractionAndZoneForms) {
  const int64_t base = 1704164645 * kSecond;  // 2024-01-02T03:04:05Z
  EXPECT_EQ(parse("%FT%T.%f%z", "2024-01-02T03:04:05.123456Z"), base + 123'456'000);
  EXPECT_EQ(parse("%FT%T.%f%z", "2024-01-02T03:04:05.1+00:00"), base + 100'000'000);
  EXPECT_EQ(parse("%FT%T.%f%z", "2024-01-02T05:04:05.123456789+0200"), base + 123'456'789);
  EXPECT_EQ(parse("%FT%T%z", "2024-01-01T22:34:05-04:30"), base);
  EXPECT_EQ(parse("%FT%T%z", "2024-01-02T04:04:05+01"), base);
  EXPECT_EQ(parse("%F %T,%f", "2024-01-02 03:04:05,5"), base + 500'000'000);
}

TEST(TimeFormat, ZoneNames) {
  const int64_t base = 1704164645 * kSecond;
  EXPECT_EQ(parse("%F %T %Z", "2024-01-02 03:04:05 UTC"), base);
  EXPECT_EQ(parse("%F %T %Z", "2024-01-02 03:04:05 GMT"), base);
  EXPECT_EQ(parse("%F %T%Z", "2024-01-02 03:04:05Z"), base);
  EXPECT_EQ(parse("%F %T %Z", "2024-01-02 03:04:05 CET"), std::nullopt);
}

TEST(TimeFormat, MonthNamesAnyCaseShortOrFull) {
  EXPECT_EQ(parse("%d %b %Y", "02 jan 2024"), 1704153600 * kSecond);
  EXPECT_EQ(parse("%d %B %Y", "02 January 2024"), 1704153600 * kSecond);
  EXPECT_EQ(parse("%d %b %Y", "02 JAN 2024"), 1704153600 * kSecond);
  EXPECT_EQ(parse("%d %b %Y", "02 Jab 2024"), std::nullopt);
}

TEST(TimeFormat, FewerDigitsThanTheWidth) {
  EXPECT_EQ(parse("%Y-%m-%d %H:%M:%S", "2024-1-2 3:4:5"), 1704164645 * kSecond);
}

TEST(TimeFormat, LeapDayAndLeapSecond) {
  EXPECT_EQ(parse("%F", "2024-02-29"), 1709164800 * kSecond);
  EXPECT_EQ(parse("%F", "2023-02-29"), std::nullopt);
  EXPECT_EQ(parse("%F", "1900-02-29"), std::nullopt);
  EXPECT_EQ(parse("%F", "2000-02-29"), 951782400 * kSecond);
  EXPECT_EQ(parse("%F %T", "2016-12-31 23:59:60"), 1483228800 * kSecond);
}

TEST(TimeFormat, BeforeTheEpoch) { EXPECT_EQ(parse("%F", "1969-12-31"), -86400 * kSecond); }

TEST(TimeFormat, RefusesWhatDoesNotFit) {
  EXPECT_EQ(parse("%F", "2024-01-02 trailing"), std::nullopt);
  EXPECT_EQ(parse("%F", "2024-01"), std::nullopt);
  EXPECT_EQ(parse("%F", ""), std::nullopt);
  EXPECT_EQ(parse("%F", "2024-13-01"), std::nullopt);
  EXPECT_EQ(parse("%F", "2024-00-01"), std::nullopt);
  EXPECT_EQ(parse("%F", "2024-04-31"), std::nullopt);
  EXPECT_EQ(parse("%T", "24:00:00"), std::nullopt);
  EXPECT_EQ(parse("%T", "23:60:00"), std::nullopt);
  EXPECT_EQ(parse("%T", "23:59:61"), std::nullopt);
  EXPECT_EQ(parse("%Y", "20245"), std::nullopt);  // five digits: the fifth is left over
  EXPECT_EQ(parse("%T%z", "01:02:03+2400"), std::nullopt);
  EXPECT_EQ(parse("%T%z", "01:02:03+0160"), std::nullopt);
  EXPECT_EQ(parse("%T%z", "01:02:03+1"), std::nullopt);
  EXPECT_EQ(parse("%T%z", "01:02:03"), std::nullopt);
  EXPECT_EQ(parse("%S.%f", "01."), std::nullopt);
  EXPECT_EQ(parse("%S.%f", "01.1234567891"), std::nullopt);  // ten digits: one left over
  EXPECT_EQ(parse("%%%Y", "%2024"), 1704067200 * kSecond);
  EXPECT_EQ(parse("%%%Y", "2024"), std::nullopt);
}

TEST(TimeFormat, CompileErrorsSayWhere) {
  EXPECT_EQ(compile_error("%Y-%q"), "unsupported directive %q at offset 3");
  EXPECT_EQ(compile_error("%Y%"), "a lone % at the end (write %% for a literal %)");
}

TEST(TimeFormat, KeepsItsFormatText) {
  std::string error;
  EXPECT_EQ(TimeFormat::compile("%d/%b/%Y", error)->format(), "%d/%b/%Y");
}

}  // namespace
