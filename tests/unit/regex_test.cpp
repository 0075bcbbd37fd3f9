// Unit tests of the SDK's PCRE2 wrapper (logagent/regex.hpp): compile errors, bytes, limits, groups, threads.
#include <logagent/regex.hpp>

#include <gtest/gtest.h>

#include <malloc.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

using logagent::MatchResult;
using logagent::Regex;
using logagent::RegexOptions;

Regex compiled(std::string_view pattern, const RegexOptions& options = {}) {
  std::string error;
  std::optional<Regex> re = Regex::compile(pattern, error, options);
  if (!re) throw std::runtime_error("cannot compile " + std::string(pattern) + ": " + error);
  return std::move(*re);
}

MatchResult match(const Regex& re, std::string_view subject) {
  Regex::Scratch scratch(re);
  return re.match(subject, scratch);
}

bool jit_available() {
  uint32_t jit = 0;
  pcre2_config(PCRE2_CONFIG_JIT, &jit);
  return jit != 0;
}

TEST(Regex, CompileErrorNamesTheReasonAndTheOffset) {
  std::string error;
  EXPECT_FALSE(Regex::compile("(abcd", error).has_value());
  EXPECT_EQ(error, "missing closing parenthesis at offset 5");
  EXPECT_FALSE(Regex::compile("a{2,1}", error).has_value());
  EXPECT_EQ(error, "numbers out of order in {} quantifier at offset 5");
}

TEST(Regex, MatchesAnywhereUnlessAnchored) {
  const Regex re = compiled(R"(^\d{4}-\d{2}-\d{2} )");
  EXPECT_EQ(match(re, "2026-12-01 10:00:00 ERROR boom"), MatchResult::Matched);
  EXPECT_EQ(match(re, "\tat com.x.Y(Y.java:10)"), MatchResult::NoMatch);
  EXPECT_EQ(match(re, "x 2026-12-01 "), MatchResult::NoMatch);
  EXPECT_EQ(match(compiled("ERROR"), "2026-12-01 ERROR"), MatchResult::Matched);
  EXPECT_EQ(match(compiled("error", {.caseless = true}), "2026-12-01 ERROR"), MatchResult::Matched);
  EXPECT_EQ(match(compiled("error"), "2026-12-01 ERROR"), MatchResult::NoMatch);
}

TEST(Regex, EmptySubjects) {
  const Regex re = compiled("^$");
  EXPECT_EQ(match(re, ""), MatchResult::Matched);
  EXPECT_EQ(match(re, std::string_view()), MatchResult::Matched);
  EXPECT_EQ(match(compiled(R"(^\S)"), std::string_view()), MatchResult::NoMatch);
  EXPECT_EQ(match(compiled(std::string_view()), "anything"), MatchResult::Matched);
}

// Log lines are bytes: without UTF, '.' is one byte and invalid UTF-8 is just data.
TEST(Regex, BytesThatAreNotUtf8) {
  const std::string latin1 = "caf\xe9 \xff\xfe ok";
  EXPECT_EQ(match(compiled("ok$"), latin1), MatchResult::Matched);
  EXPECT_EQ(match(compiled("^caf. \\xff"), latin1), MatchResult::Matched);
  // A pattern holding a NUL byte, and a subject holding one.
  EXPECT_EQ(match(compiled(std::string_view("a\0b", 3)), std::string_view("xa\0b", 4)), MatchResult::Matched);
  EXPECT_EQ(match(compiled(std::string_view("a\0b", 3)), "ab"), MatchResult::NoMatch);
}

TEST(Regex, UtfModeCountsCharactersAndSkipsInvalidBytes) {
  const Regex re = compiled("^caf.$", {.utf = true});
  EXPECT_EQ(match(re, "caf\xc3\xa9"), MatchResult::Matched);                  // é, two bytes, one character
  EXPECT_EQ(match(compiled("^caf.$"), "caf\xc3\xa9"), MatchResult::NoMatch);  // bytes: two of them
  // Invalid UTF-8 in the subject is no error: it just never matches.
  EXPECT_EQ(match(re, "caf\xe9"), MatchResult::NoMatch);
  EXPECT_EQ(match(compiled("ok", {.utf = true}), "\xff\xfe ok"), MatchResult::Matched);
}

// Nested quantifiers against a line that almost matches: exponential backtracking, cut short.
TEST(Regex, CatastrophicBacktrackingHitsTheLimitQuickly) {
  const std::string line = std::string(40, 'a') + "!";
  for (bool jit : {true, false}) {
    SCOPED_TRACE(jit ? "jit" : "interpreter");
    const Regex re = compiled("^(a+)+$", {.jit = jit});
    Regex::Scratch scratch(re);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(re.match(line, scratch), MatchResult::LimitExceeded);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
    EXPECT_FALSE(scratch.group(0).matched());
    // The scratch is good for the next line.
    EXPECT_EQ(re.match("aaaa", scratch), MatchResult::Matched);
  }
}

TEST(Regex, DepthLimitBoundsTheInterpreter) {
  const std::string line = std::string(5000, 'a') + "b";
  const Regex shallow = compiled("^(a|aa)*c", {.match_limit = 10'000'000, .depth_limit = 100, .jit = false});
  EXPECT_EQ(match(shallow, line), MatchResult::LimitExceeded);
  const Regex deep = compiled("^(a|aa)*b", {.match_limit = 10'000'000, .depth_limit = 100'000, .jit = false});
  EXPECT_EQ(match(deep, line), MatchResult::Matched);
}

TEST(Regex, JitWhenTheLibraryHasIt) {
  EXPECT_EQ(compiled("a+").jit(), jit_available());
  EXPECT_FALSE(compiled("a+", {.jit = false}).jit());
  // Same answers either way.
  for (bool jit : {true, false}) {
    const Regex re = compiled(R"(^(\w+)=(\d+)?;)", {.jit = jit});
    Regex::Scratch scratch(re);
    ASSERT_EQ(re.match("key=;rest", scratch), MatchResult::Matched);
    EXPECT_EQ(scratch.group(1).in("key=;rest"), "key");
    EXPECT_FALSE(scratch.group(2).matched());
  }
}

TEST(Regex, GroupsAreOffsetsIntoTheSubject) {
  const Regex re = compiled(R"((\d+)-(x)?(\d+)(y)?)");
  EXPECT_EQ(re.capture_count(), 4u);
  Regex::Scratch scratch(re);
  const std::string_view subject = "id 12-345 end";
  ASSERT_EQ(re.match(subject, scratch), MatchResult::Matched);
  EXPECT_EQ(scratch.group(0).begin, 3u);
  EXPECT_EQ(scratch.group(0).end, 9u);
  EXPECT_EQ(scratch.group(0).in(subject), "12-345");
  EXPECT_EQ(scratch.group(1).in(subject), "12");
  EXPECT_FALSE(scratch.group(2).matched());  // did not take part
  EXPECT_EQ(scratch.group(2).in(subject), "");
  EXPECT_EQ(scratch.group(3).in(subject), "345");
  EXPECT_FALSE(scratch.group(4).matched());  // unset at the end of the pattern
  EXPECT_FALSE(scratch.group(5).matched());  // no such group
  EXPECT_EQ(re.match("nothing here", scratch), MatchResult::NoMatch);
  EXPECT_FALSE(scratch.group(1).matched());  // nothing is left from the earlier match
}

TEST(Regex, NamedGroupsInNameOrder) {
  const Regex re = compiled(R"((?<year>\d{4})-(?<month>\d\d)-(\d\d) (?<level>[A-Z]+))");
  EXPECT_EQ(re.capture_count(), 4u);
  std::vector<std::pair<std::string, uint32_t>> names;
  re.for_each_named_group([&](std::string_view name, uint32_t number) { names.emplace_back(name, number); });
  EXPECT_EQ(names, (std::vector<std::pair<std::string, uint32_t>>{{"level", 4}, {"month", 2}, {"year", 1}}));
  Regex::Scratch scratch(re);
  const std::string_view line = "2026-12-01 ERROR boom";
  ASSERT_EQ(re.match(line, scratch), MatchResult::Matched);
  EXPECT_EQ(scratch.group(4).in(line), "ERROR");

  int calls = 0;
  compiled("(a)(b)").for_each_named_group([&](std::string_view, uint32_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(Regex, MoveOnly) {
  static_assert(!std::is_copy_constructible_v<Regex> && std::is_nothrow_move_constructible_v<Regex>);
  static_assert(!std::is_copy_constructible_v<Regex::Scratch> && std::is_move_constructible_v<Regex::Scratch>);
  Regex a = compiled("^b+");
  Regex::Scratch scratch(a);
  Regex b = std::move(a);
  Regex::Scratch moved = std::move(scratch);
  EXPECT_EQ(b.match("bbc", moved), MatchResult::Matched);
  EXPECT_EQ(moved.group(0).end, 2u);
}

// After a first match has sized the scratch's memory, matching takes none (glibc's count of
// bytes in use does not move; under AddressSanitizer's allocator it reads 0 and proves nothing).
TEST(Regex, MatchingAllocatesNothingPerCall) {
  for (bool jit : {true, false}) {
    const Regex re = compiled(R"(^(\d{4})-(\d\d)-(\d\d) (.*)$)", {.jit = jit});
    Regex::Scratch scratch(re);
    const std::string line = "2026-12-01 10:00:00 ERROR something failed";
    ASSERT_EQ(re.match(line, scratch), MatchResult::Matched);
    const size_t before = mallinfo2().uordblks;
    int matched = 0;
    for (int i = 0; i < 1000; ++i) matched += re.match(line, scratch) == MatchResult::Matched;
    for (int i = 0; i < 1000; ++i) matched += re.match("no date here", scratch) == MatchResult::Matched;
    const size_t after = mallinfo2().uordblks;
    EXPECT_EQ(matched, 1000);
    EXPECT_EQ(after, before) << (jit ? "jit" : "interpreter");
  }
}

// One Regex shared by several threads, a scratch each (run under ThreadSanitizer in CI).
TEST(Regex, ThreadsShareARegexWithAScratchEach) {
  const Regex re = compiled(R"(^(\w+) (\d+)$)");
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Regex::Scratch scratch(re);
      for (int i = 0; i < 2000; ++i) {
        const std::string line = "thread" + std::to_string(t) + " " + std::to_string(i);
        if (re.match(line, scratch) != MatchResult::Matched || scratch.group(2).in(line) != std::to_string(i))
          ++wrong[t];
        if (re.match("no", scratch) != MatchResult::NoMatch) ++wrong[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, (std::vector<int>{0, 0, 0, 0}));
}

}  // namespace
