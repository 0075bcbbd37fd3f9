// `logagent test`: the pipeline file's [[tests]], through its real filters, pass or fail.
#include "cli/commands.hpp"
#include "cli/logging.hpp"
#include "cli/pipeline_loading.hpp"
#include "pipeline/pipeline_test_runner.hpp"

#include <cstdio>
#include <string>

namespace logagent::cli {
namespace {

std::string counted(size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace

int test_command(const std::string& file) {
  auto loaded = load_pipeline_or_report(file, PipelineTests::Read);
  if (!loaded) return kExitInvalid;
  if (loaded->tests.empty()) {
    std::fprintf(stderr, "%s: no [[tests]] to run\n", file.c_str());
    return kExitInvalid;
  }
  setup_logging(loaded->config.service.log_level == "info" ? "warn" : loaded->config.service.log_level);
  core::PipelineTestRunner runner(loaded->config);
  core::ConfigErrors errors;
  if (!runner.create(errors)) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    print_error_count(file, errors.size());
    return kExitInvalid;
  }
  size_t failed = 0;
  for (const auto& test : loaded->tests) {
    const auto differences = runner.run(test);
    std::printf("test \"%s\": %s\n", test.name.c_str(), differences.empty() ? "passed" : "FAILED");
    for (const auto& d : differences) std::printf("  %s\n", d.c_str());
    if (!differences.empty()) ++failed;
  }
  const size_t total = loaded->tests.size();
  std::printf("%s: %s, %zu passed, %zu failed\n", file.c_str(), counted(total, "test").c_str(), total - failed, failed);
  std::fflush(stdout);
  return failed == 0 ? kExitOk : kExitTestsFailed;
}

}  // namespace logagent::cli
