/* Loader fixture: a library exporting a near-miss symbol but no logagent_plugin_entry. */
#include "raw_output.h"

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = "no_entry",
    .version = "1.0.0",
    .description = "Fixture: exports the wrong entry symbol",
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

/* The one defect: a typo'd entry name, the mistake a plugin author would really make. It is
 * exported so the library still has a dynamic symbol table with something in it. */
#ifdef __cplusplus
extern "C" {
#endif
LOGAGENT_EXPORT const logagent_plugin_descriptor* logagent_plugin_entrypoint(uint32_t host_abi_major,
                                                                             uint32_t host_abi_minor);
#ifdef __cplusplus
}
#endif
const logagent_plugin_descriptor* logagent_plugin_entrypoint(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &descriptor;
}
