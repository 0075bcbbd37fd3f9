/* Loader fixture: logagent_plugin_entry refuses to load by returning NULL. */
#include "raw_output.h"

const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return NULL; /* the one defect: the ABI lets a plugin refuse a host this way */
}
