// Logger set-up.
#include "cli/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace logagent::cli {

void setup_logging(std::string_view level) {
  static auto logger = [] {
    auto l = spdlog::stderr_color_mt("logagent");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    spdlog::set_default_logger(l);
    return l;
  }();
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
}

}  // namespace logagent::cli
