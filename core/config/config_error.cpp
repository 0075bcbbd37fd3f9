// Formatting of configuration errors.
#include "config/config_error.hpp"

namespace logagent::core {

std::string ConfigError::to_string() const {
  std::string out = where.file;
  if (where.line != 0) {
    out += ':' + std::to_string(where.line) + ':' + std::to_string(where.column);
  }
  out += ": ";
  if (!section.empty()) out += section + ": ";
  out += message;
  return out;
}

}  // namespace logagent::core
