/* Create fixture: create returns NULL without set_error, so the host must invent the message. */
#include "raw_output.h"

static void* silent_create(const logagent_host* host, logagent_context* ctx, const logagent_config* config) {
  (void)host;
  (void)ctx;
  (void)config;
  return NULL; /* the one defect: a failure with no reason given */
}

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = "null_create_silent",
    .version = "1.0.0",
    .description = "Fixture: create fails without saying why",
    .options = NULL,
    .option_count = 0,
    .option_size = sizeof(logagent_option),
    .create = silent_create,
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
