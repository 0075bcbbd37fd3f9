// Unit tests of the SDK's LineSplitter against a fake host table, reading from a real pipe.
#include <logagent/line_splitter.hpp>
#include <logagent/regex.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---- a fake host: only what the splitter calls ---------------------------------------------

struct Event {
  std::string message;
  bool partial = false;
  bool truncated = false;
  std::optional<int64_t> offset;  // the "offset" field, when the splitter sets one
  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  os << '"' << e.message << '"';
  if (e.partial) os << " partial";
  if (e.truncated) os << " truncated";
  if (e.offset) os << " @" << *e.offset;
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
    std::optional<int64_t> offset;
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
      } else if (auto offset = host->keys_.find("offset"); offset != host->keys_.end() && key == offset->second) {
        if (value->type != LOGAGENT_VALUE_INT) host->faults.push_back("offset is not an int");
        f.offset = value->as.integer;
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
        out.events.push_back(Event{std::string(f.ptr, f.len), f.partial, f.truncated, f.offset});
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
bool drain(logagent::LineSplitter& splitter, const Pipe& pipe, int64_t now_ns = 0) {
  for (;;) {
    const ssize_t n = splitter.read_from(pipe.fd(), now_ns);
    if (n == 0) return false;
    if (n < 0) {
      EXPECT_EQ(errno, EAGAIN);
      return true;
    }
    EXPECT_TRUE(splitter.emit_full_batches(now_ns));
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

Event line(std::string m) { return Event{std::move(m), false, false, std::nullopt}; }
Event partial(std::string m) { return Event{std::move(m), true, false, std::nullopt}; }
Event truncated(std::string m) { return Event{std::move(m), false, true, std::nullopt}; }

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

// ---- offsets, multiline records, idle memory ---------------------------------------------

Event at(Event e, int64_t offset) {
  e.offset = offset;
  return e;
}

// A start predicate like the pattern ^\S: an indented (or empty) line continues a record.
bool starts_unindented(std::string_view line) { return !line.empty() && line[0] != ' ' && line[0] != '\t'; }

// Options with records cut by `starts` and the offset field on.
logagent::LineSplitterOptions record_options(FakeHost& fake, size_t max_line_bytes,
                                             logagent::LongLines mode = logagent::LongLines::Split,
                                             std::function<bool(std::string_view)> starts = starts_unindented) {
  auto o = fake.options(max_line_bytes, mode);
  o.record_start = std::move(starts);
  o.offset_key = fake.host().intern("offset");
  return o;
}

// record_start from a PCRE2 pattern, as the tail input's multiline option makes it.
std::function<bool(std::string_view)> pattern(std::string_view text) {
  std::string error;
  auto re = std::make_shared<logagent::Regex>(*logagent::Regex::compile(text, error));
  auto scratch = std::make_shared<logagent::Regex::Scratch>(*re);
  return [re, scratch](std::string_view line) { return re->match(line, *scratch) == logagent::MatchResult::Matched; };
}

TEST(LineSplitter, OffsetFieldIsTheStreamOffsetOfEachEventsFirstByte) {
  FakeHost fake;
  {
    auto o = fake.options(4);
    o.start_offset = 100;
    o.offset_key = fake.host().intern("offset");
    logagent::LineSplitter splitter(fake.host(), std::move(o));
    feed(splitter, {"ab\r\n", "abcdefghij", "\n\nxy"});
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(line("ab"), 100), at(partial("abcd"), 104), at(partial("efgh"), 108),
                                               at(line("ij"), 112), at(line(""), 115), at(line("xy"), 116)}));
  EXPECT_TRUE(fake.faults.empty()) << fake.faults.front();
}

TEST(LineSplitter, OffsetFieldOfTruncatedLinesAndAcrossBatches) {
  FakeHost fake;
  fake.max_events = 1;
  {
    auto o = fake.options(3, logagent::LongLines::Truncate);
    o.offset_key = fake.host().intern("offset");
    logagent::LineSplitter splitter(fake.host(), std::move(o));
    feed(splitter, bytes_one_by_one("abcdef\nxyz\nq"));
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(truncated("abc"), 0), at(line("xyz"), 7), at(line("q"), 11)}));
}

// The example of docs: a Java stack trace, records started by a timestamp.
TEST(LineSplitter, JavaStackTraceIsOneRecord) {
  const std::string input =
      "2026-12-01 10:00:00 ERROR request failed\n"
      "java.lang.IllegalStateException: boom\n"
      "\tat com.x.Y.run(Y.java:10)\n"
      "\tat com.x.Main.main(Main.java:3)\n"
      "Caused by: java.io.IOException: closed\n"
      "\t... 3 more\n"
      "2026-12-01 10:00:01 INFO next request\n";
  const std::string trace = input.substr(0, input.find("\n2026-12-01 10:00:01"));
  for (const auto& chunks : {std::vector<std::string>{input}, bytes_one_by_one(input)}) {
    FakeHost fake;
    {
      logagent::LineSplitter splitter(
          fake.host(), record_options(fake, 1024, logagent::LongLines::Split, pattern(R"(^\d{4}-\d{2}-\d{2} )")));
      feed(splitter, chunks);
      EXPECT_EQ(splitter.committed_offset(), input.size());
    }
    EXPECT_EQ(fake.events(), (std::vector<Event>{at(line(trace), 0), at(line("2026-12-01 10:00:01 INFO next request"),
                                                                        static_cast<int64_t>(trace.size() + 1))}));
    EXPECT_EQ(fake.counters["lines"], 7u);
    EXPECT_EQ(fake.counters["records"], 2u);
    EXPECT_EQ(fake.live_batches, 0);
    EXPECT_TRUE(fake.faults.empty()) << fake.faults.front();
  }
}

// Python's logging.exception: a timestamped line, then the traceback, whose last line
// ("ValueError: x") is not indented: a start pattern of ^\S would cut it off, a timestamp not.
TEST(LineSplitter, PythonTracebackIsOneRecord) {
  const std::string trace =
      "2026-12-01 10:00:00,123 ERROR failed\n"
      "Traceback (most recent call last):\n"
      "  File \"app.py\", line 3, in <module>\n"
      "    main()\n"
      "ValueError: x";
  FakeHost fake;
  {
    logagent::LineSplitter splitter(
        fake.host(), record_options(fake, 1024, logagent::LongLines::Split, pattern(R"(^\d{4}-\d{2}-\d{2})")));
    feed(splitter, {trace.substr(0, 50), trace.substr(50) + "\n2026-12-01 10:00:01,000 INFO ok\n"});
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(line(trace), 0), at(line("2026-12-01 10:00:01,000 INFO ok"),
                                                                      static_cast<int64_t>(trace.size() + 1))}));
}

TEST(LineSplitter, ContinuationLinesWithoutARecordStartOne) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 1024));
    feed(splitter, {"  orphan\n\tmore\nA\n\nB\n"});
  }
  // An empty line does not start a record (^\S): it joins the one before.
  EXPECT_EQ(fake.events(),
            (std::vector<Event>{at(line("  orphan\n\tmore"), 0), at(line("A\n"), 15), at(line("B"), 18)}));
  EXPECT_EQ(fake.counters["records"], 3u);
  EXPECT_EQ(fake.counters["lines"], 5u);
}

TEST(LineSplitter, RecordCrlfKeepsInnerCrsAndDropsTheLast) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 1024));
    feed(splitter, bytes_one_by_one("A\r\n b\r\n c\r\nD\r\n"));
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(line("A\r\n b\r\n c"), 0), at(line("D"), 11)}));
}

// A pending record is carried into the next batch like an unfinished line, and holds every
// batch's offset at its first byte until it ends.
TEST(LineSplitter, RecordAcrossBatchesAndReadsHoldsTheOffsetAtItsStart) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 1024));
    Pipe pipe;
    pipe.write("A\nB1\n b");
    drain(splitter, pipe);
    EXPECT_TRUE(splitter.flush());  // A (the start line B1 ended it)
    EXPECT_EQ(splitter.committed_offset(), 2u);
    pipe.write("2\n b3\n");
    drain(splitter, pipe);
    EXPECT_TRUE(splitter.record_pending());
    EXPECT_TRUE(splitter.flush());  // nothing: the record is not finished
    pipe.write(" b4\nC");
    drain(splitter, pipe);
    EXPECT_EQ(splitter.committed_offset(), 2u);
    pipe.write("\n");
    drain(splitter, pipe);
    EXPECT_EQ(splitter.committed_offset(), 17u);
    EXPECT_TRUE(splitter.flush());  // B's record
    pipe.close_writer();
    EXPECT_FALSE(drain(splitter, pipe));
    splitter.finish(0, true);
    EXPECT_TRUE(splitter.flush());  // C
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(line("A"), 0), at(line("B1\n b2\n b3\n b4"), 2), at(line("C"), 17)}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{2, 17, 19}));
  EXPECT_TRUE(fake.faults.empty()) << fake.faults.front();
}

TEST(LineSplitter, RecordsInFullBatches) {
  FakeHost fake;
  fake.max_events = 1;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 1024));
    feed(splitter, {"A\n a\nB\nC\n c\n", "D\n"});
  }
  EXPECT_EQ(fake.events(),
            (std::vector<Event>{at(line("A\n a"), 0), at(line("B"), 5), at(line("C\n c"), 7), at(line("D"), 12)}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{5, 7, 12, 14}));
}

// Split: pieces of max_line_bytes that, joined, are the record; each with its own offset.
TEST(LineSplitter, LongRecordsSplit) {
  FakeHost fake;
  fake.max_events = 1;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 8));
    feed(splitter, {"A1234\n b\n c567890\nD\n"});
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(partial("A1234\n b"), 0), at(partial("\n c56789"), 8),
                                               at(line("0"), 16), at(line("D"), 18)}));
  // The pieces' batches end where the record began; its last piece's, where the next began.
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{0, 0, 18, 20}));
  EXPECT_EQ(fake.counters["long_lines"], 1u);
  EXPECT_EQ(fake.counters["records"], 2u);
  EXPECT_EQ(fake.counters["lines"], 4u);
}

// Truncate: the first max_line_bytes, then everything up to the next record dropped.
TEST(LineSplitter, LongRecordsTruncated) {
  FakeHost fake;
  fake.max_events = 1;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 8, logagent::LongLines::Truncate));
    feed(splitter, bytes_one_by_one("A1234\n b\n c567890\r\n e\nD\n"));
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(truncated("A1234\n b"), 0), at(line("D"), 22)}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{0, 24}));
  // "\n c567890" and "\r\n e": the record's bytes past the cap, its final CR and newline not.
  EXPECT_EQ(fake.counters["discarded_bytes"], 13u);
  EXPECT_EQ(fake.counters["long_lines"], 1u);
}

// One line of a record longer than the cap is cut while it is read, without waiting for
// its end, and the region does not grow past what the cap needs.
TEST(LineSplitter, ALongLineInsideARecordIsCutWhileRead) {
  const std::string big(100'000, 'x');
  for (auto mode : {logagent::LongLines::Split, logagent::LongLines::Truncate}) {
    FakeHost fake;
    {
      auto o = record_options(fake, 1000, mode);
      o.read_size = 4096;
      logagent::LineSplitter splitter(fake.host(), std::move(o));
      std::vector<std::string> chunks{"A\n "};
      for (size_t at = 0; at < big.size(); at += 3000) chunks.push_back(big.substr(at, 3000));
      chunks.push_back("\nB\n");
      feed(splitter, chunks);
    }
    const std::string record = "A\n " + big;
    std::vector<Event> expected;
    if (mode == logagent::LongLines::Split) {
      for (size_t from = 0; from < record.size(); from += 1000) {
        const std::string piece = record.substr(from, 1000);
        expected.push_back(at(from + 1000 < record.size() ? partial(piece) : line(piece), static_cast<int64_t>(from)));
      }
    } else {
      expected.push_back(at(truncated(record.substr(0, 1000)), 0));
      EXPECT_EQ(fake.counters["discarded_bytes"], record.size() - 1000);
    }
    expected.push_back(at(line("B"), static_cast<int64_t>(record.size() + 1)));
    EXPECT_EQ(fake.events(), expected);
    EXPECT_TRUE(fake.faults.empty()) << fake.faults.front();
  }
}

TEST(LineSplitter, CloseRecordEmitsThePendingRecordAndMovesTheOffset) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 1024));
    Pipe pipe;
    EXPECT_FALSE(splitter.record_pending());
    pipe.write("A\n b\n");
    drain(splitter, pipe, 1000);
    pipe.write(" c\n");
    drain(splitter, pipe, 2000);
    EXPECT_TRUE(splitter.record_pending());
    EXPECT_EQ(splitter.record_last_line_ns(), 2000);
    EXPECT_EQ(splitter.committed_offset(), 0u);
    splitter.close_record(5000);
    EXPECT_FALSE(splitter.record_pending());
    EXPECT_EQ(splitter.committed_offset(), 8u);
    EXPECT_TRUE(splitter.flush());
    splitter.close_record(6000);  // nothing pending: no-op
    EXPECT_TRUE(splitter.flush());
    // The next line starts a record even though it is indented.
    pipe.write(" d\nE\n");
    drain(splitter, pipe, 7000);
    pipe.close_writer();
    EXPECT_FALSE(drain(splitter, pipe, 7000));
    splitter.finish(8000, true);
    EXPECT_TRUE(splitter.flush());
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(line("A\n b\n c"), 0), at(line(" d"), 8), at(line("E"), 11)}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{8, 13}));
  EXPECT_EQ(fake.counters["records"], 3u);
}

TEST(LineSplitter, CloseRecordWaitsForALongLineInProgressAndEndsATruncatedOne) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 4, logagent::LongLines::Truncate));
    Pipe pipe;
    pipe.write("A\n bcdefg");
    drain(splitter, pipe);
    EXPECT_FALSE(splitter.record_pending());  // its last line is still being read
    splitter.close_record(0);
    pipe.write("h\n i\n");
    drain(splitter, pipe);
    EXPECT_TRUE(splitter.record_pending());  // truncated, still dropping lines until its end
    EXPECT_EQ(splitter.committed_offset(), 0u);
    splitter.close_record(0);
    EXPECT_EQ(splitter.committed_offset(), 14u);
    pipe.write(" j\n");  // starts a record, not dropped
    pipe.close_writer();
    EXPECT_FALSE(drain(splitter, pipe));
    splitter.finish(0, true);
    EXPECT_TRUE(splitter.flush());
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(truncated("A\n b"), 0), at(line(" j"), 14)}));
  EXPECT_EQ(fake.counters["discarded_bytes"], 9u);  // "cdefgh" and "\n i"
}

TEST(LineSplitter, FinishAtEndOfInputEmitsThePendingRecordWhole) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 1024));
    feed(splitter, {"A\n b\n c\r"});
    EXPECT_EQ(splitter.committed_offset(), 8u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(line("A\n b\n c"), 0)}));
  EXPECT_EQ(fake.counters["lines"], 3u);
  FakeHost fake2;
  {
    logagent::LineSplitter splitter(fake2.host(), record_options(fake2, 1024));
    feed(splitter, {"A\n b\nC"});
  }
  EXPECT_EQ(fake2.events(), (std::vector<Event>{at(line("A\n b"), 0), at(line("C"), 5)}));
}

TEST(LineSplitter, FinishWhenStoppedMarksThePendingRecordPartialAndKeepsItsStart) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), record_options(fake, 1024));
    feed(splitter, {"Z\nA\n b\n c"}, /*end_of_input=*/false);
    EXPECT_EQ(splitter.committed_offset(), 2u);
    EXPECT_EQ(splitter.read_offset(), 9u);
  }
  // The unfinished line may or may not belong to the record: an event of its own, as today.
  EXPECT_EQ(fake.events(), (std::vector<Event>{at(line("Z"), 0), at(partial("A\n b"), 2), at(partial(" c"), 7)}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{2}));
  FakeHost fake2;
  {
    logagent::LineSplitter splitter(fake2.host(), record_options(fake2, 3));
    feed(splitter, {"A\n bcdef"}, /*end_of_input=*/false);  // a long last line, already judged
    EXPECT_EQ(splitter.committed_offset(), 0u);
  }
  EXPECT_EQ(fake2.events(), (std::vector<Event>{at(partial("A\n "), 0), at(partial("bcd"), 3), at(partial("ef"), 6)}));
}

// Memory: after flush(), a splitter with nothing unfinished holds no batch.
TEST(LineSplitter, AnIdleSplitterHoldsNoBatch) {
  FakeHost fake;
  {
    logagent::LineSplitter splitter(fake.host(), fake.options(4, logagent::LongLines::Truncate));
    EXPECT_EQ(fake.live_batches, 0);
    Pipe pipe;
    pipe.write("a\nb\n");
    drain(splitter, pipe);
    EXPECT_EQ(fake.live_batches, 1);
    EXPECT_TRUE(splitter.flush());
    EXPECT_EQ(fake.live_batches, 0);
    // A read that finds nothing (a followed file at its end) takes a batch and gives it back.
    EXPECT_EQ(splitter.read_from(pipe.fd(), 0), -1);
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_EQ(fake.live_batches, 0);
    pipe.write("c");  // an unfinished line is kept, in a batch
    drain(splitter, pipe);
    EXPECT_TRUE(splitter.flush());
    EXPECT_EQ(fake.live_batches, 1);
    pipe.write("\nabcdefg");  // the rest of a truncated line needs no memory
    drain(splitter, pipe);
    EXPECT_TRUE(splitter.flush());
    EXPECT_EQ(fake.live_batches, 0);
    pipe.write("hi\nd\n");
    drain(splitter, pipe);
    EXPECT_TRUE(splitter.flush());
    EXPECT_EQ(fake.live_batches, 0);
    EXPECT_EQ(splitter.committed_offset(), 18u);
    EXPECT_EQ(splitter.read_offset(), 18u);
  }
  EXPECT_EQ(fake.events(), (std::vector<Event>{line("a"), line("b"), line("c"), truncated("abcd"), line("d")}));
  EXPECT_EQ(fake.batch_offsets(), (std::vector<uint64_t>{4, 6, 18}));
}

TEST(LineSplitter, IdleSplittersWithRecordsHoldNoBatchOnceTheRecordIsClosed) {
  FakeHost fake;
  std::vector<std::unique_ptr<logagent::LineSplitter>> splitters;
  std::vector<std::unique_ptr<Pipe>> pipes;
  for (int i = 0; i < 1000; ++i) {
    splitters.push_back(std::make_unique<logagent::LineSplitter>(fake.host(), record_options(fake, 1024)));
    pipes.push_back(std::make_unique<Pipe>());
    pipes.back()->write("A\n b\n");
    drain(*splitters.back(), *pipes.back());
    EXPECT_TRUE(splitters.back()->flush());  // nothing to emit: the record is pending
  }
  EXPECT_EQ(fake.live_batches, 1000);
  for (auto& splitter : splitters) {
    splitter->close_record(0);
    EXPECT_TRUE(splitter->flush());
  }
  EXPECT_EQ(fake.live_batches, 0);
  EXPECT_EQ(fake.emitted.size(), 1000u);
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

// ---- random records against a reference that sees the whole input at once -------------------

struct RefRecord {
  uint64_t start, content_end, end;  // first byte; end of its last line's content; past its newline
};

// Starts a record: not indented and no 'q' in what it is shown, so that the judgement
// depends on how much of a long line it sees (its first max_line_bytes, however it is read).
bool starts_without_q(std::string_view head) {
  return !head.empty() && head[0] != ' ' && head.find('q') == std::string_view::npos;
}

void reference_records(std::string_view input, size_t max, logagent::LongLines mode, const std::set<uint64_t>& closes,
                       std::vector<RefRecord>& records, std::vector<RefEvent>& events, size_t& line_count,
                       uint64_t& discarded) {
  size_t pos = 0;
  while (pos < input.size()) {
    const size_t nl = input.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? input.size() : nl + 1;
    size_t content_end = nl == std::string_view::npos ? input.size() : nl;
    if (content_end > pos && input[content_end - 1] == '\r') --content_end;
    const std::string_view head = input.substr(pos, std::min(content_end - pos, max));
    if (records.empty() || closes.count(pos) != 0 || starts_without_q(head)) {
      records.push_back(RefRecord{pos, content_end, end});
    } else {
      records.back().content_end = content_end;
      records.back().end = end;
    }
    ++line_count;
    pos = end;
  }
  for (size_t r = 0; r < records.size(); ++r) {
    const RefRecord& record = records[r];
    const std::string message(input.substr(record.start, record.content_end - record.start));
    const auto offset = [&](size_t at) { return static_cast<int64_t>(record.start + at); };
    if (message.size() <= max) {
      events.push_back(RefEvent{at(line(message), offset(0)), r});
    } else if (mode == logagent::LongLines::Truncate) {
      events.push_back(RefEvent{at(truncated(message.substr(0, max)), offset(0)), r});
      discarded += message.size() - max;
    } else {
      for (size_t from = 0; from < message.size(); from += max) {
        const std::string piece = message.substr(from, max);
        events.push_back(RefEvent{at(from + max >= message.size() ? line(piece) : partial(piece), offset(from)), r});
      }
    }
  }
}

void run_random_records(uint32_t seed) {
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const size_t max = 1 + below(30);
  const auto mode = below(2) == 0 ? logagent::LongLines::Split : logagent::LongLines::Truncate;
  const uint64_t start = below(3) == 0 ? below(1'000'000) : 0;

  std::string input;
  const size_t line_count = below(40);
  for (size_t i = 0; i < line_count; ++i) {
    const size_t len = below(5) == 0 ? max + below(3 * max) : below(max + 2);
    for (size_t k = 0; k < len; ++k) {
      const size_t c = below(40);
      input.push_back(c == 0 ? '\r' : c < 3 ? 'q' : (k == 0 && c < 20) ? ' ' : static_cast<char>('a' + below(26)));
    }
    if (i + 1 < line_count || below(2) == 0) input += below(3) == 0 ? "\r\n" : "\n";
  }

  FakeHost fake;
  fake.max_events = static_cast<uint32_t>(1 + below(8));
  if (below(3) == 0) fake.max_bytes = 16 + below(400);
  std::set<uint64_t> closes;  // where close_record ended a record (stream offsets less start)
  {
    auto o = record_options(fake, max, mode, starts_without_q);
    o.read_size = 8 + below(120);
    o.start_offset = start;
    logagent::LineSplitter splitter(fake.host(), std::move(o));
    Pipe pipe;
    for (size_t at = 0; at < input.size();) {
      const size_t n = std::min(input.size() - at, 1 + below(3 * max + 10));
      pipe.write(std::string_view(input).substr(at, n));
      at += n;
      drain(splitter, pipe);
      if (below(6) == 0 && splitter.record_pending()) {
        splitter.close_record(0);  // the input's timeout
        closes.insert(splitter.committed_offset() - start);
      }
      if (below(4) == 0) {
        EXPECT_TRUE(splitter.flush());
        if (splitter.read_offset() == splitter.committed_offset() && !splitter.record_pending()) {
          EXPECT_EQ(fake.live_batches, 0);  // nothing unfinished: no batch held
        }
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

  std::vector<RefRecord> records;
  std::vector<RefEvent> expected;
  size_t lines = 0;
  uint64_t discarded = 0;
  reference_records(input, max, mode, closes, records, expected, lines, discarded);
  std::vector<Event> expected_events;
  expected_events.reserve(expected.size());
  for (const auto& e : expected) expected_events.push_back(e.event);
  for (auto& e : expected_events) *e.offset += static_cast<int64_t>(start);
  ASSERT_EQ(fake.events(), expected_events) << "input \"" << input << "\" max " << max;
  EXPECT_EQ(fake.counters["lines"], lines) << "input \"" << input << "\" max " << max << " mode " << int(mode);
  EXPECT_EQ(fake.counters["records"], records.size());
  EXPECT_EQ(fake.counters["bytes"], input.size());
  EXPECT_EQ(fake.counters["discarded_bytes"], discarded);

  // Each batch's end offset: past every record finished in it or before, and never past the
  // start of a record with an event in a later batch.
  ASSERT_EQ(fake.cookies.size(), fake.emitted.size());
  size_t next_event = 0;
  for (size_t b = 0; b < fake.emitted.size(); ++b) {
    const uint64_t offset = fake.cookies[b].second - start;
    SCOPED_TRACE(testing::Message() << "batch " << b << " offset " << offset);
    next_event += fake.emitted[b].events.size();
    uint64_t lower = 0;
    for (size_t e = 0; e < next_event; ++e) {
      const RefRecord& record = records[expected[e].line];
      const bool finishes = e + 1 == expected.size() || expected[e + 1].line != expected[e].line;
      lower = std::max(lower, finishes && !expected[e].event.truncated ? record.end : record.start);
    }
    const uint64_t upper = next_event < expected.size() ? records[expected[next_event].line].start : input.size();
    EXPECT_GE(offset, lower);
    EXPECT_LE(offset, upper);
    if (mode == logagent::LongLines::Split) {
      EXPECT_EQ(offset, lower);
    }
  }
}

TEST(LineSplitter, RandomRecordsMatchTheReference) {
  for (uint32_t seed = 1; seed <= 1500; ++seed) {
    run_random_records(seed);
    if (HasFailure()) return;
  }
}

}  // namespace
