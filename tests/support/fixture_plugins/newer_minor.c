/* Loader fixture: an otherwise valid output that needs a newer ABI minor than the agent's. */
#include "raw_output.h"

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR + 1, /* the one defect: may rely on host fields we lack */
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = "newer_minor",
    .version = "1.0.0",
    .description = "Fixture: built against a newer ABI minor than the agent's",
    .options = NULL,
    .option_count = 0,
    .option_size = sizeof(logagent_option),
    .create = raw_output_create,
    .destroy = raw_output_destroy,
    /* Spelled out rather than omitted so the file also builds as C++ with -Wextra. */
    .input_run = NULL,
    .input_stop = NULL,
    .input_ack = NULL,
    .filter = NULL,
    .output_write = raw_output_write,
    .output_flush = NULL,
};

const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &descriptor;
}
