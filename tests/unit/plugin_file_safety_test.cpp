// Unit tests of plugin_file_safety: which modes, owners, links and relative paths make a
// plugin file or folder refused, and the exact words that say why and what to do.
#include "plugin/plugin_file_safety.hpp"

#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace fs = std::filesystem;
using logagent::core::plugin_file_problem;
using logagent::core::plugin_folder_problem;

namespace {

// Nobody else can own a file the agent runs as root; 65534 is "nobody" on most systems.
constexpr uid_t kOtherUid = 65534;
// A group that is not the agent's own ("nogroup" on Debian): its write bit lets others write.
constexpr gid_t kOtherGid = 65534;

// The agent's primary group, when nobody but the agent's user is in it (a user-private
// group; root's group on Debian), else nullopt.
std::optional<gid_t> own_private_group() {
  const passwd* pw = ::getpwuid(::geteuid());
  if (pw == nullptr) return std::nullopt;
  const std::string user = pw->pw_name;
  const gid_t gid = pw->pw_gid;
  const group* gr = ::getgrgid(gid);
  if (gr == nullptr) return std::nullopt;
  for (char** member = gr->gr_mem; *member != nullptr; ++member) {
    if (user != *member) return std::nullopt;
  }
  return gid;
}

// A folder of the test's own in the temporary folder (sticky /tmp, which is fine on the
// way), with files and folders of the modes asked for; removed with the test.
class PluginFileSafety : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("logagent-safety-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directory(root_);
    set_mode(root_, 0755);  // whatever the umask
    ASSERT_EQ(plugin_folder_problem(root_), std::nullopt) << "the temporary folder itself is refused";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  fs::path folder(const std::string& name, mode_t mode) {
    fs::path p = root_ / name;
    fs::create_directories(p);
    set_mode(p, mode);
    return p;
  }
  fs::path file(const std::string& name, mode_t mode) {
    fs::path p = root_ / name;
    std::ofstream(p) << "not looked at";
    set_mode(p, mode);
    return p;
  }
  fs::path link(const fs::path& target, const std::string& name) {
    fs::path p = root_ / name;
    fs::create_symlink(target, p);
    return p;
  }
  // A group-writable mode is given a group of others (as root), since the write bit of the
  // owner's own private group is no risk and is accepted.
  static void set_mode(const fs::path& p, mode_t mode) {
    ASSERT_EQ(::chmod(p.c_str(), mode), 0) << p;
    if ((mode & S_IWGRP) != 0 && can_chown()) {
      ASSERT_EQ(::lchown(p.c_str(), -1, kOtherGid), 0) << p;
    }
  }
  // chown and chgrp to another group need root; CI runs the tests as root.
  static bool can_chown() { return ::geteuid() == 0; }
  static void give_away(const fs::path& p) { ASSERT_EQ(::lchown(p.c_str(), kOtherUid, kOtherUid), 0) << p; }

  fs::path root_;
};

std::string agent_uid() { return std::to_string(::geteuid()); }

// ---------------------------------------------------------------------------------------
// Files

TEST_F(PluginFileSafety, FileWritableOnlyByItsOwnerIsAccepted) {
  for (mode_t mode : {0644, 0755, 0600, 0444, 04755}) {
    const fs::path f = file("out_a.so", mode);
    EXPECT_EQ(plugin_file_problem(f), std::nullopt) << std::oct << mode;
    fs::remove(f);
  }
}

TEST_F(PluginFileSafety, GroupWritableFileIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "a group of others needs chgrp, which needs root";
  const fs::path f = file("out_a.so", 0664);
  EXPECT_EQ(plugin_file_problem(f), f.string() +
                                        ": refused: writable by group (mode 0664); a plugin must be writable only by "
                                        "its owner and root (chmod g-w " +
                                        f.string() + ")");
}

TEST_F(PluginFileSafety, WritableByTheOwnersOwnGroupIsAccepted) {
  const std::optional<gid_t> own = own_private_group();
  if (!own) GTEST_SKIP() << "the agent's primary group has other members";
  const fs::path d = root_ / "plugins";
  fs::create_directory(d);
  const fs::path f = d / "out_a.so";
  std::ofstream(f) << "not looked at";
  for (const fs::path& p : {d, f}) {
    ASSERT_EQ(::chmod(p.c_str(), 0775), 0);
    ASSERT_EQ(::lchown(p.c_str(), -1, *own), 0);
  }
  EXPECT_EQ(plugin_folder_problem(d), std::nullopt);
  EXPECT_EQ(plugin_file_problem(f), std::nullopt);
  // Others still may not write, whatever the group.
  ASSERT_EQ(::chmod(f.c_str(), 0666), 0);
  EXPECT_EQ(plugin_file_problem(f), f.string() +
                                        ": refused: writable by others (mode 0666); a plugin must be writable only by "
                                        "its owner and root (chmod o-w " +
                                        f.string() + ")");
}

TEST_F(PluginFileSafety, OthersWritableFileIsRefused) {
  const fs::path f = file("out_a.so", 0646);
  EXPECT_EQ(plugin_file_problem(f), f.string() +
                                        ": refused: writable by others (mode 0646); a plugin must be writable only by "
                                        "its owner and root (chmod o-w " +
                                        f.string() + ")");
}

TEST_F(PluginFileSafety, FileWritableByGroupAndOthersIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "a group of others needs chgrp, which needs root";
  const fs::path f = file("out_a.so", 0666);
  EXPECT_EQ(plugin_file_problem(f), f.string() +
                                        ": refused: writable by group and others (mode 0666); a plugin must be "
                                        "writable only by its owner and root (chmod go-w " +
                                        f.string() + ")");
}

TEST_F(PluginFileSafety, FileOfAnotherUserIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "chown needs root";
  const fs::path f = file("out_a.so", 0644);
  give_away(f);
  EXPECT_EQ(plugin_file_problem(f), f.string() + ": refused: owned by uid 65534, neither root nor the agent's user " +
                                        "(uid " + agent_uid() + "); a plugin must belong to one of them (chown root " +
                                        f.string() + ")");
}

TEST_F(PluginFileSafety, FileInAFolderOthersCanWriteToIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "a group of others needs chgrp, which needs root";
  // Whoever can write to the folder can replace the file, whatever the file's own mode.
  folder("open", 0775);
  const fs::path f = file("open/out_a.so", 0644);
  EXPECT_EQ(plugin_file_problem(f), f.string() + ": refused: the folder " + (root_ / "open").string() +
                                        " on its path is writable by group (mode 0775) without the sticky bit; a "
                                        "folder on the path of a plugin must be writable only by its owner and root, "
                                        "or have the sticky bit as /tmp has (chmod g-w " +
                                        (root_ / "open").string() + ")");
}

TEST_F(PluginFileSafety, FileInAStickyFolderIsAccepted) {
  // Nobody else can rename or remove it there (the registry still refuses such a folder as
  // a plugin folder: see below).
  folder("sticky", 01777);
  EXPECT_EQ(plugin_file_problem(file("sticky/out_a.so", 0644)), std::nullopt);
}

TEST_F(PluginFileSafety, MissingFileIsLeftToTheLoader) {
  EXPECT_EQ(plugin_file_problem(root_ / "no_such.so"), std::nullopt);
  EXPECT_EQ(plugin_file_problem(root_ / "no_such" / "out_a.so"), std::nullopt);
  EXPECT_EQ(plugin_folder_problem(root_ / "no_such"), std::nullopt);
}

TEST_F(PluginFileSafety, RelativePathsAreRefused) {
  EXPECT_EQ(plugin_file_problem("plugins/out_a.so"),
            "plugins/out_a.so: refused: the path is relative, so what it names depends on the current directory; give "
            "an absolute path");
  EXPECT_EQ(plugin_file_problem("out_a.so"),
            "out_a.so: refused: the path is relative, so what it names depends on the current directory; give an "
            "absolute path");
  EXPECT_EQ(plugin_folder_problem("plugins"),
            "plugins: refused as a plugin folder: the path is relative, so what it names depends on the current "
            "directory; give an absolute path");
}

// ---------------------------------------------------------------------------------------
// Symbolic links: what they lead to is checked, and the folders on the way there

TEST_F(PluginFileSafety, LinkToASafeFileIsAccepted) {
  folder("lib", 0755);
  const fs::path target = file("lib/real.so", 0755);
  folder("plugins", 0755);
  EXPECT_EQ(plugin_file_problem(link(target, "plugins/out_a.so")), std::nullopt);
  EXPECT_EQ(plugin_file_problem(link("../lib/real.so", "plugins/out_b.so")), std::nullopt);
}

TEST_F(PluginFileSafety, LinkToALooseFileIsRefusedNamingTheTarget) {
  if (!can_chown()) GTEST_SKIP() << "a group of others needs chgrp, which needs root";
  folder("lib", 0755);
  const fs::path target = file("lib/real.so", 0666);
  folder("plugins", 0755);
  const fs::path l = link("../lib/real.so", "plugins/out_a.so");
  EXPECT_EQ(plugin_file_problem(l), l.string() + ": refused: its target " + target.string() +
                                        " is writable by group and others (mode 0666); a plugin must be writable only "
                                        "by its owner and root (chmod go-w " +
                                        target.string() + ")");
}

TEST_F(PluginFileSafety, LinkIntoALooseFolderIsRefusedNamingThatFolder) {
  const fs::path open = folder("open", 0757);
  const fs::path target = file("open/real.so", 0644);
  folder("plugins", 0755);
  const fs::path l = link(target, "plugins/out_a.so");
  EXPECT_EQ(plugin_file_problem(l), l.string() + ": refused: the folder " + open.string() +
                                        " on its path is writable by others (mode 0757) without the sticky bit; a "
                                        "folder on the path of a plugin must be writable only by its owner and root, "
                                        "or have the sticky bit as /tmp has (chmod o-w " +
                                        open.string() + ")");
}

TEST_F(PluginFileSafety, LinkOfAnotherUserInAStickyFolderIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "chown needs root";
  // Its owner may remove it from the sticky folder and point it elsewhere.
  folder("lib", 0755);
  const fs::path target = file("lib/real.so", 0644);
  folder("sticky", 01777);
  const fs::path l = link(target, "sticky/out_a.so");
  give_away(l);
  EXPECT_EQ(plugin_file_problem(l), l.string() + ": refused: the link " + l.string() +
                                        " on its path is owned by uid 65534, neither root nor the agent's user (uid " +
                                        agent_uid() +
                                        "); a link in a folder others can write to must belong to one of them "
                                        "(chown -h root " +
                                        l.string() + ")");
  // In a folder only root and the agent's user can write to, nobody else can change it.
  folder("plugins", 0755);
  const fs::path kept = link(target, "plugins/out_a.so");
  give_away(kept);
  EXPECT_EQ(plugin_file_problem(kept), std::nullopt);
}

TEST_F(PluginFileSafety, LinkLoopIsRefused) {
  folder("plugins", 0755);
  const fs::path l = link("out_a.so", "plugins/out_a.so");
  EXPECT_EQ(plugin_file_problem(l), l.string() + ": refused: more than 40 symbolic links on its path");
}

// ---------------------------------------------------------------------------------------
// Plugin folders

TEST_F(PluginFileSafety, FolderWritableOnlyByItsOwnerIsAccepted) {
  EXPECT_EQ(plugin_folder_problem(folder("plugins", 0755)), std::nullopt);
  EXPECT_EQ(plugin_folder_problem(folder("private", 0700)), std::nullopt);
  EXPECT_EQ(plugin_folder_problem(root_ / "private" / ""), std::nullopt);  // a trailing slash
}

TEST_F(PluginFileSafety, GroupWritableFolderIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "a group of others needs chgrp, which needs root";
  const fs::path d = folder("plugins", 0775);
  EXPECT_EQ(plugin_folder_problem(d), d.string() +
                                          ": refused as a plugin folder: writable by group (mode 0775); a plugin "
                                          "folder must be writable only by its owner and root (chmod g-w " +
                                          d.string() + ")");
}

TEST_F(PluginFileSafety, OthersWritableFolderIsRefused) {
  const fs::path d = folder("plugins", 0757);
  EXPECT_EQ(plugin_folder_problem(d), d.string() +
                                          ": refused as a plugin folder: writable by others (mode 0757); a plugin "
                                          "folder must be writable only by its owner and root (chmod o-w " +
                                          d.string() + ")");
}

TEST_F(PluginFileSafety, StickyWorldWritableFolderIsRefusedAsAPluginFolder) {
  if (!can_chown()) GTEST_SKIP() << "a group of others needs chgrp, which needs root";
  // The sticky bit keeps others from replacing a plugin, not from adding one.
  const fs::path d = folder("plugins", 01777);
  EXPECT_EQ(plugin_folder_problem(d), d.string() +
                                          ": refused as a plugin folder: writable by group and others (mode 1777); a "
                                          "plugin folder must be writable only by its owner and root, sticky bit or "
                                          "not, since anyone could add a plugin to it (chmod go-w " +
                                          d.string() + ")");
}

TEST_F(PluginFileSafety, StickyFolderOnThePathIsAccepted) {
  folder("sticky", 01777);
  EXPECT_EQ(plugin_folder_problem(folder("sticky/plugins", 0755)), std::nullopt);
}

TEST_F(PluginFileSafety, LooseFolderOnThePathIsRefused) {
  const fs::path open = folder("open", 0757);
  const fs::path d = folder("open/plugins", 0755);
  EXPECT_EQ(plugin_folder_problem(d), d.string() + ": refused as a plugin folder: the folder " + open.string() +
                                          " on its path is writable by others (mode 0757) without the sticky bit; a "
                                          "folder on the path of a plugin must be writable only by its owner and "
                                          "root, or have the sticky bit as /tmp has (chmod o-w " +
                                          open.string() + ")");
  const fs::path f = file("open/plugins/out_a.so", 0644);
  EXPECT_EQ(plugin_file_problem(f), f.string() + ": refused: the folder " + open.string() +
                                        " on its path is writable by others (mode 0757) without the sticky bit; a "
                                        "folder on the path of a plugin must be writable only by its owner and root, "
                                        "or have the sticky bit as /tmp has (chmod o-w " +
                                        open.string() + ")");
}

TEST_F(PluginFileSafety, LinkToALooseFolderIsRefusedNamingTheTarget) {
  if (!can_chown()) GTEST_SKIP() << "a group of others needs chgrp, which needs root";
  const fs::path target = folder("real", 0775);
  const fs::path l = link(target, "plugins");
  EXPECT_EQ(plugin_folder_problem(l), l.string() + ": refused as a plugin folder: its target " + target.string() +
                                          " is writable by group (mode 0775); a plugin folder must be writable only "
                                          "by its owner and root (chmod g-w " +
                                          target.string() + ")");
}

TEST_F(PluginFileSafety, FolderOfAnotherUserIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "chown needs root";
  const fs::path d = folder("plugins", 0755);
  give_away(d);
  EXPECT_EQ(plugin_folder_problem(d), d.string() +
                                          ": refused as a plugin folder: owned by uid 65534, neither root nor the "
                                          "agent's user (uid " +
                                          agent_uid() + "); a plugin folder must belong to one of them (chown root " +
                                          d.string() + ")");
}

TEST_F(PluginFileSafety, FolderOfAnotherUserOnThePathIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "chown needs root";
  const fs::path theirs = folder("theirs", 0755);
  const fs::path d = folder("theirs/plugins", 0755);
  give_away(theirs);
  EXPECT_EQ(plugin_folder_problem(d), d.string() + ": refused as a plugin folder: the folder " + theirs.string() +
                                          " on its path is owned by uid 65534, neither root nor the agent's user "
                                          "(uid " +
                                          agent_uid() +
                                          "); a folder on the path of a plugin must belong to one of "
                                          "them (chown root " +
                                          theirs.string() + ")");
}

}  // namespace
