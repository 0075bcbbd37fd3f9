// The logagent command line: run, check, plugins, --version.
#include "cli/commands.hpp"

#include <logagent/plugin.h>

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#ifndef LOGAGENT_VERSION
#define LOGAGENT_VERSION "0.0.0"
#endif

namespace {

// A closed standard descriptor would be taken by the next file the agent opens: stdin
// would then read a plugin's eventfd, stdout would write into a socket. Started with one
// closed, the agent gets /dev/null there, as daemons do.
void open_closed_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) {  // a lower one was closed too and got it: next turn
      dup2(opened, fd);
      close(opened);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace logagent::cli;
  open_closed_standard_fds();
  CLI::App app{"logagent: collects logs through input, filter and output plugins wired by a TOML pipeline"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and the plugin ABI version");

  std::string run_file;
  auto* run = app.add_subcommand("run", "Run a pipeline until SIGINT/SIGTERM or until every input has finished");
  run->add_option("-c,--config", run_file, "Pipeline file (TOML)")->required();

  std::string check_file;
  auto* check = app.add_subcommand("check", "Validate a pipeline: plugins load, options are valid, instances start");
  check->add_option("-c,--config", check_file, "Pipeline file (TOML)")->required();

  std::string plugin_name;
  auto* plugins = app.add_subcommand("plugins", "List the plugins found, or one plugin's options");
  plugins->add_option("name", plugin_name, "Plugin name");

  app.footer(
      "Exit status: 0 success, 1 invalid usage or configuration, 2 an input failed, 3 shutdown grace period ran out "
      "(events unacknowledged or an input not stopping).");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitInvalid;
  }
  if (version) {
    std::printf("logagent %s (plugin ABI %d.%d)\n", LOGAGENT_VERSION, LOGAGENT_ABI_MAJOR, LOGAGENT_ABI_MINOR);
    return kExitOk;
  }
  if (*run) return run_command(run_file);
  if (*check) return check_command(check_file);
  if (*plugins) return plugins_command(plugin_name);
  std::fputs(app.help().c_str(), stdout);
  return kExitInvalid;
}
