// Unit tests of the checkpoint store: folders, atomic replacement, coalesced writes, reload.
#include "state/checkpoint_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using logagent::core::CheckpointStore;
using logagent::core::StateSlot;
using ::testing::HasSubstr;

class CheckpointStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("checkpoint_store_test_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path root_;
};

TEST_F(CheckpointStoreTest, OpenCreatesAPrivateFolderPerInstance) {
  CheckpointStore store(root_.string(), 1'000'000'000);
  std::string error;
  StateSlot* slot = store.open("tail.app", error);
  ASSERT_NE(slot, nullptr) << error;
  EXPECT_EQ(slot->folder, (root_ / "tail.app").string());
  EXPECT_FALSE(slot->loaded.has_value());
  struct stat st {};
  ASSERT_EQ(::stat(slot->folder.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(store.open("tail.app", error), slot);  // the same instance, the same slot
}

TEST_F(CheckpointStoreTest, FlushWritesTheNewestBlobAndANewStoreLoadsIt) {
  {
    CheckpointStore store(root_.string(), 60'000'000'000);  // the writer thread will not get to it
    std::string error;
    StateSlot* slot = store.open("tail.app", error);
    ASSERT_NE(slot, nullptr) << error;
    store.save(*slot, "first");
    store.save(*slot, std::string("second\0with nul", 15));
    ASSERT_TRUE(store.flush());
    EXPECT_EQ(read(root_ / "tail.app" / "checkpoint"), std::string("second\0with nul", 15));
    EXPECT_FALSE(fs::exists(root_ / "tail.app" / "checkpoint.tmp"));
    store.save(*slot, "third");  // written by the destructor
  }
  CheckpointStore again(root_.string(), 1'000'000'000);
  std::string error;
  StateSlot* slot = again.open("tail.app", error);
  ASSERT_NE(slot, nullptr) << error;
  ASSERT_TRUE(slot->loaded.has_value());
  EXPECT_EQ(*slot->loaded, "third");
}

TEST_F(CheckpointStoreTest, TheWriterThreadSavesWithinTheInterval) {
  CheckpointStore store(root_.string(), 20'000'000);
  std::string error;
  StateSlot* slot = store.open("in", error);
  ASSERT_NE(slot, nullptr) << error;
  for (int i = 0; i < 1000; ++i) store.save(*slot, "position " + std::to_string(i));
  const fs::path file = root_ / "in" / "checkpoint";
  // Not a timing assertion: waits (up to 10 s) for the write the store promises.
  for (int i = 0; i < 1000 && read(file) != "position 999"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(read(file), "position 999");
}

// A crash between writing the temporary file and the rename leaves it behind; the previous
// checkpoint is what counts.
TEST_F(CheckpointStoreTest, ALeftoverTemporaryFileIsNotTheCheckpoint) {
  fs::create_directories(root_ / "in");
  std::ofstream(root_ / "in" / "checkpoint") << "complete";
  std::ofstream(root_ / "in" / "checkpoint.tmp") << "torn wr";
  CheckpointStore store(root_.string(), 1'000'000'000);
  std::string error;
  StateSlot* slot = store.open("in", error);
  ASSERT_NE(slot, nullptr) << error;
  ASSERT_TRUE(slot->loaded.has_value());
  EXPECT_EQ(*slot->loaded, "complete");
}

TEST_F(CheckpointStoreTest, AStateFolderThatIsAFileIsAnError) {
  fs::create_directories(root_);
  std::ofstream(root_ / "in") << "not a folder";
  CheckpointStore store(root_.string(), 1'000'000'000);
  std::string error;
  EXPECT_EQ(store.open("in", error), nullptr);
  EXPECT_THAT(error, HasSubstr((root_ / "in").string()));
  EXPECT_THAT(error, HasSubstr("not a folder"));
}

}  // namespace
