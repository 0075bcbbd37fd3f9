// A configuration error with the place it was found, as shown to users.
#pragma once

#include "plugin/source_position.hpp"

#include <string>
#include <vector>

namespace logagent::core {

struct ConfigError {
  SourcePosition where;
  std::string section;  // e.g. `outputs[1] (type "stdout")`, empty for file-level errors
  std::string message;  // names the option and says what was expected

  // "file:line:column: section: message"
  std::string to_string() const;
};

using ConfigErrors = std::vector<ConfigError>;

}  // namespace logagent::core
