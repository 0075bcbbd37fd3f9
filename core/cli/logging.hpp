// Internal logs: spdlog to stderr only, so stdout stays the data stream of out_stdout.
#pragma once

#include <string_view>

namespace logagent::cli {

void setup_logging(std::string_view level);

}  // namespace logagent::cli
