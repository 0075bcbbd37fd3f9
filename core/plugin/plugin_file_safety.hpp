// Whether a plugin file or folder is safe to load from: nobody but its owner and root may
// change it (as sshd's StrictModes refuses key files others could write).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace logagent::core {

// Loading a library runs its code as the agent's user, so whoever could change a plugin,
// or the folders that lead to it, could run code as that user. Both checks walk the path
// component by component, following symbolic links, and look at every folder a name is
// looked up in ("on its path"): each must belong to root or to the agent's effective uid,
// and may be writable by group or others only with the sticky bit (as /tmp is, where
// nobody can rename or remove another user's entry); a link met in such a sticky folder
// must belong to root or the agent's user too. A group's write bit counts only when the
// group is not the owner's alone (its primary group with no other member: a user-private
// group, as Debian and Ubuntu create for every user). A relative path is refused: what it names
// depends on the current directory. A path that does not exist is not refused here: the
// caller reports it missing as it always has.

// Why plugins may not be loaded from `folder`, as "<folder>: refused as a plugin folder:
// <reason>", or nullopt. Besides its path, the folder itself (its target, if a link) must
// belong to root or the agent's user and be writable by neither group nor others, sticky
// bit or not: anyone who can add a file to it can add a plugin.
std::optional<std::string> plugin_folder_problem(const std::filesystem::path& folder);

// Why `file` may not be loaded as a plugin, as "<file>: refused: <reason>", or nullopt.
// Besides its path, the file itself (its final target, if a link) must belong to root or
// the agent's user and be writable by neither group nor others.
std::optional<std::string> plugin_file_problem(const std::filesystem::path& file);

}  // namespace logagent::core
