// A configuration error with the place it was found, as shown to users.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace logagent::core {

struct SourcePosition {
  std::string file;
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based
};

struct ConfigError {
  SourcePosition where;
  std::string section;  // e.g. `outputs[1] (type "stdout")`, empty for file-level errors
  std::string message;  // names the option and says what was expected

  // "file:line:column: section: message"
  std::string to_string() const;
};

using ConfigErrors = std::vector<ConfigError>;

}  // namespace logagent::core
