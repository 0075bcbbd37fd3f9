/* Loader fixture: an otherwise valid output whose option_size is smaller than ABI 1.0's
 * logagent_option (the entry as it was before choices, ranges and secret were added). */
#include "raw_output.h"

#include <stddef.h>

static const logagent_option options[] = {
    {.name = "path",
     .type = LOGAGENT_OPTION_STRING,
     .required = 0,
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
    .name = "old_option_size",
    .version = "1.0.0",
    .description = "Fixture: an option stride shorter than ABI 1.0's entry",
    .options = options,
    .option_count = sizeof options / sizeof options[0],
    .option_size = offsetof(logagent_option, choices), /* the one defect */
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
