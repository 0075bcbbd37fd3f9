// Where something was written in a pipeline file: errors and option values carry it.
#pragma once

#include <cstdint>
#include <string>

namespace logagent::core {

struct SourcePosition {
  std::string file;
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based
};

}  // namespace logagent::core
