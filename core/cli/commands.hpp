// The subcommands of the logagent binary. Each returns the process exit status.
#pragma once

#include <string>

namespace logagent::cli {

// Exit statuses, documented in docs/cli.md.
enum ExitStatus : int {
  kExitOk = 0,
  kExitInvalid = 1,       // bad usage, invalid configuration, unusable plugin library
  kExitInputFailed = 2,   // an input stopped with an error (the rest was delivered)
  kExitUndelivered = 3,   // the grace period ran out: batches unacknowledged, or an input not stopping
  kExitEventsFailed = 4,  // events were not delivered: a permanent output error, or an instance's fatal error
  kExitTestsFailed = 1,   // `test`: a test failed (as for an invalid file: nothing passed as it should)
};

int run_command(const std::string& config_file);
int check_command(const std::string& config_file);
int test_command(const std::string& config_file);
int plugins_command(const std::string& name);

}  // namespace logagent::cli
