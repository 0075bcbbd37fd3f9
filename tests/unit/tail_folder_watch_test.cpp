// The tail input's inotify folder watch: which folder a glob's files appear in, and what events report.
#include "folder_watch.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace logagent::plugins::tail {
namespace {

TEST(FolderOf, IsThePartBeforeTheLastSlash) {
  EXPECT_EQ(folder_of("/var/log/syslog"), "/var/log");
  EXPECT_EQ(folder_of("/syslog"), "/");
  EXPECT_EQ(folder_of("app.log"), ".");
  EXPECT_EQ(folder_of("logs/app.log"), "logs");
}

TEST(FixedFolderOfGlob, StopsAtTheFirstWildcard) {
  EXPECT_EQ(fixed_folder_of_glob("/var/log/nginx/*.log"), "/var/log/nginx");
  EXPECT_EQ(fixed_folder_of_glob("/var/log/*/access.log"), "/var/log");
  EXPECT_EQ(fixed_folder_of_glob("/var/log/app-[0-9].log"), "/var/log");
  EXPECT_EQ(fixed_folder_of_glob("/var/log/app.log"), "/var/log");
  EXPECT_EQ(fixed_folder_of_glob("*.log"), ".");
  EXPECT_EQ(fixed_folder_of_glob("/*.log"), "/");
}

class FolderWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/logagent-watch-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void append(const std::string& path, const char* text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, text, std::strlen(text)), static_cast<ssize_t>(std::strlen(text)));
    ::close(fd);
  }

  std::string dir_;
};

// A Host is only used for warnings, which these cases do not cause: a null host table is
// never called.
Host no_host() { return Host(nullptr, nullptr); }

TEST_F(FolderWatchTest, ReportsCreatesAsNamesAndWritesWithTheirPath) {
  FolderWatch watch(no_host(), true);
  ASSERT_GE(watch.fd(), 0);
  watch.watch(dir_);
  FolderWatch::Changes changes;
  watch.drain(changes);
  EXPECT_FALSE(changes.names);
  EXPECT_FALSE(changes.data);

  append(dir_ + "/a.log", "one\n");  // create, then write
  watch.drain(changes);
  EXPECT_TRUE(changes.names);
  EXPECT_TRUE(changes.data);
  EXPECT_EQ(changes.written.count(dir_ + "/a.log"), 1u);

  append(dir_ + "/a.log", "two\n");  // a write alone
  watch.drain(changes);
  EXPECT_FALSE(changes.names);
  EXPECT_TRUE(changes.data);
  EXPECT_EQ(changes.written.size(), 1u);

  ASSERT_EQ(std::rename((dir_ + "/a.log").c_str(), (dir_ + "/a.log.1").c_str()), 0);
  watch.drain(changes);
  EXPECT_TRUE(changes.names);
  EXPECT_FALSE(changes.data);
}

TEST_F(FolderWatchTest, WatchingAFolderTwiceOrAMissingOneChangesNothing) {
  FolderWatch watch(no_host(), true);
  watch.watch(dir_);
  watch.watch(dir_);
  watch.watch(dir_ + "/not-there");  // ENOENT: polled, not warned about
  append(dir_ + "/b.log", "x\n");
  FolderWatch::Changes changes;
  watch.drain(changes);
  EXPECT_EQ(changes.written.size(), 1u);
}

TEST(FolderWatchDisabled, HasNoDescriptorAndReportsNothing) {
  FolderWatch watch(no_host(), false);
  EXPECT_LT(watch.fd(), 0);
  watch.watch("/tmp");
  FolderWatch::Changes changes;
  watch.drain(changes);
  EXPECT_FALSE(changes.names || changes.data);
}

}  // namespace
}  // namespace logagent::plugins::tail
