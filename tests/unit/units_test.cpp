// Unit tests of durations ("250ms") and sizes ("64KiB") as users write them, and back.
#include "plugin/units.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

using logagent::core::format_duration;
using logagent::core::format_size;
using logagent::core::parse_duration_ns;
using logagent::core::parse_size_bytes;

namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;
constexpr int64_t kGiB = 1024 * kMiB;

TEST(Duration, EveryUnit) {
  EXPECT_EQ(parse_duration_ns("7ns"), 7);
  EXPECT_EQ(parse_duration_ns("10us"), 10'000);
  EXPECT_EQ(parse_duration_ns("250ms"), 250'000'000);
  EXPECT_EQ(parse_duration_ns("5s"), 5 * kSecond);
  EXPECT_EQ(parse_duration_ns("1m"), 60 * kSecond);
  EXPECT_EQ(parse_duration_ns("2h"), 7200 * kSecond);
}

TEST(Duration, UnitsAreCaseInsensitive) {
  EXPECT_EQ(parse_duration_ns("250MS"), 250'000'000);
  EXPECT_EQ(parse_duration_ns("5S"), 5 * kSecond);
  EXPECT_EQ(parse_duration_ns("3Us"), 3'000);
}

TEST(Duration, BareNumberIsSeconds) {
  EXPECT_EQ(parse_duration_ns("3"), 3 * kSecond);
  EXPECT_EQ(parse_duration_ns("0"), 0);
  EXPECT_EQ(parse_duration_ns("0.5"), 500'000'000);
}

TEST(Duration, Fractions) {
  EXPECT_EQ(parse_duration_ns("1.5s"), 1'500'000'000);
  EXPECT_EQ(parse_duration_ns("0.25ms"), 250'000);
  EXPECT_EQ(parse_duration_ns("0.1s"), 100'000'000);
  EXPECT_EQ(parse_duration_ns("1.1s"), 1'100'000'000);
  EXPECT_EQ(parse_duration_ns("1.5m"), 90 * kSecond);
  EXPECT_EQ(parse_duration_ns(".5s"), 500'000'000);
}

TEST(Duration, Whitespace) {
  EXPECT_EQ(parse_duration_ns("  5s  "), 5 * kSecond);
  EXPECT_EQ(parse_duration_ns("5 s"), 5 * kSecond);
  EXPECT_EQ(parse_duration_ns("\t100ms\n"), 100'000'000);
}

TEST(Duration, Garbage) {
  EXPECT_EQ(parse_duration_ns(""), std::nullopt);
  EXPECT_EQ(parse_duration_ns("   "), std::nullopt);
  EXPECT_EQ(parse_duration_ns("s"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("ms"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("soon"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("5x"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("5 seconds"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("1d"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("-5s"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("+5s"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("1e3s"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("1.2.3s"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("."), std::nullopt);
  EXPECT_EQ(parse_duration_ns("5 5s"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("5s5"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("1KiB"), std::nullopt);  // a size is not a duration
}

TEST(Duration, Overflow) {
  EXPECT_EQ(parse_duration_ns("9000000000s"), int64_t{9'000'000'000} * kSecond);
  EXPECT_EQ(parse_duration_ns("9300000000s"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("10000000000h"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("99999999999999999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_duration_ns("9223372036854775807ns"), std::nullopt);  // rounds past INT64_MAX as a double
}

TEST(Size, EveryUnit) {
  EXPECT_EQ(parse_size_bytes("100B"), 100);
  EXPECT_EQ(parse_size_bytes("64K"), 64 * kKiB);
  EXPECT_EQ(parse_size_bytes("64KB"), 64 * kKiB);
  EXPECT_EQ(parse_size_bytes("64KiB"), 64 * kKiB);
  EXPECT_EQ(parse_size_bytes("1M"), kMiB);
  EXPECT_EQ(parse_size_bytes("1MB"), kMiB);
  EXPECT_EQ(parse_size_bytes("1MiB"), kMiB);
  EXPECT_EQ(parse_size_bytes("2G"), 2 * kGiB);
  EXPECT_EQ(parse_size_bytes("2GB"), 2 * kGiB);
  EXPECT_EQ(parse_size_bytes("2GiB"), 2 * kGiB);
}

TEST(Size, UnitsAreCaseInsensitive) {
  EXPECT_EQ(parse_size_bytes("100b"), 100);
  EXPECT_EQ(parse_size_bytes("64kib"), 64 * kKiB);
  EXPECT_EQ(parse_size_bytes("64KIB"), 64 * kKiB);
  EXPECT_EQ(parse_size_bytes("8mb"), 8 * kMiB);
  EXPECT_EQ(parse_size_bytes("1gIb"), kGiB);
}

TEST(Size, BareNumberIsBytes) {
  EXPECT_EQ(parse_size_bytes("512"), 512);
  EXPECT_EQ(parse_size_bytes("0"), 0);
  EXPECT_EQ(parse_size_bytes("1048576"), kMiB);
}

TEST(Size, Fractions) {
  EXPECT_EQ(parse_size_bytes("1.5KiB"), 1536);
  EXPECT_EQ(parse_size_bytes("0.5MiB"), 512 * kKiB);
  EXPECT_EQ(parse_size_bytes("0.25G"), 256 * kMiB);
}

TEST(Size, Whitespace) {
  EXPECT_EQ(parse_size_bytes(" 8MiB "), 8 * kMiB);
  EXPECT_EQ(parse_size_bytes("8 MiB"), 8 * kMiB);
  EXPECT_EQ(parse_size_bytes("8   MiB"), 8 * kMiB);
  EXPECT_EQ(parse_size_bytes("\n64KiB\t"), 64 * kKiB);
}

TEST(Size, Garbage) {
  EXPECT_EQ(parse_size_bytes(""), std::nullopt);
  EXPECT_EQ(parse_size_bytes("KiB"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("12 parsecs"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("1TiB"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("1Ki"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("1 KiB B"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("-1"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("-1KiB"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("0x10"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("1,024"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("5s"), std::nullopt);  // a duration is not a size
}

TEST(Size, Overflow) {
  EXPECT_EQ(parse_size_bytes("8000000000GiB"), int64_t{8'000'000'000} * kGiB);
  EXPECT_EQ(parse_size_bytes("8589934592GiB"), std::nullopt);  // 2^63 bytes
  EXPECT_EQ(parse_size_bytes("9223372036854775807"), std::nullopt);
  EXPECT_EQ(parse_size_bytes("100000000000000000000000"), std::nullopt);
}

// Written back for messages ("must be at least 1KiB, got 512B"): the largest exact unit.
TEST(Format, Durations) {
  EXPECT_EQ(format_duration(0), "0ns");
  EXPECT_EQ(format_duration(7), "7ns");
  EXPECT_EQ(format_duration(10'000), "10us");
  EXPECT_EQ(format_duration(1'500'000'000), "1500ms");
  EXPECT_EQ(format_duration(5 * kSecond), "5s");
  EXPECT_EQ(format_duration(90 * kSecond), "90s");
  EXPECT_EQ(format_duration(120 * kSecond), "2m");
  EXPECT_EQ(format_duration(7200 * kSecond), "2h");
  EXPECT_EQ(format_duration(1'000'000'001), "1000000001ns");
}

TEST(Format, Sizes) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(512), "512B");
  EXPECT_EQ(format_size(1536), "1536B");
  EXPECT_EQ(format_size(kKiB), "1KiB");
  EXPECT_EQ(format_size(3 * kMiB), "3MiB");
  EXPECT_EQ(format_size(2 * kGiB), "2GiB");
  EXPECT_EQ(format_size(kGiB + kMiB), "1025MiB");
}

TEST(Format, ParsesBackToTheValue) {
  for (int64_t ns : {int64_t{1}, int64_t{999}, int64_t{250'000'000}, 61 * kSecond, 3 * 3600 * kSecond})
    EXPECT_EQ(parse_duration_ns(format_duration(ns)), ns) << ns;
  for (int64_t bytes : {int64_t{1}, int64_t{1023}, 64 * kKiB, 5 * kMiB + kKiB, 7 * kGiB})
    EXPECT_EQ(parse_size_bytes(format_size(bytes)), bytes) << bytes;
}

}  // namespace
