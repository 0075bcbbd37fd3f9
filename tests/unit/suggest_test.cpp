// Unit tests of "did you mean": Levenshtein distance and the closeness threshold.
#include "plugin/suggest.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

using logagent::core::closest_name;
using logagent::core::did_you_mean;
using logagent::core::edit_distance;

namespace {

using Names = std::vector<std::string>;

TEST(EditDistance, Basics) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("sitting", "kitten"), 3u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
}

TEST(EditDistance, SingleEdits) {
  EXPECT_EQ(edit_distance("formt", "format"), 1u);    // insertion
  EXPECT_EQ(edit_distance("formatt", "format"), 1u);  // deletion
  EXPECT_EQ(edit_distance("formet", "format"), 1u);   // substitution
  EXPECT_EQ(edit_distance("stdn", "stdin"), 1u);
  EXPECT_EQ(edit_distance("output", "outputs"), 1u);
}

TEST(EditDistance, TranspositionCostsTwo) {
  // Plain Levenshtein, not Damerau: swapping neighbours is two substitutions.
  EXPECT_EQ(edit_distance("ab", "ba"), 2u);
  EXPECT_EQ(edit_distance("fromat", "format"), 2u);
}

TEST(EditDistance, CaseSensitive) { EXPECT_EQ(edit_distance("Format", "format"), 1u); }

TEST(ClosestName, PicksTheClosest) {
  EXPECT_EQ(closest_name("formt", Names{"type", "match", "format"}), "format");
  EXPECT_EQ(closest_name("stdn", Names{"stdout", "stdin"}), "stdin");
  EXPECT_EQ(closest_name("output", Names{"service", "inputs", "filters", "outputs"}), "outputs");
  EXPECT_EQ(closest_name("format", Names{"format"}), "format");  // distance 0
}

TEST(ClosestName, FirstOfEquallyCloseCandidatesWins) {
  EXPECT_EQ(closest_name("cat", Names{"bat", "hat"}), "bat");
  EXPECT_EQ(closest_name("cat", Names{"hat", "bat"}), "hat");
}

TEST(ClosestName, NoCandidates) { EXPECT_EQ(closest_name("format", Names{}), std::nullopt); }

TEST(ClosestName, ShortNamesAllowTwoEdits) {
  // Names shorter than 9 characters: at most 2 edits.
  EXPECT_EQ(closest_name("abcd", Names{"abxy"}), "abxy");                // 2
  EXPECT_EQ(closest_name("abcd", Names{"axyz"}), std::nullopt);          // 3
  EXPECT_EQ(closest_name("abcdefgh", Names{"abcdefxy"}), "abcdefxy");    // 8 chars, 2
  EXPECT_EQ(closest_name("abcdefgh", Names{"abcdexyz"}), std::nullopt);  // 8 chars, 3
}

TEST(ClosestName, LongerNamesAllowAThird) {
  // 9 to 11 characters: 3 edits; 12 to 14: 4.
  EXPECT_EQ(closest_name("abcdefghi", Names{"abcdefxyz"}), "abcdefxyz");           // 3
  EXPECT_EQ(closest_name("abcdefghi", Names{"abcdewxyz"}), std::nullopt);          // 4
  EXPECT_EQ(closest_name("abcdefghijkl", Names{"abcdefghwxyz"}), "abcdefghwxyz");  // 4
  EXPECT_EQ(closest_name("abcdefghijkl", Names{"abcdefgvwxyz"}), std::nullopt);    // 5
}

TEST(ClosestName, UnrelatedNamesGetNoSuggestion) {
  EXPECT_EQ(closest_name("colour_scheme",
                         Names{"type", "match", "retry_backoff", "retry_max_backoff", "retry_limit", "format"}),
            std::nullopt);
  EXPECT_EQ(closest_name("kafka", Names{"null", "stdout"}), std::nullopt);
}

TEST(DidYouMean, Text) {
  EXPECT_EQ(did_you_mean("formt", Names{"format"}), "; did you mean \"format\"?");
  EXPECT_EQ(did_you_mean("xyzzy", Names{"format"}), "");
  EXPECT_EQ(did_you_mean("x", Names{}), "");
}

}  // namespace
