// Unit tests of the syslog input's stream framing and listen URLs
// (plugins/in_syslog/stream_framer.cpp, listen_address.cpp).
#include "listen_address.hpp"
#include "stream_framer.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using logagent::plugins::syslog_input::Frame;
using logagent::plugins::syslog_input::FrameIssue;
using logagent::plugins::syslog_input::ListenAddress;
using logagent::plugins::syslog_input::parse_listen_address;
using logagent::plugins::syslog_input::StreamFramer;
using logagent::plugins::syslog_input::to_url;
using logagent::plugins::syslog_input::Transport;

struct Cut {
  std::string text;
  bool truncated;
  FrameIssue issue;
  bool operator==(const Cut&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Cut& c) {
  return os << "{\"" << c.text << "\", truncated=" << c.truncated << ", issue=" << static_cast<int>(c.issue) << "}";
}

// Feeds `stream` to a framer in reads of `read_size` bytes, carrying what cut leaves over as a
// connection does, then ends the stream.
std::vector<Cut> frame(std::string_view stream, size_t max_message, size_t read_size, uint64_t* discarded = nullptr) {
  StreamFramer framer(max_message);
  std::vector<Cut> out;
  std::vector<Frame> frames;
  std::string carried;
  auto take = [&](std::string_view bytes) {
    for (const Frame& f : frames)
      out.push_back(Cut{std::string(bytes.substr(f.offset, f.length)), f.truncated, f.issue});
    frames.clear();
  };
  for (size_t at = 0; at < stream.size(); at += read_size) {
    std::string bytes = carried + std::string(stream.substr(at, read_size));
    const size_t used = framer.cut(bytes, frames);
    take(bytes);
    carried = bytes.substr(used);
    EXPECT_LE(carried.size(), max_message + StreamFramer::kMaxHeader);
  }
  framer.finish(carried, frames);
  take(carried);
  if (discarded != nullptr) *discarded = framer.discarded_bytes();
  return out;
}

Cut ok(std::string text) { return Cut{std::move(text), false, FrameIssue::none}; }

TEST(StreamFramer, NewlineFramingDropsLineEndingsAndEmptyLines) {
  const std::vector<Cut> expected = {ok("<13>one"), ok("<13>two"), ok("<13>three")};
  for (size_t read : {1, 2, 3, 7, 100}) {
    EXPECT_EQ(frame("<13>one\n<13>two\r\n\n<13>three\n", 1024, read), expected) << "reads of " << read;
  }
}

TEST(StreamFramer, ALastLineWithoutNewlineIsDeliveredWhole) {
  EXPECT_EQ(frame("<13>one\n<13>last", 1024, 4), (std::vector<Cut>{ok("<13>one"), ok("<13>last")}));
}

TEST(StreamFramer, OctetCountingCutsByLengthAndKeepsNewlinesInside) {
  const std::string stream = "7 <13>a\nb11 <13>a b c d5 <13>x";
  const std::vector<Cut> expected = {ok("<13>a\nb"), ok("<13>a b c d"), ok("<13>x")};
  for (size_t read : {1, 2, 5, 64}) EXPECT_EQ(frame(stream, 1024, read), expected) << "reads of " << read;
}

TEST(StreamFramer, OctetCountingSkipsNewlinesSendersPutBetweenFrames) {
  EXPECT_EQ(frame("4 <1>a\n4 <1>b\r\n", 1024, 3), (std::vector<Cut>{ok("<1>a"), ok("<1>b")}));
}

TEST(StreamFramer, TheFirstByteDecidesTheFraming) {
  // A newline-framed connection takes a later digit as text.
  EXPECT_EQ(frame("<13>a\n5 <1>b\n", 1024, 64), (std::vector<Cut>{ok("<13>a"), ok("5 <1>b")}));
}

TEST(StreamFramer, ABadOctetCountIsReadToTheNewlineAndMarked) {
  const std::vector<Cut> got = frame("4 <1>a12x <13>bad\n4 <1>b<13>nocount\n0 <1>z\n4 <1>c", 1024, 4);
  const std::vector<Cut> expected = {ok("<1>a"),
                                     Cut{"12x <13>bad", false, FrameIssue::bad_octet_count},
                                     ok("<1>b"),
                                     Cut{"<13>nocount", false, FrameIssue::bad_octet_count},
                                     Cut{"0 <1>z", false, FrameIssue::bad_octet_count},
                                     ok("<1>c")};
  EXPECT_EQ(got, expected);
}

TEST(StreamFramer, MoreThanTenDigitsIsNotAnOctetCount) {
  EXPECT_EQ(frame("12345678901 x\n3 abc", 64, 5),
            (std::vector<Cut>{Cut{"12345678901 x", false, FrameIssue::bad_octet_count}, ok("abc")}));
}

TEST(StreamFramer, AHugeOctetCountIsTruncatedAndItsRestSkippedUnbuffered) {
  std::string stream = "999999999 " + std::string(5000, 'x');
  uint64_t discarded = 0;
  // The connection ends long before 999999999 bytes: the first 100 are a frame, truncated.
  EXPECT_EQ(frame(stream, 100, 512, &discarded),
            (std::vector<Cut>{Cut{std::string(100, 'x'), true, FrameIssue::none}}));
  EXPECT_EQ(discarded, 4900u);
}

TEST(StreamFramer, AnOverlongOctetFrameIsFollowedByTheNextFrame) {
  const std::string stream = "17 <1>" + std::string(14, 'y') + "3 <2>";
  uint64_t discarded = 0;
  EXPECT_EQ(frame(stream, 10, 3, &discarded),
            (std::vector<Cut>{Cut{"<1>" + std::string(7, 'y'), true, FrameIssue::none}, ok("<2>")}));
  EXPECT_EQ(discarded, 7u);
}

TEST(StreamFramer, AnOverlongLineKeepsItsStartAndSkipsToTheNewline) {
  const std::string stream = "<13>" + std::string(50, 'z') + "\n<13>next\n";
  uint64_t discarded = 0;
  for (size_t read : {1, 7, 1000}) {
    EXPECT_EQ(frame(stream, 16, read, &discarded),
              (std::vector<Cut>{Cut{"<13>" + std::string(12, 'z'), true, FrameIssue::none}, ok("<13>next")}))
        << "reads of " << read;
    EXPECT_EQ(discarded, 38u);
  }
}

TEST(StreamFramer, ALineOfExactlyTheLimitIsWhole) {
  EXPECT_EQ(frame("abcd\nefgh\r\n", 4, 2), (std::vector<Cut>{ok("abcd"), ok("efgh")}));
}

TEST(StreamFramer, AConnectionClosedInsideAFrameDeliversWhatCameMarked) {
  EXPECT_EQ(frame("4 <1>a20 <13>partial", 1024, 3),
            (std::vector<Cut>{ok("<1>a"), Cut{"<13>partial", false, FrameIssue::closed_inside_frame}}));
  EXPECT_EQ(frame("4 <1>a20", 1024, 3),
            (std::vector<Cut>{ok("<1>a"), Cut{"20", false, FrameIssue::closed_inside_frame}}));
}

TEST(StreamFramer, RandomBytesNeverHoldMoreThanOneFrame) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789 \n\r<>ab";
  for (int round = 0; round < 300; ++round) {
    std::string stream;
    const size_t length = rng() % 400;
    for (size_t i = 0; i < length; ++i) stream += alphabet[rng() % alphabet.size()];
    // frame() checks the carried bytes stay bounded; every frame is within the limit.
    for (const Cut& c : frame(stream, 8, 1 + rng() % 9)) EXPECT_LE(c.text.size(), 8u) << stream;
  }
}

TEST(ListenAddress, ParsesEverySchemeAndDefaultsTheHostToLoopback) {
  ListenAddress a = parse_listen_address("udp://:5514");
  EXPECT_EQ(a.transport, Transport::udp);
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 5514);
  a = parse_listen_address("tcp://0.0.0.0:601");
  EXPECT_EQ(a.transport, Transport::tcp);
  EXPECT_EQ(a.host, "0.0.0.0");
  a = parse_listen_address("tcp://[::1]:0");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 0);
  EXPECT_EQ(to_url(a), "tcp://[::1]:0");
  a = parse_listen_address("unix:///run/log.sock");
  EXPECT_EQ(a.transport, Transport::unix_dgram);
  EXPECT_EQ(a.path, "/run/log.sock");
  EXPECT_EQ(to_url(a), "unix:///run/log.sock");
  a = parse_listen_address("unix-stream:///run/s.sock");
  EXPECT_EQ(a.transport, Transport::unix_stream);
  EXPECT_EQ(to_url(parse_listen_address("udp://localhost:9")), "udp://localhost:9");
}

TEST(ListenAddress, RefusesWhatIsNotAnAddressSayingWhatWasExpected) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://x:1", "expected udp://HOST:PORT, tcp://HOST:PORT, unix://PATH or unix-stream://PATH"},
      {"udp://127.0.0.1", "expected HOST:PORT"},
      {"udp://127.0.0.1:65536", "expected a port from 0 to 65535"},
      {"tcp://127.0.0.1:5x", "expected a port from 0 to 65535"},
      {"tcp://::1:514", "an IPv6 address is written in brackets"},
      {"tcp://[::1]514", "expected [IPv6-ADDRESS]:PORT"},
      {"tcp://[]:514", "expected an IPv6 address between the brackets"},
      {"unix://relative.sock", "expected an absolute path"},
  };
  for (const auto& [url, why] : cases) {
    try {
      parse_listen_address(url);
      ADD_FAILURE() << url << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << url << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
    }
  }
}

}  // namespace
