// The tail input's state blob: what encode writes, decode reads back, and what it refuses.
#include "checkpoint.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tail = logagent::plugins::tail;

namespace {

tail::FileCheckpoint file(uint64_t dev, uint64_t ino, uint32_t len, uint64_t fp, uint64_t offset) {
  return tail::FileCheckpoint{tail::FileIdentity{dev, ino, len, fp}, offset};
}

}  // namespace

TEST(TailCheckpoint, EncodesOneReadableLinePerFile) {
  std::string blob = "left over";
  tail::encode({file(65024, 42, 1024, 0xabcdef, 123456), file(1, 2, 0, 0, 0)}, blob);
  EXPECT_EQ(blob,
            "logagent-tail 1\n"
            "65024 42 1024 0000000000abcdef 123456\n"
            "1 2 0 0000000000000000 0\n");
}

TEST(TailCheckpoint, DecodesWhatItEncodedWithExtremeValues) {
  const std::vector<tail::FileCheckpoint> files = {
      file(UINT64_MAX, UINT64_MAX, tail::kFingerprintBytes, UINT64_MAX, UINT64_MAX),
      file(0, 0, 0, 0, 0),
      file(7, 8, 9, tail::fingerprint("abc"), 10),
  };
  std::string blob;
  tail::encode(files, blob);
  std::string error;
  auto back = tail::decode(blob, &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(*back, files);
}

TEST(TailCheckpoint, NoFilesAndAnEmptyBlobAreBothNoCheckpoint) {
  std::string blob;
  tail::encode({}, blob);
  EXPECT_EQ(blob, "logagent-tail 1\n");
  EXPECT_EQ(tail::decode(blob, nullptr)->size(), 0u);
  EXPECT_EQ(tail::decode("", nullptr)->size(), 0u);
}

TEST(TailCheckpoint, RefusesWhatItDidNotWrite) {
  const char* const bad[] = {
      "5000",                                                            // another input's blob
      "logagent-tail 2\n1 2 3 0000000000000004 5\n",                     // a newer format
      "logagent-tail 1\n1 2 3 0000000000000004\n",                       // a field missing
      "logagent-tail 1\n1 2 3 0000000000000004 5",                       // cut before the newline
      "logagent-tail 1\n1 2 1025 0000000000000004 5\n",                  // a longer fingerprint than any written
      "logagent-tail 1\n1 2 3 000000000000000g 5\n",                     // not hex
      "logagent-tail 1\n-1 2 3 0000000000000004 5\n",                    // negative
      "logagent-tail 1\n1  2 3 0000000000000004 5\n",                    // two spaces
      "logagent-tail 1\n1 2 3 0000000000000004 99999999999999999999\n",  // out of range
  };
  for (const char* blob : bad) {
    std::string error;
    EXPECT_FALSE(tail::decode(blob, &error).has_value()) << blob;
    EXPECT_FALSE(error.empty()) << blob;
  }
  std::string error;
  tail::decode("logagent-tail 1\n1 2 3 0000000000000004 5\nx\n", &error);
  EXPECT_EQ(error, "line 3 is not \"<dev> <ino> <length> <fingerprint> <offset>\"");
}

TEST(TailCheckpoint, FingerprintIsFnv1a64) {
  EXPECT_EQ(tail::fingerprint(""), 14695981039346656037ull);
  EXPECT_EQ(tail::fingerprint("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_NE(tail::fingerprint("ab"), tail::fingerprint("ba"));
}
