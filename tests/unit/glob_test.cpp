// Unit tests of the `match` globs: * ? [a-z] [!a-z] \x, backtracking, validation messages.
#include "routing/glob.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

using logagent::core::Glob;

namespace {

bool match(std::string_view pattern, std::string_view text) {
  EXPECT_EQ(Glob::validate(pattern), std::nullopt) << "pattern " << pattern;
  return Glob(std::string(pattern)).matches(text);
}

TEST(GlobMatch, StarMatchesEverything) {
  EXPECT_TRUE(match("*", ""));
  EXPECT_TRUE(match("*", "a"));
  EXPECT_TRUE(match("*", "nginx.access"));
  EXPECT_TRUE(match("**", ""));
  EXPECT_TRUE(match("a**b", "ab"));
  EXPECT_TRUE(match("a**b", "axxb"));
}

TEST(GlobMatch, StarCrossesDots) {
  EXPECT_TRUE(match("nginx.*", "nginx.access"));
  EXPECT_TRUE(match("nginx.*", "nginx.access.x"));
  EXPECT_TRUE(match("nginx.*", "nginx."));
  EXPECT_FALSE(match("nginx.*", "nginx"));
  EXPECT_FALSE(match("nginx.*", "xnginx.access"));
  EXPECT_FALSE(match("nginx.*", "nginxaccess"));
  EXPECT_TRUE(match("*.error", "app.web.error"));
  EXPECT_FALSE(match("*.error", "app.web.errors"));
}

TEST(GlobMatch, QuestionMarkIsExactlyOneCharacter) {
  EXPECT_TRUE(match("?", "a"));
  EXPECT_FALSE(match("?", ""));
  EXPECT_FALSE(match("?", "ab"));
  EXPECT_TRUE(match("app.?", "app.1"));
  EXPECT_FALSE(match("app.?", "app.12"));
  EXPECT_TRUE(match("a?c", "a.c"));
  EXPECT_TRUE(match("??", "xy"));
  EXPECT_FALSE(match("??", "x"));
}

TEST(GlobMatch, ExactMatch) {
  EXPECT_TRUE(match("nginx.access", "nginx.access"));
  EXPECT_FALSE(match("nginx.access", "nginx.access2"));
  EXPECT_FALSE(match("nginx.access", "nginx.acces"));
  EXPECT_FALSE(match("nginx.access", "Nginx.access"));  // case-sensitive
  EXPECT_FALSE(match("nginx.access", ""));
}

TEST(GlobMatch, EmptyText) {
  EXPECT_TRUE(match("*", ""));
  EXPECT_FALSE(match("?", ""));
  EXPECT_FALSE(match("a", ""));
  EXPECT_FALSE(match("[a-z]", ""));
  EXPECT_FALSE(match("*a", ""));
}

TEST(GlobMatch, CharacterRange) {
  EXPECT_TRUE(match("[a-z]", "a"));
  EXPECT_TRUE(match("[a-z]", "m"));
  EXPECT_TRUE(match("[a-z]", "z"));
  EXPECT_FALSE(match("[a-z]", "M"));
  EXPECT_FALSE(match("[a-z]", "1"));
  EXPECT_FALSE(match("[a-z]", "ab"));
  EXPECT_TRUE(match("app[0-9].log", "app7.log"));
  EXPECT_FALSE(match("app[0-9].log", "appx.log"));
  EXPECT_TRUE(match("[a-cx-z]", "y"));
  EXPECT_FALSE(match("[a-cx-z]", "m"));
}

TEST(GlobMatch, CharacterSet) {
  EXPECT_TRUE(match("[abc]", "b"));
  EXPECT_FALSE(match("[abc]", "d"));
  EXPECT_TRUE(match("[a-]", "-"));  // a trailing '-' is literal
  EXPECT_TRUE(match("[a-]", "a"));
  EXPECT_FALSE(match("[a-]", "b"));
  EXPECT_TRUE(match("[]a]", "]"));  // a leading ']' is literal
  EXPECT_TRUE(match("[]a]", "a"));
  EXPECT_FALSE(match("[]a]", "b"));
  EXPECT_TRUE(match("[\\]]", "]"));  // an escaped ']'
  EXPECT_TRUE(match("[*?]", "*"));
  EXPECT_FALSE(match("[*?]", "x"));
}

TEST(GlobMatch, NegatedSet) {
  EXPECT_TRUE(match("[!a-z]", "M"));
  EXPECT_TRUE(match("[!a-z]", "1"));
  EXPECT_FALSE(match("[!a-z]", "m"));
  EXPECT_FALSE(match("[!a-z]", ""));
  EXPECT_TRUE(match("[^a-z]", "M"));
  EXPECT_FALSE(match("[^a-z]", "q"));
  EXPECT_TRUE(match("[!]]", "x"));
  EXPECT_FALSE(match("[!]]", "]"));
  EXPECT_TRUE(match("log.[!0-9]*", "log.a12"));
  EXPECT_FALSE(match("log.[!0-9]*", "log.1ab"));
}

TEST(GlobMatch, HighBytesCompareUnsigned) {
  EXPECT_FALSE(match("[a-z]", "\xe9"));
  EXPECT_TRUE(match("[!a-z]", "\xe9"));
  EXPECT_TRUE(match("[\x80-\xff]", "\xe9"));
  EXPECT_TRUE(match("?", "\xe9"));
}

TEST(GlobMatch, EscapedCharactersAreLiteral) {
  EXPECT_TRUE(match("\\*", "*"));
  EXPECT_FALSE(match("\\*", "a"));
  EXPECT_FALSE(match("\\*", ""));
  EXPECT_FALSE(match("\\*", "**"));
  EXPECT_TRUE(match("app\\?", "app?"));
  EXPECT_FALSE(match("app\\?", "appx"));
  EXPECT_TRUE(match("\\[a\\]", "[a]"));
  EXPECT_FALSE(match("\\[a\\]", "a"));
  EXPECT_TRUE(match("a\\\\b", "a\\b"));
  EXPECT_TRUE(match("\\a", "a"));
  EXPECT_TRUE(match("*\\*", "ab*"));
  EXPECT_FALSE(match("*\\*", "ab"));
}

TEST(GlobMatch, Backtracking) {
  EXPECT_TRUE(match("*a*b", "xaxb"));
  EXPECT_TRUE(match("*a*b", "xab"));
  EXPECT_TRUE(match("*a*b", "ab"));
  EXPECT_FALSE(match("*a*b", "xba"));
  EXPECT_FALSE(match("*a*b", "xaxbx"));
  EXPECT_TRUE(match("*ab", "aab"));
  EXPECT_TRUE(match("*ab", "abab"));
  EXPECT_FALSE(match("*ab", "aba"));
  EXPECT_TRUE(match("a*a", "aa"));
  EXPECT_FALSE(match("a*a", "a"));
  EXPECT_TRUE(match("a*b*c", "aXbYc"));
  EXPECT_TRUE(match("a*b*c", "abcbc"));
  EXPECT_FALSE(match("a*b*c", "acb"));
  EXPECT_TRUE(match("*.log", "a.log.log"));
  EXPECT_TRUE(match("*?", "x"));
  EXPECT_FALSE(match("*?", ""));
  EXPECT_TRUE(match("*[0-9]", "abc1"));
  EXPECT_FALSE(match("*[0-9]", "abc"));
  EXPECT_TRUE(match("a*", "a"));
  EXPECT_FALSE(match("a*", "ba"));
  EXPECT_TRUE(match("*x*y*z*", "__x__y__z__"));
  EXPECT_FALSE(match("*x*y*z*", "__z__y__x__"));
}

TEST(GlobMatch, PathologicalPatternIsFast) {
  // A recursive matcher takes exponential time here; the last-star matcher is quadratic.
  std::string text(4000, 'a');
  EXPECT_FALSE(match("*a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(match("*a*a*a*a*a*a*a*a*a", text));
}

TEST(GlobMatch, KeepsItsOwnCopyOfThePattern) {
  // A Glob outlives the configuration text it was made from (outputs keep theirs).
  std::string text = "app.*";
  const Glob glob(text);
  text.assign("zzzzz");
  EXPECT_EQ(glob.pattern(), "app.*");
  EXPECT_TRUE(glob.matches("app.web"));
  EXPECT_FALSE(glob.matches("zzzzz"));
}

TEST(GlobValidate, ValidPatterns) {
  for (std::string_view p : {"*", "?", "nginx.*", "[a-z]*", "[!a-z]", "[^a-z]", "\\*", "[]a]", "[!]a]", "\\]", "[\\]]",
                             "a\\\\", "app.[a-c]log"}) {
    EXPECT_EQ(Glob::validate(p), std::nullopt) << p;
  }
}

TEST(GlobValidate, Empty) {
  EXPECT_EQ(Glob::validate(""), "an empty pattern matches nothing; use \"*\" to match every tag");
}

TEST(GlobValidate, UnclosedBracket) {
  EXPECT_EQ(Glob::validate("app.[a-z"), "unclosed '[' at offset 4");
  EXPECT_EQ(Glob::validate("["), "unclosed '[' at offset 0");
  EXPECT_EQ(Glob::validate("[]"), "unclosed '[' at offset 0");  // ']' right after '[' is literal
  EXPECT_EQ(Glob::validate("[!]"), "unclosed '[' at offset 0");
  EXPECT_EQ(Glob::validate("a[\\]"), "unclosed '[' at offset 1");  // the ']' is escaped
  EXPECT_EQ(Glob::validate("[a]b[c"), "unclosed '[' at offset 4");
}

TEST(GlobValidate, TrailingBackslash) {
  EXPECT_EQ(Glob::validate("app\\"), "trailing backslash escapes nothing");
  EXPECT_EQ(Glob::validate("\\"), "trailing backslash escapes nothing");
  EXPECT_EQ(Glob::validate("\\\\"), std::nullopt);
}

TEST(GlobValidate, UnmatchedClosingBracket) {
  EXPECT_EQ(Glob::validate("a]"), "unmatched ']' at offset 1");
  EXPECT_EQ(Glob::validate("[a]]"), "unmatched ']' at offset 3");
  EXPECT_EQ(Glob::validate("\\[a]"), "unmatched ']' at offset 3");  // '[' escaped: ']' must be too
}

TEST(GlobValidate, ControlCharacters) {
  EXPECT_EQ(Glob::validate("a\tb"), "control character at offset 1");
  EXPECT_EQ(Glob::validate(std::string_view("ab\0", 3)), "control character at offset 2");
  EXPECT_EQ(Glob::validate("x\x7f"), "control character at offset 1");
}

}  // namespace
