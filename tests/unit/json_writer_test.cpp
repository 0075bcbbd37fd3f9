// Unit tests of the SDK's JSON writer: exact bytes for escaping, UTF-8 repair, numbers, timestamps.
#include <logagent/json_writer.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

namespace json = logagent::json;
using namespace std::string_literals;

namespace {

std::string encode(std::string_view bytes) {
  std::string out;
  json::append_string(out, bytes);
  return out;
}

std::string encode_float(double value) {
  std::string out;
  json::append_float(out, value);
  return out;
}

std::string encode_int(int64_t value) {
  std::string out;
  json::append_int(out, value);
  return out;
}

std::string timestamp(int64_t ns) {
  json::TimestampFormatter formatter;
  std::string out;
  formatter.append(out, ns);
  return out;
}

// '"' + body + '"'. Built by append: GCC 12 at -O3 warns falsely (-Wrestrict) inside
// operator+ when it prepends to a temporary ("\"" + replaced(1)).
std::string in_quotes(std::string_view body) {
  std::string out;
  out.reserve(body.size() + 2);
  out += '"';
  out += body;
  out += '"';
  return out;
}

constexpr std::string_view kFffd = "\xEF\xBF\xBD";

std::string replaced(int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += kFffd;
  return out;
}

// ---- plain strings and escapes --------------------------------------------------------------

TEST(JsonString, EmptyString) { EXPECT_EQ(encode(""), R"("")"); }

TEST(JsonString, PlainAsciiIsCopied) { EXPECT_EQ(encode("hello world"), R"("hello world")"); }

TEST(JsonString, AppendsToExistingContent) {
  std::string out = "{\"a\":";
  json::append_string(out, "b");
  EXPECT_EQ(out, R"({"a":"b")");
}

TEST(JsonString, QuoteAndBackslash) {
  EXPECT_EQ(encode(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(encode(R"(C:\temp\)"), R"("C:\\temp\\")");
  EXPECT_EQ(encode(R"(\")"), R"("\\\"")");
}

TEST(JsonString, SlashIsNotEscaped) { EXPECT_EQ(encode("a/b"), R"("a/b")"); }

TEST(JsonString, ShortEscapes) {
  EXPECT_EQ(encode("\b"), R"("\b")");
  EXPECT_EQ(encode("\f"), R"("\f")");
  EXPECT_EQ(encode("\n"), R"("\n")");
  EXPECT_EQ(encode("\r"), R"("\r")");
  EXPECT_EQ(encode("\t"), R"("\t")");
  EXPECT_EQ(encode("a\tb\r\nc"), R"("a\tb\r\nc")");
}

TEST(JsonString, NulIsEscapedNotTruncated) { EXPECT_EQ(encode("a\0b"s), R"("a\u0000b")"); }

TEST(JsonString, EveryOtherControlCharacterUsesLowercaseUnicodeEscape) {
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') continue;
    char expected[16];
    std::snprintf(expected, sizeof expected, "\"\\u%04x\"", c);
    EXPECT_EQ(encode(std::string(1, static_cast<char>(c))), expected) << "byte " << c;
  }
  EXPECT_EQ(encode("\x1b[31m"), R"("\u001b[31m")");
  EXPECT_EQ(encode("\x1f"), R"("\u001f")");
}

TEST(JsonString, DelIsEscaped) { EXPECT_EQ(encode("a\x7f"), R"("a\u007f")"); }

TEST(JsonString, PrintableAsciiIsVerbatim) {
  std::string all;
  for (int c = 0x20; c < 0x7F; ++c) {
    if (c != '"' && c != '\\') all.push_back(static_cast<char>(c));
  }
  EXPECT_EQ(encode(all), in_quotes(all));
}

// ---- the 16-byte vector and 8-byte word paths ---------------------------------------------------------------

TEST(JsonString, OneEscapeAtEveryPositionOfTwoWords) {
  for (size_t position = 0; position < 16; ++position) {
    for (const auto& [byte, escaped] : {std::pair{'"', R"(\")"s}, std::pair{'\n', R"(\n)"s},
                                        std::pair{'\x01', R"(\u0001)"s}, std::pair{'\x7f', R"(\u007f)"s}}) {
      std::string input(16, 'x');
      input[position] = byte;
      const std::string expected = in_quotes(std::string(position, 'x') + escaped + std::string(15 - position, 'x'));
      EXPECT_EQ(encode(input), expected) << "position " << position << " byte " << int(byte);
    }
  }
}

TEST(JsonString, MultibyteAtEveryPositionOfTwoWords) {
  for (size_t position = 0; position < 15; ++position) {
    std::string input(16, 'x');
    input.replace(position, 2, "\xC3\xA9");  // é
    EXPECT_EQ(encode(input), in_quotes(input)) << "position " << position;
    std::string invalid(16, 'x');
    invalid[position] = '\xFF';
    EXPECT_EQ(encode(invalid),
              in_quotes(std::string(position, 'x') + std::string(kFffd) + std::string(15 - position, 'x')))
        << "position " << position;
  }
}

TEST(JsonString, LongAsciiWithOneEscapeInTheMiddle) {
  const std::string half(100, 'a');
  EXPECT_EQ(encode(half + "\"" + half), in_quotes(half + "\\\"" + half));
  EXPECT_EQ(encode(half + "\\" + half), in_quotes(half + "\\\\" + half));
  EXPECT_EQ(encode(half + "\x02" + half), in_quotes(half + "\\u0002" + half));
}

TEST(JsonString, EveryLengthAroundTheWordSize) {
  for (size_t length = 0; length <= 25; ++length) {
    const std::string input(length, 'z');
    EXPECT_EQ(encode(input), in_quotes(input)) << "length " << length;
    EXPECT_EQ(encode(input + "\t"), in_quotes(input + "\\t")) << "length " << length;
  }
}

// Every byte value at every position of a 40-byte string: the 16-byte vector path (two
// blocks), the 8-byte word path and the byte-at-a-time tail all see every kind of byte.
// A lone byte >= 0x80 is never valid UTF-8, so it becomes U+FFFD.
TEST(JsonString, EveryByteAtEveryPositionOfVectorWordAndTail) {
  auto expected_for = [](unsigned char c) -> std::string {
    switch (c) {
      case '"':
        return R"(\")";
      case '\\':
        return R"(\\)";
      case '\b':
        return R"(\b)";
      case '\f':
        return R"(\f)";
      case '\n':
        return R"(\n)";
      case '\r':
        return R"(\r)";
      case '\t':
        return R"(\t)";
    }
    if (c < 0x20 || c == 0x7F) {
      char text[7];
      std::snprintf(text, sizeof text, "\\u%04x", c);
      return text;
    }
    if (c >= 0x80) return std::string(kFffd);
    return std::string(1, static_cast<char>(c));
  };
  constexpr size_t kLength = 40;
  for (size_t position = 0; position < kLength; ++position) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string input(kLength, 'q');
      input[position] = static_cast<char>(byte);
      const std::string expected =
          in_quotes(std::string(position, 'q') + expected_for(static_cast<unsigned char>(byte)) +
                    std::string(kLength - 1 - position, 'q'));
      ASSERT_EQ(encode(input), expected) << "position " << position << " byte " << byte;
    }
  }
}

TEST(JsonString, EscapesInARowAndEveryByteOfAWord) {
  EXPECT_EQ(encode("\"\"\"\"\"\"\"\"\"\""), R"("\"\"\"\"\"\"\"\"\"\"")");
  EXPECT_EQ(encode("\n\n\n\n\n\n\n\n"), R"("\n\n\n\n\n\n\n\n")");
}

// A borrow from a control byte can set the flag of a higher byte in the same word; the
// encoder must still copy that higher byte verbatim.
TEST(JsonString, BytesAfterAControlCharacterInTheSameWord) {
  EXPECT_EQ(encode("\x01!abcdef"), R"("\u0001!abcdef")");
  EXPECT_EQ(encode("\x00\x20\x21xxxxx"s), R"("\u0000 !xxxxx")");
  EXPECT_EQ(encode("x\x1f\x20\x5b\x5c\x5d\x22\x23"), R"("x\u001f [\\]\"#")");
}

// ---- valid UTF-8 ------------------------------------------------------------------------

TEST(JsonString, ValidUtf8IsCopiedUnchanged) {
  EXPECT_EQ(encode("\xC3\xA9"), "\"\xC3\xA9\"");                  // é, 2 bytes
  EXPECT_EQ(encode("\xC2\x80"), "\"\xC2\x80\"");                  // U+0080, smallest 2-byte
  EXPECT_EQ(encode("\xDF\xBF"), "\"\xDF\xBF\"");                  // U+07FF
  EXPECT_EQ(encode("\xE2\x82\xAC"), "\"\xE2\x82\xAC\"");          // €, 3 bytes
  EXPECT_EQ(encode("\xE0\xA0\x80"), "\"\xE0\xA0\x80\"");          // U+0800, smallest 3-byte
  EXPECT_EQ(encode("\xED\x9F\xBF"), "\"\xED\x9F\xBF\"");          // U+D7FF, below the surrogates
  EXPECT_EQ(encode("\xEE\x80\x80"), "\"\xEE\x80\x80\"");          // U+E000, above the surrogates
  EXPECT_EQ(encode("\xEF\xBF\xBF"), "\"\xEF\xBF\xBF\"");          // U+FFFF
  EXPECT_EQ(encode("\xEF\xBF\xBD"), "\"\xEF\xBF\xBD\"");          // U+FFFD itself
  EXPECT_EQ(encode("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");  // 😀, 4 bytes
  EXPECT_EQ(encode("\xF0\x90\x80\x80"), "\"\xF0\x90\x80\x80\"");  // U+10000, smallest 4-byte
  EXPECT_EQ(encode("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF, the largest
  EXPECT_EQ(encode("\xE2\x80\xA8"), "\"\xE2\x80\xA8\"");          // U+2028 is valid JSON as-is
}

TEST(JsonString, MixedUtf8AndEscapes) {
  EXPECT_EQ(encode("caf\xC3\xA9 \"\xE2\x82\xAC\"\n\xF0\x9F\x98\x80"),
            "\"caf\xC3\xA9 \\\"\xE2\x82\xAC\\\"\\n\xF0\x9F\x98\x80\"");
}

// ---- invalid UTF-8: one U+FFFD per maximal subpart -----------------------------------------

TEST(JsonString, StrayContinuationBytes) {
  EXPECT_EQ(encode("\x80"), in_quotes(replaced(1)));
  EXPECT_EQ(encode("\xBF"), in_quotes(replaced(1)));
  EXPECT_EQ(encode("a\x80\x80z"), "\"a" + replaced(2) + "z\"");
  EXPECT_EQ(encode("\xC3\xA9\xA9"), "\"\xC3\xA9" + replaced(1) + "\"");  // one too many
}

TEST(JsonString, BytesThatNeverStartASequence) {
  EXPECT_EQ(encode("\xC0"), in_quotes(replaced(1)));
  EXPECT_EQ(encode("\xC1"), in_quotes(replaced(1)));
  for (int b = 0xF5; b <= 0xFF; ++b) {
    EXPECT_EQ(encode(std::string{static_cast<char>(b), 'a'}), in_quotes(replaced(1) + "a")) << "byte " << b;
  }
  // F5 80 80 80 would be above U+10FFFF: lead and continuations each get their own.
  EXPECT_EQ(encode("\xF5\x80\x80\x80"), in_quotes(replaced(4)));
}

TEST(JsonString, TruncatedSequences) {
  EXPECT_EQ(encode("\xC3"), in_quotes(replaced(1)));
  EXPECT_EQ(encode("\xE2\x82"), in_quotes(replaced(1)));
  EXPECT_EQ(encode("\xE2"), in_quotes(replaced(1)));
  EXPECT_EQ(encode("\xF0\x9F\x98"), in_quotes(replaced(1)));
  EXPECT_EQ(encode("\xF0\x9F"), in_quotes(replaced(1)));
  // Interrupted by ASCII: the ASCII byte survives.
  EXPECT_EQ(encode("\xC3"
                   "A"),
            in_quotes(replaced(1) + "A"));
  EXPECT_EQ(encode("\xE2\x82"
                   "A"),
            in_quotes(replaced(1) + "A"));
  EXPECT_EQ(encode("\xF0\x9F\x98"
                   "\""),
            in_quotes(replaced(1) + "\\\""));
  // Interrupted by another lead byte, which then starts a valid sequence.
  EXPECT_EQ(encode("\xE2\x82\xC3\xA9"), in_quotes(replaced(1) + "\xC3\xA9"));
  EXPECT_EQ(encode("\xF0\x9F\xF0\x9F\x98\x80"), in_quotes(replaced(1) + "\xF0\x9F\x98\x80"));
}

TEST(JsonString, Overlongs) {
  EXPECT_EQ(encode("\xC0\xAF"), in_quotes(replaced(2)));  // '/' in 2 bytes
  EXPECT_EQ(encode("\xC1\xBF"), in_quotes(replaced(2)));
  EXPECT_EQ(encode("\xE0\x80\xAF"), in_quotes(replaced(3)));      // '/' in 3 bytes
  EXPECT_EQ(encode("\xE0\x9F\xBF"), in_quotes(replaced(3)));      // U+07FF in 3 bytes
  EXPECT_EQ(encode("\xF0\x80\x80\xAF"), in_quotes(replaced(4)));  // '/' in 4 bytes
  EXPECT_EQ(encode("\xF0\x8F\xBF\xBF"), in_quotes(replaced(4)));  // U+FFFF in 4 bytes
}

TEST(JsonString, Surrogates) {
  EXPECT_EQ(encode("\xED\xA0\x80"), in_quotes(replaced(3)));  // U+D800
  EXPECT_EQ(encode("\xED\xBF\xBF"), in_quotes(replaced(3)));  // U+DFFF
  // A CESU-8 pair (U+D83D U+DE00) is two surrogates: six replacements.
  EXPECT_EQ(encode("\xED\xA0\xBD\xED\xB8\x80"), in_quotes(replaced(6)));
}

TEST(JsonString, AboveTheLastCodePoint) {
  EXPECT_EQ(encode("\xF4\x90\x80\x80"), in_quotes(replaced(4)));  // U+110000
  EXPECT_EQ(encode("\xF4\xBF\xBF\xBF"), in_quotes(replaced(4)));
}

TEST(JsonString, ReplacementKeepsTheNeighbours) {
  EXPECT_EQ(encode("ok \xFF ok \xE2\x82\xAC \xC0 end"),
            "\"ok " + replaced(1) + " ok \xE2\x82\xAC " + replaced(1) + " end\"");
}

TEST(JsonString, WhatwgReferenceSample) {
  // The example of the Unicode Standard's "U+FFFD Substitution of Maximal Subparts":
  // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 decodes to a FFFD FFFD FFFD b FFFD c FFFD FFFD d.
  EXPECT_EQ(encode("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "\"a" + replaced(3) + "b" + replaced(1) + "c" + replaced(2) + "d\"");
}

// ---- numbers and literals ---------------------------------------------------------------

TEST(JsonNumber, Integers) {
  EXPECT_EQ(encode_int(0), "0");
  EXPECT_EQ(encode_int(7), "7");
  EXPECT_EQ(encode_int(-42), "-42");
  EXPECT_EQ(encode_int(std::numeric_limits<int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(encode_int(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
}

TEST(JsonNumber, FloatsUseTheShortestRoundTripForm) {
  EXPECT_EQ(encode_float(1.5), "1.5");
  EXPECT_EQ(encode_float(-0.25), "-0.25");
  EXPECT_EQ(encode_float(0.1), "0.1");
  EXPECT_EQ(encode_float(1e300), "1e+300");
  EXPECT_EQ(encode_float(1e-7), "1e-07");
  EXPECT_EQ(encode_float(5e-324), "5e-324");
  EXPECT_EQ(encode_float(1.7976931348623157e308), "1.7976931348623157e+308");
}

TEST(JsonNumber, IntegralFloatsKeepAFractionSoTheyStayFloats) {
  EXPECT_EQ(encode_float(1.0), "1.0");
  EXPECT_EQ(encode_float(0.0), "0.0");
  EXPECT_EQ(encode_float(-0.0), "-0.0");
  EXPECT_EQ(encode_float(123456.0), "123456.0");
  EXPECT_EQ(encode_float(100000.0), "1e+05");  // shorter than "100000", and already not an integer
  EXPECT_EQ(encode_float(1e22), "1e+22");
}

TEST(JsonNumber, NonFiniteFloatsAreNull) {
  EXPECT_EQ(encode_float(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(encode_float(-std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(encode_float(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(encode_float(-std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonLiteral, BoolAndNull) {
  std::string out;
  json::append_bool(out, true);
  out += ',';
  json::append_bool(out, false);
  out += ',';
  json::append_null(out);
  EXPECT_EQ(out, "true,false,null");
}

TEST(JsonLiteral, CharIsAppendedAsItIs) {
  std::string out = "[";
  json::append_char(out, '"');
  json::append_char(out, '\0');
  json::append_char(out, '}');
  EXPECT_EQ(out, "[\"\0}"s);
}

// ---- timestamps -------------------------------------------------------------------------

constexpr int64_t kNs = 1'000'000'000;

TEST(JsonTimestamp, Epoch) { EXPECT_EQ(timestamp(0), "1970-01-01T00:00:00.000000Z"); }

TEST(JsonTimestamp, LeadingZerosInEveryField) {
  // 2001-02-03T04:05:06.000007Z
  EXPECT_EQ(timestamp(981173106 * kNs + 7'000), "2001-02-03T04:05:06.000007Z");
}

TEST(JsonTimestamp, TheExampleOfTheDocumentation) {
  EXPECT_EQ(timestamp(1795547035 * kNs + 123'456'000), "2026-11-24T19:03:55.123456Z");
}

TEST(JsonTimestamp, LeapDay) {
  EXPECT_EQ(timestamp(1709164800 * kNs), "2024-02-29T00:00:00.000000Z");
  EXPECT_EQ(timestamp(1709251199 * kNs + 999'999'000), "2024-02-29T23:59:59.999999Z");
  EXPECT_EQ(timestamp(1709251200 * kNs), "2024-03-01T00:00:00.000000Z");
  EXPECT_EQ(timestamp(951782400 * kNs), "2000-02-29T00:00:00.000000Z");   // divisible by 400
  EXPECT_EQ(timestamp(4107542400 * kNs), "2100-03-01T00:00:00.000000Z");  // 2100 is not leap
}

TEST(JsonTimestamp, EndOfYear) { EXPECT_EQ(timestamp(1735689599 * kNs), "2024-12-31T23:59:59.000000Z"); }

TEST(JsonTimestamp, NanosecondsAreTruncatedToMicroseconds) {
  EXPECT_EQ(timestamp(999), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(timestamp(1'999), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(timestamp(999'999'999), "1970-01-01T00:00:00.999999Z");
}

TEST(JsonTimestamp, BeforeTheEpochFloorsTowardsThePast) {
  EXPECT_EQ(timestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(timestamp(-1'000), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(timestamp(-1'001), "1969-12-31T23:59:59.999998Z");
  EXPECT_EQ(timestamp(-kNs), "1969-12-31T23:59:59.000000Z");
  EXPECT_EQ(timestamp(-86400 * kNs), "1969-12-31T00:00:00.000000Z");
  EXPECT_EQ(timestamp(-86401 * kNs), "1969-12-30T23:59:59.000000Z");
}

TEST(JsonTimestamp, TheWholeInt64Range) {
  EXPECT_EQ(timestamp(std::numeric_limits<int64_t>::min()), "1677-09-21T00:12:43.145224Z");
  EXPECT_EQ(timestamp(std::numeric_limits<int64_t>::max()), "2262-04-11T23:47:16.854775Z");
}

TEST(JsonTimestamp, TheCachedSecondFollowsTheClock) {
  json::TimestampFormatter formatter;
  std::string out;
  const int64_t base = 1795547035 * kNs;
  formatter.append(out, base + 1'000);
  out += ' ';
  formatter.append(out, base + 2'000);  // same second: from the cache
  out += ' ';
  formatter.append(out, base + kNs);  // next second
  out += ' ';
  formatter.append(out, base - kNs + 5'000);  // back in time
  out += ' ';
  formatter.append(out, base + 3'000);
  EXPECT_EQ(out,
            "2026-11-24T19:03:55.000001Z 2026-11-24T19:03:55.000002Z 2026-11-24T19:03:56.000000Z "
            "2026-11-24T19:03:54.000005Z 2026-11-24T19:03:55.000003Z");
}

TEST(JsonTimestamp, FormatWritesExactlyTheLength) {
  json::TimestampFormatter formatter;
  char text[json::TimestampFormatter::kLength + 1];
  text[json::TimestampFormatter::kLength] = '#';
  formatter.format(0, text);
  EXPECT_EQ(std::string_view(text, sizeof text), "1970-01-01T00:00:00.000000Z#");
}

}  // namespace

// append_padded_string reads whole 16-byte blocks past the end; it must write exactly what
// append_string writes, for every length and wherever the special bytes fall.
TEST(JsonPaddedString, WritesWhatAppendStringWritesForEveryLengthAndMix) {
  const std::string alphabet = "abc \"\\\n\x01\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\xc3";
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  for (size_t length = 0; length <= 5000; length += (length < 80 ? 1 : 197)) {
    for (int round = 0; round < 20; ++round) {
      std::string bytes;
      for (size_t k = 0; k < length; ++k) {
        bytes += next() % 4 == 0 ? alphabet[next() % alphabet.size()] : static_cast<char>('A' + next() % 26);
      }
      // Padding as a batch has it, with bytes that would be escaped if they were read as data.
      std::string padded = bytes + std::string(64, '"');
      std::string plain_out, padded_out, sse_out;
      json::append_string(plain_out, bytes);
      json::append_padded_string(padded_out, std::string_view(padded.data(), length));      // AVX2 where the CPU has it
      json::detail::append_string<true>(sse_out, std::string_view(padded.data(), length));  // the SSE2 path
      ASSERT_EQ(padded_out, plain_out) << "length " << length << " round " << round;
      ASSERT_EQ(sse_out, plain_out) << "length " << length << " round " << round;
    }
  }
}

TEST(JsonPaddedString, AnEmptyStringIsTwoQuotes) {
  const char padding[64] = {};
  std::string out;
  json::append_padded_string(out, std::string_view(padding, 0));
  EXPECT_EQ(out, "\"\"");
}

// A string longer than the 4 KiB stack buffer is appended in pieces; escapes at the seams.
TEST(JsonString, LongStringsWithEscapesAcrossTheBufferSeams) {
  std::string bytes;
  for (int k = 0; k < 3000; ++k) bytes += k % 7 == 0 ? "\"\x01" : "xy";
  std::string want = "\"";
  for (int k = 0; k < 3000; ++k) want += k % 7 == 0 ? "\\\"\\u0001" : "xy";
  want += "\"";
  EXPECT_EQ(encode(bytes), want);
}
