// Unit tests of the SDK's LineSplitter against a fake host table, reading from a real pipe.
#include <logagent/line_splitter.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---- a fake host: only what the splitter calls ---------------------------------------------

struct Event {
  std::string message;
  bool partial = false;
  bool truncated = false;
  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  os << '"' << e.message << '"';
  if (e.partial) os << " partial";
  if (e.truncated) os << " truncated";
  return os;
}

struct Emitted {
  uint64_t cookie;
  std::vector<Event> events;
};

struct FakeBatch {
  struct Field {
    const char* ptr = nullptr;
    size_t len = 0;
    bool partial = false;
    bool truncated = false;
  };
  std::vector<std::unique_ptr<char[]>> blocks;
  std::vector<std::pair<const char*, size_t>> ranges;
  size_t bytes = 0;
  std::vector<Field> events;

  bool owns(const char* p, size_t len) const {
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const auto& r) { return p >= r.first && p + len <= r.first + r.second; });
  }
};

class FakeHost {
 public:
  uint32_t max_events = 1000;
  size_t max_bytes = size_t{1} << 30;
  // What the input's cookie_for was told, in call order: (cookie it returned, end offset).
  std::vector<std::pair<uint64_t, uint64_t>> cookies;
  std::vector<Emitted> emitted;
  std::map<std::string, uint64_t> counters;
  int live_batches = 0;
  std::vector<std::string> faults;  // broken promises seen by the host

  FakeHost() {
    table_.struct_size = sizeof table_;
    table_.abi_major = LOGAGENT_ABI_MAJOR;
    table_.abi_minor = LOGAGENT_ABI_MINOR;
    table_.log = [](logagent_context*, int32_t, logagent_str) {};
    table_.intern_key = [](logagent_context* ctx, logagent_str name) -> logagent_key {
      auto& keys = self(ctx)->keys_;
      auto [it, added] = keys.try_emplace(std::string(name.ptr, name.len), static_cast<logagent_key>(keys.size() + 1));
      return it->second;
    };
    table_.counter = [](logagent_context* ctx, logagent_str name) {
      return reinterpret_cast<logagent_counter*>(&self(ctx)->counters[std::string(name.ptr, name.len)]);
    };
    table_.counter_add = [](logagent_counter* c, uint64_t delta) { *reinterpret_cast<uint64_t*>(c) += delta; };
    table_.batch_new = [](logagent_context* ctx) {
      ++self(ctx)->live_batches;
      return reinterpret_cast<logagent_batch*>(new FakeBatch);
    };
    table_.batch_alloc = [](logagent_batch* b, size_t size) {
      FakeBatch& batch = fake(b);
      batch.blocks.emplace_back(new char[size + LOGAGENT_BATCH_PADDING]);
      batch.ranges.emplace_back(batch.blocks.back().get(), size);
      batch.bytes += size;
      return batch.blocks.back().get();
    };
    table_.event_append = [](logagent_batch* b, int64_t) {
      fake(b).events.emplace_back();
      return static_cast<uint32_t>(fake(b).events.size() - 1);
    };
    table_.event_set = [](logagent_batch* b, uint32_t event, logagent_key key, const logagent_value* value,
                          uint32_t flags) -> logagent_field {
      FakeBatch& batch = fake(b);
      FakeBatch::Field& f = batch.events.at(event);
      FakeHost* host = current_;
      if (key == host->keys_.at("message")) {
        const logagent_str s = value->as.string;
        if ((flags & LOGAGENT_SET_BORROW) == 0) host->faults.push_back("message copied, not borrowed");
        if (s.len != 0 && !batch.owns(s.ptr, s.len)) host->faults.push_back("message outside the batch's memory");
        f.ptr = s.ptr;
        f.len = s.len;
      } else if (key == host->keys_.at("partial")) {
        f.partial = value->as.boolean != 0;
      } else if (key == host->keys_.at("truncated")) {
        f.truncated = value->as.boolean != 0;
      }
      return event + 1;
    };
    table_.batch_full = [](const logagent_batch* b) -> logagent_bool {
      const auto& batch = *reinterpret_cast<const FakeBatch*>(b);
      return batch.events.size() >= current_->max_events || batch.bytes >= current_->max_bytes;
    };
    table_.emit = [](logagent_context* ctx, logagent_batch* b, uint64_t cookie) {
      FakeHost* host = self(ctx);
      std::unique_ptr<FakeBatch> batch(&fake(b));
      --host->live_batches;
      if (batch->events.empty()) host->faults.push_back("empty batch emitted");
      if (host->cookies.size() != host->emitted.size() + 1 || host->cookies.back().first != cookie)
        host->faults.push_back("cookie_for not called just before emit");
      Emitted out{cookie, {}};
      for (const auto& f : batch->events)
        out.events.push_back(Event{std::string(f.ptr, f.len), f.partial, f.truncated});
      host->emitted.push_back(std::move(out));
      return LOGAGENT_OK;
    };
    table_.batch_discard = [](logagent_context* ctx, logagent_batch* b) {
      --self(ctx)->live_batches;
      delete &fake(b);
    };
    current_ = this;
  }
  ~FakeHost() { current_ = nullptr; }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  logagent::Host host() { return logagent::Host(&table_, reinterpret_cast<logagent_context*>(this)); }

  // Options whose cookie_for records the offsets and numbers batches 1, 2, ...
  logagent::LineSplitterOptions options(size_t max_line_bytes, logagent::LongLines mode = logagent::LongLines::Split,
                                        size_t read_size = 64 * 1024) {
    logagent::LineSplitterOptions o;
    o.max_line_bytes = max_line_bytes;
    o.long_lines = mode;
    o.read_size = read_size;
    o.cookie_for = [this](uint64_t end_offset) {
      const uint64_t cookie = cookies.size() + 1;
      cookies.emplace_back(cookie, end_offset);
      return cookie;
    };
    return o;
  }

  std::vector<Event> events() const {
    std::vector<Event> all;
    for (const auto& b : emitted) all.insert(all.end(), b.events.begin(), b.events.end());
    return all;
  }
  std::vector<uint64_t> batch_offsets() const {
    std::vector<uint64_t> out;
    for (const auto& c : cookies) out.push_back(c.second);
    return out;
  }

 private:
  static FakeHost* self(logagent_context* ctx) { return reinterpret_cast<FakeHost*>(ctx); }
  static FakeBatch& fake(logagent_batch* b) { return *reinterpret_cast<FakeBatch*>(b); }
  static inline FakeHost* current_ = nullptr;  // for calls that get a batch, not a context

  logagent_host table_{};
  std::map<std::string, logagent_key> keys_;
};

// ---- a real pipe, fed one chunk at a time ---------------------------------------------------

class Pipe {
 public:
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    read_ = fds[0];
    write_ = fds[1];
    ::fcntl(read_, F_SETFL, O_NONBLOCK);  // an empty pipe answers EAGAIN: the chunk is all read
  }
  ~Pipe() {
    ::close(read_);
    if (write_ >= 0) ::close(write_);
  }
  int fd() const { return read_; }
  void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(write_, bytes.data(), bytes.size());
      if (n <= 0) throw std::runtime_error("write");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  void close_writer() {
    ::close(write_);
    write_ = -1;
  }

 private:
  int read_ = -1;
  int write_ = -1;
};

// Reads everything the pipe holds, as the stdin input does: read, then emit full batches.
// Returns false at end of input.
bool drain(logagent::LineSplitter& splitter, const Pipe& pipe) {
  for (;;) {
    const ssize_t n = splitter.read_from(pipe.fd(), 0);
    if (n == 0) return false;
    if (n < 0) {
      EXPECT_EQ(errno, EAGAIN);
      return true;
    }
    EXPECT_TRUE(splitter.emit_full_batches(0));
  }
}

// Feeds `chunks` one read's worth at a time, then ends the input (or stops before its end).
void feed(logagent::LineSplitter& splitter, const std::vector<std::string>& chunks, bool end_of_input = true) {
  Pipe pipe;
  for (const std::string& chunk : chunks) {
    pipe.write(chunk);
    drain(splitter, pipe);
  }
  if (end_of_input) {
    pipe.close_writer();
    EXPECT_FALSE(drain(splitter, pipe));
  }
  splitter.finish(0, end_of_input);
  EXPECT_TRUE(splitter.flush());
}

std::vector<std::string> bytes_one_by_one(std::string_view text) {
  std::vector<std::string> out;
  for (char c : text) out.emplace_back(1, c);
  return out;
}

Event line(std::string m) { return Event{std::move(m), false, false}; }
Event partial(std::string m) { return Event{std::move(m), true, false}; }
Event truncated(std::string m) { return Event{std::move(m), false, true}; }

// ---- behaviour ---------------------------------------------------------------------------

TEST(LineSplitter, LinesAcrossReads) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1024));
    feed(splitter, {"hel", "lo wor", "ld\nsec", "ond line\nthi", "rd\n"});
    EXPECT_EQ(splitter.committed_offset(), 30u);
    EXPECT_EQ(splitter.read_offset(), 30u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("hello world"), line("second line"), line("third")}));
  EXPECT_EQ(fake.counters["lines"], 3u);
  EXPECT_EQ(fake.counters["bytes"], 30u);
  EXPECT_EQ(fake.live_batches, 0);
  EXPECT_TRUE(fake.faults.empty()) << fake.faults.front();
}

TEST(LineSplitter, CrlfLosesItsCrOnly) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1024));
    feed(splitter, bytes_one_by_one("a\r\nb\r\r\n\r\nmid\rdle\nlast\r"));
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("a"), line("b\r"), line(""), line("mid\rdle"), line("last")}));
  EXPECT_TRUE(fake.faults.empty()) << fake.faults.front();
}

TEST(LineSplitter, EmptyLinesAreEvents) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1024));
    feed(splitter, {"\n\n", "\n"});
    EXPECT_EQ(splitter.committed_offset(), 3u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line(""), line(""), line("")}));
}

TEST(LineSplitter, EmptyInputEmitsNothing) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1024));
    feed(splitter, {});
    EXPECT_EQ(splitter.committed_offset(), 0u);
  }
  EXPECT_TRUE(fake.emitted.empty());
  EXPECT_EQ(fake.live_batches, 0);
}

// The example of docs/plugins/stdin.md.
TEST(LineSplitter, LongLinesSplit) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(4));
    feed(splitter, {"abcdefghij\nabcd\nabcde\n"});
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{partial("abcd"), partial("efgh"), line("ij"), line("abcd"),
                                               partial("abcd"), line("e")}));
  EXPECT_EQ(fake.counters["lines"], 3u);
  EXPECT_EQ(fake.counters["long_lines"], 2u);
  EXPECT_EQ(fake.counters["discarded_bytes"], 0u);
}

TEST(LineSplitter, LongLinesTruncated) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(4, logagent::LongLines::Truncate));
    feed(splitter, {"abcdefghij\nabcd\nabcde\n"});
    EXPECT_EQ(splitter.committed_offset(), 22u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{truncated("abcd"), line("abcd"), truncated("abcd")}));
  EXPECT_EQ(fake.counters["lines"], 3u);
  EXPECT_EQ(fake.counters["long_lines"], 2u);
  EXPECT_EQ(fake.counters["discarded_bytes"], 7u);
}

TEST(LineSplitter, LongLineLongerThanSeveralReadsGrowsItsRegion) {
  FakeHost fake;
  const std::string big(100'000, 'x');
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1 << 20, logagent::LongLines::Split, 4096));
    std::vector<std::string> chunks;
    for (size_t at = 0; at < big.size(); at += 3000) chunks.push_back(big.substr(at, 3000));
    chunks.push_back("\nnext\n");
    feed(splitter, chunks);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line(big), line("next")}));
}

TEST(LineSplitter, CrlfJustPastTheLimitIsNotALongLine) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(4));
    feed(splitter, {"abcd", "\r", "\n", "abcd\rx\n"});
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("abcd"), partial("abcd"), line("\rx")}));
  EXPECT_EQ(fake.counters["long_lines"], 1u);
}

TEST(LineSplitter, BatchesAreCutWhenTheHostSaysFull) {
  FakeHost fake;
  fake.max_events = 2;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1024));
    feed(splitter, {"a\nbb\nccc\ndddd\ne\n"});
  }
  ASSERT_EQ(fake.emitted.size(), 3u);
  EXPECT_EQ(fake.emitted[0].events, (std::vector<Event>{line("a"), line("bb")}));
  EXPECT_EQ(fake.emitted[1].events, (std::vector<Event>{line("ccc"), line("dddd")}));
  EXPECT_EQ(fake.emitted[2].events, (std::vector<Event>{line("e")}));
  // Each batch's end is the byte just past its last line's newline.
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{5, 14, 16}));
  for (size_t k = 0; k < fake.emitted.size(); ++k) EXPECT_EQ(fake.emitted[k].cookie, k + 1);
  EXPECT_EQ(fake.live_batches, 0);
  EXPECT_TRUE(fake.faults.empty()) << fake.faults.front();
}

TEST(LineSplitter, WithoutCookieForBatchesGetCookieZero) {
  FakeHost fake;
  {
    logagent::LineSplitterOptions o;
    logagent::LineSplitter splitter(fake.host(), o);
    Pipe pipe;
    pipe.write("a\nb\n");
    pipe.close_writer();
    EXPECT_FALSE(drain(splitter, pipe));
    splitter.finish(0, true);
    fake.cookies.emplace_back(0, 0);  // what the fake's emit checks for
    EXPECT_TRUE(splitter.flush());
  }
  ASSERT_EQ(fake.emitted.size(), 1u);
  EXPECT_EQ(fake.emitted[0].cookie, 0u);
}

TEST(LineSplitter, StartOffsetIsHonoured) {
  FakeHost fake;
  fake.max_events = 1;
  {
    auto o = fake.options(1024);
    o.start_offset = 1000;
    logagent::LineSplitter splitter(fake.host(), std::move(o));
    EXPECT_EQ(splitter.committed_offset(), 1000u);
    feed(splitter, {"one\ntw", "o\nthree\n"});
    EXPECT_EQ(splitter.committed_offset(), 1014u);
    EXPECT_EQ(splitter.read_offset(), 1014u);
  }
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{1004, 1008, 1014}));
}

TEST(LineSplitter, PiecesOfALongLineDoNotMoveTheOffset) {
  FakeHost fake;
  fake.max_events = 1;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(4));
    feed(splitter, {"ok\n", "abcdefghij", "kl", "\nz\n"});
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("ok"), partial("abcd"), partial("efgh"), line("ijkl"), line("z")}));
  // The pieces' batches end where the line began; its last piece's batch ends past its newline.
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{3, 3, 3, 16, 18}));
}

TEST(LineSplitter, ATruncatedLineEndsAtItsNewline) {
  FakeHost fake;
  fake.max_events = 1;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(4, logagent::LongLines::Truncate));
    feed(splitter, {"abcdefg", "hij", "k\r\nz\n"});
    EXPECT_EQ(splitter.committed_offset(), 15u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{truncated("abcd"), line("z")}));
  // The truncated event's batch is emitted before the line's end is read: it moves nothing.
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{0, 15}));
  EXPECT_EQ(fake.counters["discarded_bytes"], 7u);
}

TEST(LineSplitter, TheRestOfATruncatedLineIsCommittedWithoutAnEvent) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(4, logagent::LongLines::Truncate));
    Pipe pipe;
    pipe.write("abcdefg");
    drain(splitter, pipe);
    EXPECT_TRUE(splitter.flush());
    EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{0}));
    pipe.write("hij\n");
    drain(splitter, pipe);
    EXPECT_EQ(splitter.committed_offset(), 11u);
    EXPECT_TRUE(splitter.flush());  // nothing to emit: no event since
    EXPECT_EQ(fake.emitted.size(), 1u);
  }
}

TEST(LineSplitter, FinishAtEndOfInputEmitsTheLastLineWithoutNewline) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1024));
    feed(splitter, {"a\nb", "c\r"});
    EXPECT_EQ(splitter.committed_offset(), 5u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("a"), line("bc")}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{5}));
  EXPECT_EQ(fake.counters["lines"], 2u);
}

TEST(LineSplitter, FinishWhenStoppedMarksTheUnfinishedLinePartialAndKeepsItsStart) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(1024));
    feed(splitter, {"a\nb", "c\r"}, /*end_of_input=*/false);
    EXPECT_EQ(splitter.committed_offset(), 2u);
    EXPECT_EQ(splitter.read_offset(), 5u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("a"), partial("bc\r")}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{2}));
}

TEST(LineSplitter, TruncatedLineEndingWithTheInput) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(2, logagent::LongLines::Truncate));
    feed(splitter, {"ok\nabcdef"});
    EXPECT_EQ(splitter.committed_offset(), 9u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("ok"), truncated("ab")}));
  EXPECT_EQ(fake.counters["lines"], 2u);
  EXPECT_EQ(fake.counters["discarded_bytes"], 4u);
}

// ---- random input against a reference that sees the whole input at once -------------------

struct RefLine {
  uint64_t start, end;  // offsets of the line's first byte and just past its newline
};
struct RefEvent {
  Event event;
  size_t line;  // index into the lines
};

// Lines of the whole input (ended by end of input); every event with the line it comes from.
void reference(std::string_view input, size_t max, logagent::LongLines mode, std::vector<RefLine>& lines,
               std::vector<RefEvent>& events) {
  size_t pos = 0;
  while (pos < input.size()) {
    size_t nl = input.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? input.size() : nl + 1;
    std::string_view content = input.substr(pos, (nl == std::string_view::npos ? input.size() : nl) - pos);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    const size_t index = lines.size();
    lines.push_back(RefLine{pos, end});
    if (content.size() <= max) {
      events.push_back(RefEvent{line(std::string(content)), index});
    } else if (mode == logagent::LongLines::Truncate) {
      events.push_back(RefEvent{truncated(std::string(content.substr(0, max))), index});
    } else {
      for (size_t at = 0; at < content.size(); at += max) {
        const bool last = at + max >= content.size();
        std::string piece(content.substr(at, max));
        events.push_back(RefEvent{last ? line(piece) : partial(piece), index});
      }
    }
    pos = end;
  }
}

void run_random(uint32_t seed) {
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const size_t max = 1 + below(40);
  const auto mode = below(2) == 0 ? logagent::LongLines::Split : logagent::LongLines::Truncate;
  const uint64_t start = below(3) == 0 ? below(1'000'000) : 0;

  std::string input;
  const size_t line_count = below(60);
  for (size_t i = 0; i < line_count; ++i) {
    const size_t len = below(4) == 0 ? max + below(3 * max) : below(max + 2);
    for (size_t k = 0; k < len; ++k) input.push_back(below(30) == 0 ? '\r' : static_cast<char>('a' + below(26)));
    if (i + 1 < line_count || below(2) == 0) input += below(3) == 0 ? "\r\n" : "\n";
  }

  FakeHost fake;
  fake.max_events = static_cast<uint32_t>(1 + below(8));
  if (below(3) == 0) fake.max_bytes = 16 + below(400);
  {
    auto o = fake.options(max, mode, 8 + below(120));
    o.start_offset = start;
    logagent::LineSplitter splitter(fake.host(), std::move(o));
    Pipe pipe;
    for (size_t at = 0; at < input.size();) {
      const size_t n = std::min(input.size() - at, 1 + below(3 * max + 10));
      pipe.write(std::string_view(input).substr(at, n));
      at += n;
      drain(splitter, pipe);
      if (below(5) == 0) {
        EXPECT_TRUE(splitter.flush());  // nothing waiting: hand on what was read
      }
    }
    pipe.close_writer();
    EXPECT_FALSE(drain(splitter, pipe));
    splitter.finish(0, true);
    EXPECT_TRUE(splitter.flush());
    EXPECT_EQ(splitter.committed_offset(), start + input.size());
    EXPECT_EQ(splitter.read_offset(), start + input.size());
  }
  EXPECT_EQ(fake.live_batches, 0);
  ASSERT_TRUE(fake.faults.empty()) << fake.faults.front();

  std::vector<RefLine> lines;
  std::vector<RefEvent> expected;
  reference(input, max, mode, lines, expected);
  std::vector<Event> expected_events;
  expected_events.reserve(expected.size());
  for (const auto& e : expected) expected_events.push_back(e.event);
  ASSERT_EQ(fake.events(), expected_events) << "input \"" << input << "\" max " << max;
  EXPECT_EQ(fake.counters["lines"], lines.size());
  EXPECT_EQ(fake.counters["bytes"], input.size());

  // Each batch's end offset: a line boundary, past every line finished in it or before, and
  // before every line with an event in a later batch. Split mode pins it exactly; truncate
  // mode may have read the discarded rest of a line after its batch's last event.
  ASSERT_EQ(fake.cookies.size(), fake.emitted.size());
  size_t next_event = 0;
  uint64_t previous = start;
  for (size_t b = 0; b < fake.emitted.size(); ++b) {
    const uint64_t offset = fake.cookies[b].second - start;
    SCOPED_TRACE(testing::Message() << "batch " << b << " offset " << offset);
    next_event += fake.emitted[b].events.size();
    uint64_t lower = 0;
    for (size_t e = 0; e < next_event; ++e) {
      const bool finishes_line = e + 1 == expected.size() || expected[e + 1].line != expected[e].line;
      if (finishes_line && expected[e].event.truncated == false) lower = std::max(lower, lines[expected[e].line].end);
      if (expected[e].event.truncated) lower = std::max(lower, lines[expected[e].line].start);
    }
    const uint64_t upper = next_event < expected.size() ? lines[expected[next_event].line].start : input.size();
    EXPECT_GE(offset, lower);
    EXPECT_LE(offset, upper);
    if (mode == logagent::LongLines::Split) {
      EXPECT_EQ(offset, lower);
    }
    EXPECT_TRUE(offset == 0 || offset == input.size() || input[offset - 1] == '\n');
    EXPECT_GE(offset + start, previous);
    previous = offset + start;
  }
}

TEST(LineSplitter, RandomInputsReadsAndBatchesMatchTheReference) {
  for (uint32_t seed = 1; seed <= 1500; ++seed) {
    run_random(seed);
    if (HasFailure()) return;
  }
}

}  // namespace
