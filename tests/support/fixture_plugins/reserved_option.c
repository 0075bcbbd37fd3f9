/* Loader fixture: an otherwise valid output declaring an option the core reads itself. */
#include "raw_output.h"

static const logagent_option options[] = {
    /* The one defect: the core takes `match` out of every [[outputs]] section (it selects
     * the tags routed to the output), so this option would never reach the plugin. */
    {.name = "match",
     .type = LOGAGENT_OPTION_STRING,
     .required = 0,
     .default_value = NULL,
     .doc = "Meant as a regular expression on the message",
     .example = "\"^ERROR\"",
     .choices = NULL,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 0},
};

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = "reserved_option",
    .version = "1.0.0",
    .description = "Fixture: an option named like one the core reads for every output",
    .options = options,
    .option_count = sizeof options / sizeof options[0],
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
