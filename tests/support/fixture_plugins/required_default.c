/* Loader fixture: an otherwise valid output with an option both required and defaulted. */
#include "raw_output.h"

static const logagent_option options[] = {
    /* The one defect: a required option must be set in every section, so its default
     * could never apply; one of the two is a mistake. The default itself is valid. */
    {.name = "path",
     .type = LOGAGENT_OPTION_STRING,
     .required = 1,
     .default_value = "out.log",
     .doc = "File the events are written to",
     .example = "\"/var/log/app.log\"",
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
    .name = "required_default",
    .version = "1.0.0",
    .description = "Fixture: a required option that also has a default",
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
