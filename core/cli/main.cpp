// The logagent command line: run, check, test, plugins, --version.
#include "cli/commands.hpp"

#include <logagent/plugin.h>

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

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

// The pipeline file of a subcommand, given as its argument (what people type first) or
// with -c/--config (what scripts and the docs of other agents use): exactly one of them.
struct PipelineFileArgs {
  std::string positional;
  std::string option;
  CLI::Option* positional_opt = nullptr;
  CLI::Option* option_opt = nullptr;

  void add_to(CLI::App& sub) {
    positional_opt = sub.add_option("PIPELINE", positional, "Pipeline file (TOML)");
    option_opt = sub.add_option("-c,--config", option, "Pipeline file (TOML), instead of the argument");
  }

  // The file, or nullopt after printing a usage error naming the subcommand.
  std::optional<std::string> file(const CLI::App& sub) const {
    const bool as_argument = positional_opt->count() > 0;
    const bool as_option = option_opt->count() > 0;
    if (as_argument && as_option) {
      std::fprintf(stderr, "%s: give the pipeline file once, either as the argument or with -c/--config\n",
                   sub.get_name().c_str());
    } else if (!as_argument && !as_option) {
      std::fprintf(stderr, "%s: a pipeline file is required: logagent %s PIPELINE.toml\n", sub.get_name().c_str(),
                   sub.get_name().c_str());
    } else {
      return as_argument ? positional : option;
    }
    std::fprintf(stderr, "Run with --help for more information.\n");
    return std::nullopt;
  }
};

int parse_and_run(int argc, char** argv) {
  using namespace logagent::cli;
  CLI::App app{"logagent: collects logs through input, filter and output plugins wired by a TOML pipeline"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and the plugin ABI version");

  PipelineFileArgs run_file;
  auto* run = app.add_subcommand("run", "Run a pipeline until SIGINT/SIGTERM or until every input has finished");
  run_file.add_to(*run);

  PipelineFileArgs check_file;
  auto* check = app.add_subcommand("check", "Validate a pipeline: plugins load, options are valid, instances start");
  check_file.add_to(*check);

  PipelineFileArgs test_file;
  auto* test = app.add_subcommand("test", "Run the pipeline's [[tests]] through its filters; no input or output runs");
  test_file.add_to(*test);

  std::string plugin_name;
  auto* plugins = app.add_subcommand("plugins", "List the plugins found, or one plugin's options");
  plugins->add_option("name", plugin_name, "Plugin name");

  app.footer(
      "Exit status: 0 success, 1 invalid usage or configuration, 2 an input failed, 3 shutdown grace period ran out "
      "(events unacknowledged or an input not stopping), 4 events were not delivered (a permanent output error); "
      "test: 0 every test passed, 1 a test failed or the file is invalid.");

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
  if (*run) {
    auto file = run_file.file(*run);
    return file ? run_command(*file) : kExitInvalid;
  }
  if (*check) {
    auto file = check_file.file(*check);
    return file ? check_command(*file) : kExitInvalid;
  }
  if (*test) {
    auto file = test_file.file(*test);
    return file ? test_command(*file) : kExitInvalid;
  }
  if (*plugins) return plugins_command(plugin_name);
  std::fputs(app.help().c_str(), stdout);
  return kExitInvalid;
}

}  // namespace

int main(int argc, char** argv) {
  open_closed_standard_fds();
  // What the commands do not handle themselves (out of memory, say) is one line on stderr
  // and status 1 rather than std::terminate's abort.
  try {
    return parse_and_run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "logagent: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "logagent: unexpected error\n");
  }
  return logagent::cli::kExitInvalid;
}
