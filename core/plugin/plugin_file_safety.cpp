// Checking that nobody but root and the agent's user can change a plugin or what leads to it.
#include "plugin/plugin_file_safety.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace logagent::core {
namespace {

namespace fs = std::filesystem;

// What the path being looked at is to the plugin: which rule applies, how messages name it.
enum class Role {
  kOnThePath,     // a folder a name is looked up in: others may write to it if it is sticky
  kPluginFolder,  // the folder searched for plugins: nobody else may add a file to it
  kPlugin,        // the library itself
};

// As the kernel's own limit on the links one lookup follows (ELOOP).
constexpr int kMaxLinks = 40;

std::string_view rule_subject(Role role) {
  switch (role) {
    case Role::kOnThePath:
      return "a folder on the path of a plugin";
    case Role::kPluginFolder:
      return "a plugin folder";
    case Role::kPlugin:
      return "a plugin";
  }
  return "";
}

bool trusted_owner(uid_t uid) { return uid == 0 || uid == geteuid(); }

// True when the file's group is its owner's own: the owner's primary group, with no member
// but the owner (Debian's and Ubuntu's user-private groups, under which the usual umask is
// 002). Writing for that group is writing for the owner alone, so its write bit is no risk;
// OpenSSH as Debian builds it accepts such files for the same reason.
bool group_is_owner_alone(const struct stat& st) {
  std::vector<char> buffer(16384);
  passwd pw{};
  passwd* user = nullptr;
  int error = 0;
  while ((error = getpwuid_r(st.st_uid, &pw, buffer.data(), buffer.size(), &user)) == ERANGE &&
         buffer.size() < (size_t{1} << 20))
    buffer.resize(buffer.size() * 2);
  if (error != 0 || user == nullptr || pw.pw_gid != st.st_gid) return false;
  const std::string owner = pw.pw_name;

  group gr{};
  group* found = nullptr;
  while ((error = getgrgid_r(st.st_gid, &gr, buffer.data(), buffer.size(), &found)) == ERANGE &&
         buffer.size() < (size_t{1} << 20))
    buffer.resize(buffer.size() * 2);
  if (error != 0 || found == nullptr) return false;
  for (char** member = gr.gr_mem; *member != nullptr; ++member) {
    if (owner != *member) return false;
  }
  return true;
}

std::string octal_mode(mode_t mode) {
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return text.data();
}

// Whether anyone but the owner can write to what `st` describes.
bool others_can_write(const struct stat& st) {
  return (st.st_mode & S_IWOTH) != 0 || ((st.st_mode & S_IWGRP) != 0 && !group_is_owner_alone(st));
}

std::string owner_problem(const struct stat& st) {
  return "owned by uid " + std::to_string(st.st_uid) + ", neither root nor the agent's user (uid " +
         std::to_string(geteuid()) + ")";
}

// What is wrong with `path` (status `st`) in `role`, or nullopt. `named` says what the
// path is to the one being checked ("the folder /x on its path is "), or is empty when it
// is that one itself.
std::optional<std::string> problem_of(const fs::path& path, const struct stat& st, Role role,
                                      const std::string& named) {
  const std::string who(rule_subject(role));
  if (!trusted_owner(st.st_uid))
    return named + owner_problem(st) + "; " + who + " must belong to one of them (chown root " + path.string() + ")";
  mode_t writable = st.st_mode & (S_IWGRP | S_IWOTH);
  if ((writable & S_IWGRP) != 0 && group_is_owner_alone(st)) writable &= ~S_IWGRP;
  const bool sticky = (st.st_mode & S_ISVTX) != 0;
  // In a sticky folder nobody can rename or remove another user's entry, so the names
  // leading to a plugin stay put; a plugin folder would still take anyone's new file.
  if (writable == 0 || (role == Role::kOnThePath && sticky)) return std::nullopt;
  const bool group = (writable & S_IWGRP) != 0;
  const bool others = (writable & S_IWOTH) != 0;
  const std::string by = group && others ? "group and others" : group ? "group" : "others";
  const std::string letters = std::string(group ? "g" : "") + (others ? "o" : "");
  std::string rule = who + " must be writable only by its owner and root";
  if (role == Role::kOnThePath) rule += ", or have the sticky bit as /tmp has";
  if (role == Role::kPluginFolder && sticky) rule += ", sticky bit or not, since anyone could add a plugin to it";
  return named + "writable by " + by + " (mode " + octal_mode(st.st_mode) + ")" +
         (role == Role::kOnThePath ? " without the sticky bit" : "") + "; " + rule + " (chmod " + letters + "-w " +
         path.string() + ")";
}

std::string errno_text() { return std::strerror(errno); }

// Resolves `subject` one name at a time as the kernel would, checking each folder a name
// is looked up in, then what the path names in the end against the rule of `role`.
std::optional<std::string> check_path(const fs::path& subject, Role role) {
  const std::string refused =
      subject.string() + (role == Role::kPluginFolder ? ": refused as a plugin folder: " : ": refused: ");
  if (!subject.is_absolute())
    return refused + "the path is relative, so what it names depends on the current directory; give an absolute path";
  std::deque<fs::path> pending(subject.begin(), subject.end());
  fs::path current = "/";
  int links = 0;
  struct stat st {};
  while (!pending.empty()) {
    const fs::path name = std::move(pending.front());
    pending.pop_front();
    if (name == "/") {
      current = "/";
      continue;
    }
    if (name.empty() || name == ".") continue;
    if (name == "..") {  // of the folder reached, links resolved: as the kernel does
      current = current.parent_path();
      continue;
    }
    // Whoever can write to `current` decides what `name` is.
    struct stat folder {};
    if (lstat(current.c_str(), &folder) != 0) return refused + "cannot check " + current.string() + ": " + errno_text();
    if (auto problem =
            problem_of(current, folder, Role::kOnThePath, "the folder " + current.string() + " on its path is "))
      return refused + *problem;
    fs::path next = current / name;
    if (lstat(next.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;  // missing: the caller says so
      return refused + "cannot check " + next.string() + ": " + errno_text();
    }
    if (!S_ISLNK(st.st_mode)) {
      current = std::move(next);
      continue;
    }
    if (++links > kMaxLinks) return refused + "more than " + std::to_string(kMaxLinks) + " symbolic links on its path";
    // The folder passed, so if others can write to it, it is sticky: the link's owner can
    // still replace it.
    if (others_can_write(folder) && !trusted_owner(st.st_uid))
      return refused + "the link " + next.string() + " on its path is " + owner_problem(st) +
             "; a link in a folder others can write to must belong to one of them (chown -h root " + next.string() +
             ")";
    std::error_code ec;
    const fs::path target = fs::read_symlink(next, ec);
    if (ec) return refused + "cannot read the link " + next.string() + ": " + ec.message();
    pending.insert(pending.begin(), target.begin(), target.end());
  }
  if (lstat(current.c_str(), &st) != 0) return refused + "cannot check " + current.string() + ": " + errno_text();
  fs::path as_given = subject.lexically_normal();
  if (!as_given.has_filename()) as_given = as_given.parent_path();  // a trailing "/"
  const std::string named = current == as_given ? "" : "its target " + current.string() + " is ";
  if (auto problem = problem_of(current, st, role, named)) return refused + *problem;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> plugin_folder_problem(const std::filesystem::path& folder) {
  return check_path(folder, Role::kPluginFolder);
}

std::optional<std::string> plugin_file_problem(const std::filesystem::path& file) {
  return check_path(file, Role::kPlugin);
}

}  // namespace logagent::core
