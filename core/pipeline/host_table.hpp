// The table of host services handed to every plugin's create.
#pragma once

#include <logagent/plugin.h>

namespace logagent::core {

const logagent_host* host_table() noexcept;

}  // namespace logagent::core
