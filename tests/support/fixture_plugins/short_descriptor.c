/* Loader fixture: a descriptor whose struct_size stops before the create callback. */
#include "raw_output.h"

static const logagent_plugin_descriptor descriptor = {
    /* The one defect: the host copies only struct_size bytes, so it sees no name and no
     * callbacks even though the rest of this struct is filled in. */
    .struct_size = 8,
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = "short_descriptor",
    .version = "1.0.0",
    .description = "Fixture: struct_size too small to reach create",
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
